using GraphEngine.Ops.Core;
using GraphEngine.Runtime.Io;
using GraphEngine.Runtime.Io.TensorBundle;
using GraphEngine.TestKit;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Session.Tests.Io;

/// <summary>Reads every checkpoint in shared/tfdata and checks it against its PROVENANCE.md table.</summary>
[TestClass]
public sealed class TfCheckpointReadTests
{
    public static IEnumerable<object[]> Folders =>
    [
        ["houseprices-dnn-adam-tf1.10"], ["htru2-dnn-rmsprop-estimator-tf1.7"], ["index-only-faster-rcnn-tf1.15"],
        ["iris-keras-2shards-tf2"], ["mnist-mlp-dropout-tf1.14"], ["mnist-softmax-tf1.3"],
        ["tf-rust-binding-graphs"], ["tf-serving-savedmodels"], ["wine-dnnclassifier-estimator-tf1.4"],
    ];

    internal static List<ProvenanceCheckpoint> Checkpoints(string folder) =>
        ProvenanceCheckpoints.Parse(TfData.Path(folder, "PROVENANCE.md"));

    [TestMethod]
    [DynamicData(nameof(Folders))]
    public void EveryEntryMatchesProvenance(string folder)
    {
        var checkpoints = Checkpoints(folder);
        Assert.IsNotEmpty(checkpoints, $"no checkpoint tables in {folder}/PROVENANCE.md");
        foreach (var cp in checkpoints)
        {
            var reader = CheckpointReader.Open(cp.Prefix);
            var bundle = reader.Bundle;
            Assert.AreEqual(cp.NumShards, bundle.NumShards, cp.Prefix);
            Assert.AreEqual(1, bundle.Header.Version.Producer, cp.Prefix);
            Assert.AreEqual(cp.EntryCount, reader.Keys.Count, cp.Prefix);
            Assert.AreEqual(cp.Entries.Count, reader.Keys.Count, cp.Prefix);
            Assert.AreEqual(cp.Snappy ? BlockCompression.Snappy : BlockCompression.None, bundle.IndexLayout.DataBlockCompression.Single(), cp.Prefix);
            CollectionAssert.AreEqual(cp.Entries.Select(e => e.Key).ToList(), reader.Keys.ToList(), $"{cp.Prefix}: keys/order");
            var dtypes = reader.GetVariableToDTypeMap();
            var shapes = reader.GetVariableToShapeMap();
            bool dataPresent = Enumerable.Range(0, bundle.NumShards).All(s => File.Exists(bundle.DataPath(s)));
            foreach (var e in cp.Entries)
            {
                string where = $"{cp.Prefix} / {e.Key}";
                var entry = bundle.GetEntry(e.Key);
                Assert.AreEqual(e.DType, dtypes[e.Key].Name(), where);
                CollectionAssert.AreEqual(e.Shape, shapes[e.Key].ToArray(), where);
                Assert.AreEqual(e.Shard, entry.ShardId, where);
                Assert.AreEqual(e.Offset, entry.Offset, where);
                Assert.AreEqual(e.Size, entry.Size, where);
                if (!dataPresent)
                {
                    var ex = Assert.ThrowsExactly<NotFoundException>(() => reader.GetTensor(e.Key), where);
                    StringAssert.Contains(ex.Message, "missing");
                    StringAssert.Contains(ex.Message, e.Key);
                    continue;
                }
                var t = reader.GetTensor(e.Key); // verifies the tensor CRC
                CollectionAssert.AreEqual(e.Shape, t.Dims.ToArray(), where);
                CheckValues(e, t, where);
            }
        }
    }

    private static void CheckValues(ProvenanceEntry e, HostTensor t, string where)
    {
        if (t.DType == DType.String)
        {
            Assert.HasCount(1, t.Strings!, where);
            // size = varint length + 4-byte lengths CRC + bytes.
            int len = t.Strings![0].Length;
            Assert.AreEqual(e.Size, len + 4 + (len < 128 ? 1 : len < 16384 ? 2 : 3), where);
            return;
        }
        var expected = ProvenanceCheckpoints.ExpectedValues(e);
        Assert.IsNotNull(expected, where);
        double[] actual = t.DType switch
        {
            DType.Float => t.ToArray<float>().Select(v => (double)v).ToArray(),
            DType.Int64 => t.ToArray<long>().Select(v => (double)v).ToArray(),
            _ => throw new AssertFailedException($"{where}: unexpected dtype {t.DType}"),
        };
        Assert.IsGreaterThanOrEqualTo(expected.Length, actual.Length, where);
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], actual[i], Math.Abs(expected[i]) * 1e-6 + 1e-40, $"{where}[{i}]");
    }

    [TestMethod]
    public void ProvenanceTablesCoverEveryIndexFileInTfData()
    {
        var root = TfData.Path();
        var indexFiles = Directory.EnumerateFiles(root, "*.index", SearchOption.AllDirectories).Select(Path.GetFullPath).Order().ToList();
        var covered = Folders.SelectMany(f => Checkpoints((string)f[0])).Select(c => Path.GetFullPath(c.Prefix + ".index")).Order().ToList();
        CollectionAssert.AreEqual(indexFiles, covered);
        Assert.HasCount(12, indexFiles);
    }

    [TestMethod]
    public void HalfPlusTwoValuesFromSnappyIndexes()
    {
        var tf114 = CheckpointReader.Open(TfData.Path("tf-serving-savedmodels", "half_plus_two_tf1.14", "00000123", "variables", "variables.index"));
        Assert.AreEqual(0.5f, tf114.GetTensor("a").ScalarValue<float>());
        Assert.AreEqual(2f, tf114.GetTensor("b").ScalarValue<float>());
        Assert.AreEqual(3f, tf114.GetTensor("c").ScalarValue<float>());
        Assert.AreEqual(0.5f, tf114.GetTensor("a2").ScalarValue<float>());
        Assert.AreEqual(3f, tf114.GetTensor("c2").ScalarValue<float>());

        var tf214 = CheckpointReader.Open(Path.Combine(TfData.Path("tf-serving-savedmodels", "half_plus_two_tf2.14", "00000123", "variables"), "variables"));
        Assert.AreEqual(0.5f, tf214.GetTensor("a/.ATTRIBUTES/VARIABLE_VALUE").ScalarValue<float>());
        Assert.AreEqual(2f, tf214.GetTensor("b/.ATTRIBUTES/VARIABLE_VALUE").ScalarValue<float>());
        var graph = tf214.GetTensorStrings("_CHECKPOINTABLE_OBJECT_GRAPH");
        Assert.HasCount(1, graph);
        Assert.HasCount(613, graph[0]);
        Assert.AreEqual(DType.String, tf214.GetVariableToDTypeMap()["_CHECKPOINTABLE_OBJECT_GRAPH"]);
    }

    [TestMethod]
    public void MultiShardStringAndInt64()
    {
        var r = CheckpointReader.Open(Path.Combine(TfData.Path("iris-keras-2shards-tf2"), "model.ckpt"));
        Assert.AreEqual(2, r.Bundle.NumShards);
        Assert.AreEqual(3840L, r.GetTensor("optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE").ScalarValue<long>());
        var graph = r.GetTensorStrings("_CHECKPOINTABLE_OBJECT_GRAPH");
        Assert.HasCount(2091 - 2 - 4, graph[0]);
        var kernel = r.GetTensor("layer-1/kernel/.ATTRIBUTES/VARIABLE_VALUE");
        CollectionAssert.AreEqual(new long[] { 4, 128 }, kernel.Dims.ToArray());
        Assert.AreEqual(-0.0863989f, kernel.AsSpan<float>()[0], 1e-7f);
    }

    [TestMethod]
    public void FasterRcnnIndexHas23RestartPointsAndListsWithoutData()
    {
        var r = CheckpointReader.Open(Path.Combine(TfData.Path("index-only-faster-rcnn-tf1.15"), "model.ckpt"));
        Assert.AreEqual(1, r.Bundle.IndexLayout.DataBlockCount);
        Assert.AreEqual(23, r.Bundle.IndexLayout.DataBlockRestartCounts[0]);
        Assert.HasCount(357, r.Keys);
        Assert.AreEqual(DType.Int64, r.GetVariableToDTypeMap()["global_step"]);
        Assert.AreEqual(new TensorShape(3, 3, 576, 512), r.GetVariableToShapeMap()["Conv/weights"]);
        StringAssert.Contains(r.DebugString(), "Conv/weights (float) [3,3,576,512]\n");
        var ex = Assert.ThrowsExactly<NotFoundException>(() => r.GetTensor("global_step"));
        StringAssert.Contains(ex.Message, "model.ckpt.data-00000-of-00001");
    }

    [TestMethod]
    public void HousepricesHasThreeRestartsAndShortIndexKey()
    {
        var r = CheckpointReader.Open(Path.Combine(TfData.Path("houseprices-dnn-adam-tf1.10"), "model.ckpt"));
        Assert.AreEqual(3, r.Bundle.IndexLayout.DataBlockRestartCounts[0]);
        Assert.AreEqual("c", System.Text.Encoding.UTF8.GetString(r.Bundle.IndexLayout.IndexKeys[0]));
        Assert.IsTrue(r.HasTensor("Variable/Adam_1"));
        Assert.IsFalse(r.HasTensor("Variable/Adam_2"));
        var ex = Assert.ThrowsExactly<NotFoundException>(() => r.GetTensor("nope"));
        StringAssert.Contains(ex.Message, "nope");
        StringAssert.Contains(ex.Message, "model.ckpt");
    }

    [TestMethod]
    public void LegacyV1CheckpointIsRefusedClearly()
    {
        var dir = TfData.Path("tf-serving-savedmodels", "legacy_v1_session_bundle_half_plus_two", "00000123");
        foreach (var prefix in new[] { Path.Combine(dir, "export"), Path.Combine(dir, "export-00000-of-00001") })
        {
            var ex = Assert.ThrowsExactly<UnimplementedException>(() => CheckpointReader.Open(prefix));
            StringAssert.Contains(ex.Message, "V1");
            StringAssert.Contains(ex.Message, "export-00000-of-00001");
        }
        Assert.ThrowsExactly<NotFoundException>(() => CheckpointReader.Open(Path.Combine(dir, "nothing-here")));
    }
}
