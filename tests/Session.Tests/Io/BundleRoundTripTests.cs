using System.Text;
using GraphEngine.Ops.Core;
using GraphEngine.Runtime.Io;
using GraphEngine.Runtime.Io.TensorBundle;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Session.Tests.Io;

/// <summary>Our writer → our reader for every dtype, shape kind and string edge case.</summary>
[TestClass]
public sealed class BundleRoundTripTests
{
    private static readonly DType[] NumericTypes =
    [
        DType.Float, DType.Double, DType.Int32, DType.UInt8, DType.Int16, DType.Int8, DType.Complex64, DType.Int64,
        DType.Bool, DType.QInt8, DType.QUInt8, DType.QInt32, DType.BFloat16, DType.QInt16, DType.QUInt16, DType.UInt16,
        DType.Complex128, DType.Half, DType.UInt32, DType.UInt64,
    ];

    private static HostTensor RandomTensor(DType dtype, long[] dims, Random rng)
    {
        var t = HostTensor.Allocate(dtype, dims);
        var bytes = t.Buffer!.Bytes;
        rng.NextBytes(bytes);
        if (dtype == DType.Bool)
            for (int i = 0; i < bytes.Length; i++) bytes[i] &= 1;
        return t;
    }

    private static Dictionary<string, HostTensor> AllKinds()
    {
        var rng = new Random(42);
        var tensors = new Dictionary<string, HostTensor>(StringComparer.Ordinal);
        foreach (var dt in NumericTypes)
        {
            tensors[$"{dt.Name()}/matrix"] = RandomTensor(dt, [3, 5], rng);
            tensors[$"{dt.Name()}/scalar"] = RandomTensor(dt, [], rng);
            tensors[$"{dt.Name()}/empty"] = RandomTensor(dt, [0, 4], rng);
        }
        var big = new byte[20000];
        rng.NextBytes(big);
        tensors["string/mixed"] = HostTensor.FromStrings(
            [[], "a"u8.ToArray(), Encoding.UTF8.GetBytes(new string('x', 200)), big, [0xFF, 0x00, 0xC3]], [5]);
        tensors["string/scalar"] = HostTensor.FromStrings(["hello"u8.ToArray()], []);
        tensors["string/empty"] = HostTensor.FromStrings([], [2, 0]);
        tensors["string/matrix"] = HostTensor.FromStrings([[], [], [1], [2, 2], [3, 3, 3], []], [2, 3]);
        tensors["ünïcode/name"] = HostTensor.FromArray([1f, 2f], 2);
        return tensors;
    }

    [TestMethod]
    public void EveryDTypeRoundTripsAndRewritesIdentically()
    {
        using var tmp = new TempDir();
        var tensors = AllKinds();
        string first = Path.Combine(tmp.Path, "a", "model.ckpt");
        using (var w = new BundleWriter(first))
        {
            foreach (var (name, t) in tensors) w.Add(name, t);
            w.Finish();
        }
        Assert.IsEmpty(Directory.GetFiles(Path.GetDirectoryName(first)!, "*tempstate*"));

        var reader = CheckpointReader.Open(first);
        CollectionAssert.AreEquivalent(tensors.Keys.ToList(), reader.Keys.ToList());
        foreach (var (name, t) in tensors)
        {
            var back = reader.GetTensor(name);
            Assert.IsTrue(t.ContentEquals(back), $"{name}: {t} vs {back}");
            Assert.AreEqual(t.DType, reader.GetVariableToDTypeMap()[name], name);
            Assert.AreEqual(t.Shape, reader.GetVariableToShapeMap()[name], name);
        }

        // Our reader's output, written again in the same order, gives identical files.
        string second = Path.Combine(tmp.Path, "b", "model.ckpt");
        using (var w = new BundleWriter(second))
        {
            foreach (var name in tensors.Keys) w.Add(name, reader.GetTensor(name));
            w.Finish();
        }
        CollectionAssert.AreEqual(File.ReadAllBytes(first + ".index"), File.ReadAllBytes(second + ".index"));
        CollectionAssert.AreEqual(File.ReadAllBytes(first + ".data-00000-of-00001"), File.ReadAllBytes(second + ".data-00000-of-00001"));
    }

    [TestMethod]
    public void StringLayoutIsTfs()
    {
        // One 613-byte string stores as e5 04 | masked CRC32C of the uint32 length | bytes (FORMATS.md §4).
        var (bytes, crc) = StringTensorCodec.Encode([new byte[613]]);
        Assert.HasCount(619, bytes);
        CollectionAssert.AreEqual(new byte[] { 0xE5, 0x04 }, bytes[..2]);
        uint lengthsCrc = Crc32C.Compute(BitConverter.GetBytes(613u));
        Assert.AreEqual(Crc32C.Mask(lengthsCrc), BitConverter.ToUInt32(bytes, 2));
        Assert.AreEqual(Crc32C.Extend(Crc32C.Extend(lengthsCrc, bytes.AsSpan(2, 4)), new byte[613]), crc);
        var (values, crc2) = StringTensorCodec.Decode(bytes, 1, "mem", "t");
        Assert.AreEqual(crc, crc2);
        Assert.HasCount(613, values[0]);
    }

    [TestMethod]
    public void MultipleShardsAndSnappyIndex()
    {
        using var tmp = new TempDir();
        string prefix = Path.Combine(tmp.Path, "sharded");
        var options = new BundleWriterOptions { NumShards = 3, Table = new TableOptions { Compression = BlockCompression.Snappy, BlockSize = 512 } };
        using (var w = new BundleWriter(prefix, options))
        {
            for (int i = 0; i < 200; i++) w.Add($"var_{i:D4}/kernel", HostTensor.FromArray(new float[] { i, -i }, 2), i % 3);
            w.Finish();
        }
        for (int s = 0; s < 3; s++) Assert.IsTrue(File.Exists(BundleNaming.DataFile(prefix, s, 3)));
        var r = CheckpointReader.Open(prefix);
        Assert.AreEqual(3, r.Bundle.NumShards);
        Assert.IsGreaterThan(1, r.Bundle.IndexLayout.DataBlockCount);
        Assert.Contains(BlockCompression.Snappy, r.Bundle.IndexLayout.DataBlockCompression);
        for (int i = 0; i < 200; i++)
        {
            Assert.AreEqual(i % 3, r.Bundle.GetEntry($"var_{i:D4}/kernel").ShardId);
            CollectionAssert.AreEqual(new float[] { i, -i }, r.GetTensor($"var_{i:D4}/kernel").ToArray<float>());
        }
    }

    [TestMethod]
    public void WriterRejectsBadInputAndCleansUpWhenAbandoned()
    {
        using var tmp = new TempDir();
        string prefix = Path.Combine(tmp.Path, "x");
        using (var w = new BundleWriter(prefix))
        {
            w.Add("a", HostTensor.Scalar(1f));
            Assert.ThrowsExactly<InvalidArgumentException>(() => w.Add("a", HostTensor.Scalar(2f)));
            Assert.ThrowsExactly<InvalidArgumentException>(() => w.Add("", HostTensor.Scalar(2f)));
            Assert.ThrowsExactly<InvalidArgumentException>(() => w.Add("b", HostTensor.Scalar(2f), shard: 1));
        }
        Assert.IsEmpty(Directory.GetFiles(tmp.Path), "an unfinished bundle leaves no files");
    }
}
