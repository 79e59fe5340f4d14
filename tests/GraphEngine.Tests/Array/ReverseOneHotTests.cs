using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Arrays;

/// <summary>tf.reverse, tf.one_hot and tf.shape_n: TF1 node names, dtypes, values and their errors.</summary>
[TestClass]
public sealed class ReverseOneHotTests
{
    private static IDisposable NewGraph() => new GraphEngine.Graph().as_default();

    [TestMethod]
    public void Reverse_builds_ReverseV2_and_its_gradient_reverses_back()
    {
        using var _ = NewGraph();
        var x = tf.constant(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var y = tf.reverse(x, 1);
        Assert.AreEqual("ReverseV2", y.op.type);
        Assert.AreEqual("ReverseV2", y.op.name);
        Assert.AreEqual("[2,3]", y.shape.ToString());
        var w = tf.constant(new double[,] { { 1, 10, 100 }, { 2, 20, 200 } });
        var g = tf.gradients(tf.reduce_sum(tf.reverse(x, new[] { 0, 1 }) * w), x)[0]!;
        using var sess = tf.Session();
        CollectionAssert.AreEqual(new double[] { 3, 2, 1, 6, 5, 4 }, sess.run(y).ToArray<double>());
        // d/dx sum(reverse(x)·w) = reverse(w).
        CollectionAssert.AreEqual(new double[] { 200, 20, 2, 100, 10, 1 }, sess.run(g).ToArray<double>());
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.reverse(x, new[] { 1, -1 }));
        StringAssert.Contains(e.Message, "axis 1 specified more than once");
    }

    [TestMethod]
    public void One_hot_defaults_to_float32_ones_and_zeros_on_the_last_axis()
    {
        using var _ = NewGraph();
        var y = tf.one_hot(tf.constant(new[] { 0, 2, 5, -1 }), 3);
        Assert.AreEqual("one_hot", y.op.name);
        Assert.AreEqual("OneHot", y.op.type);
        Assert.AreEqual(DType.Float, y.dtype);
        Assert.AreEqual("[4,3]", y.shape.ToString());
        var z = tf.one_hot(new long[] { 1, 0 }, 2, on_value: 5.0, off_value: -1.0, axis: 0, dtype: tf.float64);
        Assert.AreEqual("[2,2]", z.shape.ToString());
        var i = tf.one_hot(tf.constant(new[] { 1 }), 2, on_value: tf.constant(7), off_value: tf.constant(3));
        Assert.AreEqual(DType.Int32, i.dtype);
        var n = tf.one_hot(new[] { 1 }, 2, on_value: 4L, off_value: 2L);
        Assert.AreEqual(DType.Int64, n.dtype, "host on_value decides the dtype, as TF's does");
        using var sess = tf.Session();
        CollectionAssert.AreEqual(new float[] { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0 }, sess.run(y).ToArray<float>());
        CollectionAssert.AreEqual(new double[] { -1, 5, 5, -1 }, sess.run(z).ToArray<double>());
        CollectionAssert.AreEqual(new[] { 3, 7 }, sess.run(i).ToArray<int>());
        CollectionAssert.AreEqual(new long[] { 2, 4 }, sess.run(n).ToArray<long>());
        Assert.IsNull(tf.gradients(tf.reduce_sum(y), tf.get_default_graph().get_operation_by_name("one_hot/on_value").outputs[0])[0]);
    }

    [TestMethod]
    public void One_hot_rejects_a_negative_depth_when_built_and_when_fed()
    {
        using var _ = NewGraph();
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.one_hot(new[] { 0 }, -2, name: "neg_depth"));
        StringAssert.Contains(e.Message, "neg_depth");
        StringAssert.Contains(e.Message, "-2");
        var depth = tf.placeholder(tf.int32, new int[0], name: "depth");
        var y = tf.one_hot(new[] { 0, 1 }, depth, name: "fed_depth");
        Assert.AreEqual("[2,?]", y.shape.ToString());
        using var sess = tf.Session();
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => sess.run(y, (depth, -3)));
        StringAssert.Contains(e.Message, "fed_depth");
        StringAssert.Contains(e.Message, "depth must be non-negative, got: -3");
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.one_hot(new[] { 0 }, 2, on_value: tf.constant(1.0), dtype: tf.float32));
    }

    [TestMethod]
    public void Shape_n_gives_every_shape_with_static_shapes_from_the_ranks()
    {
        using var _ = NewGraph();
        var a = tf.placeholder(tf.float32, new[] { -1, 3 });
        var b = tf.placeholder(tf.float32);
        var shapes = tf.shape_n([a, b], tf.int64);
        Assert.AreEqual(2, shapes.Length);
        Assert.AreEqual("ShapeN", shapes[0].op.type);
        Assert.AreEqual("[2]", shapes[0].shape.ToString());
        Assert.AreEqual("[?]", shapes[1].shape.ToString());
        Assert.AreEqual(DType.Int64, shapes[1].dtype);
        using var sess = tf.Session();
        var v = sess.run(shapes, (a, new float[4, 3]), (b, new float[2, 1, 5]));
        CollectionAssert.AreEqual(new long[] { 4, 3 }, v[0].ToArray<long>());
        CollectionAssert.AreEqual(new long[] { 2, 1, 5 }, v[1].ToArray<long>());
        Assert.IsNull(tf.gradients(tf.reduce_sum(tf.cast(shapes[0], tf.float32)), a)[0]);
    }
}
