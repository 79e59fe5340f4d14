using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using Case = GraphEngine.Tests.Autodiff.GradientCheckTests.Case;

namespace GraphEngine.Tests.Arrays;

/// <summary>tf.split (Split and SplitV) and its gradients.</summary>
[TestClass]
public sealed class SplitTests
{
    private static IDisposable NewGraph() => new GraphEngine.Graph().as_default();

    public static IEnumerable<Case> GradientCases =>
    [
        new("Split", "one output used (zeros for the others)", x => tf.split(x[0], 3, axis: 1)[1], [[2, 6]]),
        new("Split", "all outputs used", x =>
        {
            var p = tf.split(x[0], 2);
            return p[0] * p[1];
        }, [[4, 3]]),
        new("SplitV", "sizes with -1", x => tf.split(x[0], new[] { 1, -1 }, axis: -1)[1] * 3.0, [[2, 3]]),
        new("SplitV", "all outputs", x =>
        {
            var p = tf.split(x[0], new[] { 2, 1 });
            return tf.reduce_sum(p[0]) * p[1];
        }, [[3, 2]]),
    ];

    [TestMethod]
    public void Split_builders_name_shape_and_compute_like_tf()
    {
        using var _ = NewGraph();
        var x = tf.constant(new double[,] { { 1, 2, 3, 4 }, { 5, 6, 7, 8 } });
        var parts = tf.split(x, 2, axis: 1);
        Assert.HasCount(2, parts);
        Assert.AreEqual("split", parts[0].op.name);
        Assert.AreEqual("Split", parts[0].op.type);
        Assert.AreEqual("split/split_dim", parts[0].op.inputs[0].op.name);
        Assert.AreEqual("split:1", parts[1].name);
        Assert.AreEqual("[2,2]", parts[1].shape.ToString());
        var sized = tf.split(x, new[] { 3, -1 }, axis: 1, name: "cut");
        Assert.AreEqual("SplitV", sized[0].op.type);
        Assert.AreEqual("cut", sized[0].op.name);
        CollectionAssert.AreEqual(new[] { "Const", "Const_1", "cut/split_dim" }, sized[0].op.inputs.Select(i => i.op.name).ToArray());
        Assert.AreEqual("[2,3]", sized[0].shape.ToString());
        Assert.AreEqual("[2,1]", sized[1].shape.ToString());
        using var sess = tf.Session();
        CollectionAssert.AreEqual(new[] { 3.0, 4, 7, 8 }, sess.run(parts[1]).ToArray<double>());
        CollectionAssert.AreEqual(new[] { 1.0, 2, 3, 5, 6, 7 }, sess.run(sized[0]).ToArray<double>());
        CollectionAssert.AreEqual(new[] { 4.0, 8 }, sess.run(sized[1]).ToArray<double>());
    }

    [TestMethod]
    public void Split_with_a_sizes_tensor_and_errors()
    {
        using var _ = NewGraph();
        var x = tf.placeholder(tf.float32, new[] { 5 });
        var sizes = tf.placeholder(tf.int32, new[] { -1 });
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.split(x, sizes));
        StringAssert.Contains(e.Message, "Cannot infer argument `num` from shape [?]");
        var parts = tf.split(x, sizes, num: 2);
        Assert.AreEqual("[?]", parts[0].shape.ToString());
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.split(x, tf.constant(3)));
        StringAssert.Contains(e.Message, "Rank-0 tensors are not supported");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.split(x, 2));
        StringAssert.Contains(e.Message, "Dimension size must be evenly divisible by 2 but is 5");
        using var sess = tf.Session();
        var got = sess.run(parts, (x, new float[] { 1, 2, 3, 4, 5 }), (sizes, new[] { 4, 1 }));
        CollectionAssert.AreEqual(new float[] { 1, 2, 3, 4 }, got[0].ToArray<float>());
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => sess.run(parts, (x, new float[5]), (sizes, new[] { 4, 4 })));
        StringAssert.Contains(e.Message, "Determined shape must either match input shape along split_dim exactly");
        StringAssert.Contains(e.Message, "split");
    }

    [TestMethod]
    public void Gradient_joins_the_parts_with_zeros_for_unused_outputs()
    {
        using var _ = NewGraph();
        var x = tf.placeholder(tf.float64, new[] { 2, 4 });
        var dx = tf.gradients(tf.reduce_sum(tf.split(x, 2, axis: 1)[1]), x)[0]!;
        Assert.AreEqual("ConcatV2", dx.op.type);
        Assert.AreEqual("[2,4]", dx.shape.ToString());
        using var sess = tf.Session();
        CollectionAssert.AreEqual(new[] { 0.0, 0, 1, 1, 0, 0, 1, 1 }, sess.run(dx, (x, new double[2, 4])).ToArray<double>());
    }
}
