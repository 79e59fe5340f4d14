using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model.Serialization;
using GraphEngine.Ops.Model.TextFormat;
using GraphEngine.TestKit;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Model;

/// <summary>
/// Damaged files must fail with our typed errors naming the source, never with a raw
/// InvalidProtocolBufferException, IndexOutOfRange, OutOfMemory or a hang.
/// </summary>
[TestClass]
public sealed class CorruptInputTests
{
    [TestMethod]
    public void TruncatedAndFlippedBinaryGraphsGiveTypedErrors()
    {
        var original = File.ReadAllBytes(TfData.Path("ab-mul-graph-tf1.0", "graph.pb"));
        var rng = new System.Random(12345);
        int failures = 0;
        for (int trial = 0; trial < 600; trial++)
        {
            var data = Mutate(original, rng);
            try
            {
                GraphDefIO.ReadBinary(data, "mutated.pb");
            }
            catch (GraphEngineException e)
            {
                failures++;
                StringAssert.Contains(e.Message, "mutated.pb", $"trial {trial}: error names the source");
                Assert.IsTrue(e is DataLossException or InvalidArgumentException or UnimplementedException, $"trial {trial}: {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.IsTrue(failures > 100, $"only {failures} of 600 mutations were rejected");
    }

    [TestMethod]
    public void TruncatedBinaryIsDataLoss()
    {
        var path = TfData.Path("mnist-softmax-tf1.3", "model.ckpt.meta");
        var data = File.ReadAllBytes(path);
        var e = Assert.ThrowsExactly<DataLossException>(() => ProtoFile.ParseBinary<Proto.MetaGraphDef>(data[..(data.Length / 2)], path));
        StringAssert.Contains(e.Message, "model.ckpt.meta");
        StringAssert.Contains(e.Message, "tensorflow.MetaGraphDef");
    }

    [TestMethod]
    public void HugeLengthPrefixIsDataLossNotOutOfMemory()
    {
        // node (field 1, length-delimited) claiming 2^62 bytes.
        byte[] data = [0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x3f, 0x00];
        Assert.ThrowsExactly<DataLossException>(() => GraphDefIO.ReadBinary(data, "huge.pb"));
    }

    [TestMethod]
    public void MutatedTextGivesTypedErrors()
    {
        var original = File.ReadAllBytes(TfData.Path("ab-mul-graph-tf1.0", "graph.pbtxt"));
        var rng = new System.Random(54321);
        for (int trial = 0; trial < 600; trial++)
        {
            var data = Mutate(original, rng);
            try
            {
                GraphDefIO.Read(data, "mutated.pbtxt");
            }
            catch (GraphEngineException e)
            {
                StringAssert.Contains(e.Message, "mutated.pbtxt", $"trial {trial}");
            }
        }
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("\u0000\u0001garbage")]
    [DataRow("node { name: \"x\" op: \"Const\" attr { key: \"value\" value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 2 } } tensor_content: \"\\001\" } } } }")]
    [DataRow("node { name: \"x\" } node { name: \"x\" }")]
    [DataRow("node { name: \"x\" attr { key: \"a\" value { } } }")]
    [DataRow("node { name: \"x\" attr { key: \"a\" value { list { i: 1 f: 2 } } } }")]
    public void GarbageOrInvalidGraphsAreRejectedWithTheSourceName(string text)
    {
        var data = System.Text.Encoding.UTF8.GetBytes(text);
        if (data.Length == 0)
        {
            Assert.AreEqual(0, GraphDefIO.Read(data, "empty.pb").Count, "an empty file is an empty GraphDef, as in TF");
            return;
        }
        var e = Assert.Throws<GraphEngineException>(() => GraphDefIO.Read(data, "bad.pbtxt"), text);
        Assert.IsTrue(e is InvalidArgumentException or DataLossException, e.GetType().Name);
        StringAssert.Contains(e.Message, "bad.pbtxt");
    }

    [TestMethod]
    public void MissingFileIsNotFound()
    {
        var e = Assert.ThrowsExactly<NotFoundException>(() => GraphDefIO.Read("/nonexistent/graph.pb"));
        StringAssert.Contains(e.Message, "/nonexistent/graph.pb");
    }

    private static byte[] Mutate(byte[] original, System.Random rng)
    {
        var data = (byte[])original.Clone();
        switch (rng.Next(4))
        {
            case 0:
                return data[..rng.Next(data.Length)];
            case 1:
                for (int k = rng.Next(1, 4); k > 0; k--) data[rng.Next(data.Length)] = (byte)rng.Next(256);
                return data;
            case 2:
                for (int k = rng.Next(1, 4); k > 0; k--) data[rng.Next(data.Length)] ^= (byte)(1 << rng.Next(8));
                return data;
            default:
                {
                    int at = rng.Next(data.Length);
                    return [.. data[..at], (byte)"{}<>:[]\"'#\\-0x"[rng.Next(14)], .. data[at..]];
                }
        }
    }
}
