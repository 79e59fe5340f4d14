using GraphEngine.Ops.Model.Serialization;
using GraphEngine.Runtime.Io;
using GraphEngine.TestKit;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Train;

[TestClass]
public sealed class ShardedSaverTests
{
    private string _dir = "";

    [TestInitialize]
    public void Init()
    {
        _dir = Path.Combine(Path.GetTempPath(), "ge-sharded-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [TestMethod]
    public void Sharded_saver_builds_tf_nodes_saves_through_a_temporary_shard_and_restores()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var w = tf.Variable(tf.constant(new float[] { 1, 2, 3 }), name: "w");
        var step = tf.Variable(tf.constant(7L), name: "step");
        var saver = tf.train.Saver(sharded: true);
        Assert.IsTrue(saver.saver_def.Sharded);
        Assert.AreEqual("save/Identity:0", saver.saver_def.SaveTensorName);
        Assert.AreEqual("save/restore_all", saver.saver_def.RestoreOpName);
        foreach (var node in new[] { "save/StringJoin", "save/num_shards", "save/ShardedFilename", "save/SaveV2",
                     "save/MergeV2Checkpoints/checkpoint_prefixes", "save/MergeV2Checkpoints", "save/restore_shard" })
            Assert.IsNotNull(g.get_operation_by_name(node), node);

        using var sess = tf.Session(g);
        sess.run(tf.global_variables_initializer());
        var prefix = saver.save(sess, Path.Combine(_dir, "model.ckpt"), global_step: 3);
        Assert.AreEqual(Path.Combine(_dir, "model.ckpt-3"), prefix);
        CollectionAssert.AreEquivalent(
            new[] { "checkpoint", "model.ckpt-3.data-00000-of-00001", "model.ckpt-3.index", "model.ckpt-3.meta" },
            Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName).ToArray(),
            "the temporary shard directory is merged away");

        var reader = CheckpointReader.Open(prefix);
        CollectionAssert.AreEqual(new[] { 1f, 2f, 3f }, reader.GetTensor("w").AsSpan<float>().ToArray());
        Assert.AreEqual(7L, reader.GetTensor("step").AsSpan<long>()[0]);

        sess.run(w.assign(tf.constant(new float[] { 9, 9, 9 })));
        saver.restore(sess, prefix);
        CollectionAssert.AreEqual(new[] { 1f, 2f, 3f }, sess.run(w).ToArray<float>());
    }

    [TestMethod]
    public void Tf_written_sharded_saver_graph_saves_here()
    {
        // TF 1.14 wrote this SavedModel's saver with sharded=True: its StringJoin/ShardedFilename/
        // MergeV2Checkpoints nodes now run here.
        var dir = TfData.Path("tf-serving-savedmodels", "half_plus_two_tf1.14", "00000123");
        var model = ProtoFile.ReadBinary<Ops.Proto.SavedModel>(Path.Combine(dir, "saved_model.pb"));
        var meta = model.MetaGraphs.Single(m => m.MetaInfoDef.Tags.SequenceEqual(["serve"]));
        Assert.IsTrue(meta.SaverDef.Sharded);
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var imported = tf.train.import_meta_graph(meta);
        using var sess = tf.Session(g);
        imported.restore(sess, Path.Combine(dir, "variables", "variables"));
        var prefix = imported.save(sess, Path.Combine(_dir, "copy"), write_meta_graph: false);
        var original = CheckpointReader.Open(Path.Combine(dir, "variables", "variables"));
        var copy = CheckpointReader.Open(prefix);
        CollectionAssert.AreEquivalent(original.Bundle.Keys.ToArray(), copy.Bundle.Keys.ToArray());
        foreach (var key in original.Bundle.Keys)
            Assert.IsTrue(original.GetTensor(key).ContentEquals(copy.GetTensor(key)), key);
        Assert.IsFalse(Directory.EnumerateDirectories(_dir).Any(), "no temporary directory is left");
    }
}
