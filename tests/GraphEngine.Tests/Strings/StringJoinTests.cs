using System.Text;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Io;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Strings;

[TestClass]
public sealed class StringJoinTests
{
    private static Tensor Str(params string[] values) =>
        tf.ConstantOf(HostTensor.FromStrings(values.Select(Encoding.UTF8.GetBytes).ToArray(), values.Length == 1 ? [] : [values.Length]), "s");

    private static string[] Run(Tensor t)
    {
        using var sess = tf.Session(t.graph);
        return sess.Runtime.Run([], [t.name], [])[0].Strings!.Select(Encoding.UTF8.GetString).ToArray();
    }

    [TestMethod]
    public void Joins_elementwise_and_broadcasts_scalars()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var joined = tf.strings.join([Str("a", "bb", "ccc"), Str("-"), Str("x", "y", "z")], separator: "|");
        CollectionAssert.AreEqual(new long[] { 3 }, joined.shape.ToArray());
        CollectionAssert.AreEqual(new[] { "a|-|x", "bb|-|y", "ccc|-|z" }, Run(joined));
        var scalar = tf.string_join([Str("model"), Str("_temp/part")]);
        Assert.AreEqual(0, scalar.shape.Rank);
        CollectionAssert.AreEqual(new[] { "model_temp/part" }, Run(scalar));
    }

    [TestMethod]
    public void Mismatched_shapes_are_rejected_when_building()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.string_join([Str("a", "b"), Str("a", "b", "c")], name: "bad_join"));
        StringAssert.Contains(e.Message, "bad_join");
    }

    [TestMethod]
    public void Sharded_filename_and_filespec_format_like_tf()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var name = new OpBuilder(ShardedFilenameOps.ShardedFilename).Input(Str("/tmp/model")).Input(tf.constant(3)).Input(tf.constant(12)).Build().outputs[0];
        var spec = new OpBuilder(ShardedFilenameOps.ShardedFilespec).Input(Str("/tmp/model")).Input(tf.constant(12)).Build().outputs[0];
        CollectionAssert.AreEqual(new[] { "/tmp/model-00003-of-00012" }, Run(name));
        CollectionAssert.AreEqual(new[] { "/tmp/model-?????-of-00012" }, Run(spec));
        var bad = new OpBuilder(ShardedFilenameOps.ShardedFilename, "bad_shard").Input(Str("m")).Input(tf.constant(5)).Input(tf.constant(2)).Build().outputs[0];
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => Run(bad));
        StringAssert.Contains(e.Message, "bad_shard");
    }

    [TestMethod]
    public void Pack_stacks_strings_along_any_axis()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var a = Str("a0", "a1");
        var b = Str("b0", "b1");
        CollectionAssert.AreEqual(new[] { "a0", "a1", "b0", "b1" }, Run(tf.stack([a, b])));
        CollectionAssert.AreEqual(new[] { "a0", "b0", "a1", "b1" }, Run(tf.stack([a, b], axis: 1)));
    }
}
