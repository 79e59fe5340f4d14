using GraphEngine.Ops.Core;
using GraphEngine.TestKit;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Arrays;

/// <summary>tf.gather_nd, tf.scatter_nd, tf.gather beyond axis 0 and tf.dynamic_stitch: values, shapes and gradients.</summary>
[TestClass]
public sealed class GatherNdTests
{
    private static IDisposable NewGraph() => new GraphEngine.Graph().as_default();

    [TestMethod]
    public void Gather_nd_and_scatter_nd_are_adjoint_in_their_gradients()
    {
        using var _ = NewGraph();
        var p = tf.constant(new double[,] { { 1, 2 }, { 3, 4 } });
        var y = tf.gather_nd(p, new[,] { { 1, 0 }, { 1, 0 }, { 0, 1 } });
        Assert.AreEqual("GatherNd", y.op.type);
        Assert.AreEqual("[3]", y.shape.ToString());
        var gp = tf.gradients(tf.reduce_sum(y * tf.constant(new double[] { 1, 10, 100 })), p)[0]!;
        Assert.AreEqual("ScatterNd", gp.op.type);
        var u = tf.constant(new double[] { 1, 2, 4 });
        var s = tf.scatter_nd(new[,] { { 2 }, { 0 }, { 2 } }, u, new[] { 4 });
        Assert.AreEqual("ScatterNd", s.op.type);
        Assert.AreEqual("[4]", s.shape.ToString());
        var gu = tf.gradients(tf.reduce_sum(s * tf.constant(new double[] { 1, 10, 100, 1000 })), u)[0]!;
        Assert.AreEqual("GatherNd", gu.op.type);
        using var sess = tf.Session();
        CollectionAssert.AreEqual(new double[] { 3, 3, 2 }, sess.run(y).ToArray<double>());
        CollectionAssert.AreEqual(new double[] { 0, 100, 11, 0 }, sess.run(gp).ToArray<double>());
        CollectionAssert.AreEqual(new double[] { 2, 0, 5, 0 }, sess.run(s).ToArray<double>());
        CollectionAssert.AreEqual(new double[] { 100, 1, 100 }, sess.run(gu).ToArray<double>());
    }

    [TestMethod]
    public void Gather_gradient_beyond_axis_0_sums_repeated_columns()
    {
        using var _ = NewGraph();
        var p = tf.constant(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var y = tf.gather(p, new[] { 2, 0, 2 }, axis: 1);
        var w = tf.constant(new double[,] { { 1, 10, 100 }, { 2, 20, 200 } });
        var g = tf.gradients(tf.reduce_sum(y * w), p)[0]!;
        var g0 = tf.gradients(tf.reduce_sum(tf.gather(p, new[] { 1, 1 }) * tf.constant(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } })), p)[0]!;
        Assert.AreEqual("[2,3]", g.shape.ToString());
        using var sess = tf.Session();
        CollectionAssert.AreEqual(new double[] { 3, 1, 3, 6, 4, 6 }, sess.run(y).ToArray<double>());
        // Column 2 was gathered twice (weights 1 and 100), column 0 once (weight 10), column 1 never.
        CollectionAssert.AreEqual(new double[] { 10, 0, 101, 20, 0, 202 }, sess.run(g).ToArray<double>());
        CollectionAssert.AreEqual(new double[] { 0, 0, 0, 5, 7, 9 }, sess.run(g0).ToArray<double>());
    }

    [TestMethod]
    public void Gather_gradient_works_when_the_params_rank_is_unknown()
    {
        using var _ = NewGraph();
        var p = tf.placeholder(tf.float64, name: "p");
        var y = tf.gather(p, tf.constant(new long[,] { { 1 }, { 1 } }), axis: 2);
        var g = tf.gradients(y * 2.0, p)[0]!;
        using var sess = tf.Session();
        var v = sess.run(g, (p, new double[2, 1, 3]));
        CollectionAssert.AreEqual(new long[] { 2, 1, 3 }, v.shape);
        CollectionAssert.AreEqual(new double[] { 0, 4, 0, 0, 4, 0 }, v.ToArray<double>());
        Assert.ThrowsExactly<UnimplementedException>(() => tf.gradients(tf.gather(p, new[] { 0 }, axis: -1), p));
    }

    [TestMethod]
    public void Unsorted_segment_sum_and_dynamic_stitch()
    {
        using var _ = NewGraph();
        var data = tf.constant(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });
        var sums = tf.math.unsorted_segment_sum(data, new[] { 1, -1, 1 }, 3);
        Assert.AreEqual("UnsortedSegmentSum", sums.op.type);
        Assert.AreEqual("[3,2]", sums.shape.ToString());
        var g = tf.gradients(tf.reduce_sum(sums * tf.constant(new double[,] { { 1, 1 }, { 2, 3 }, { 1, 1 } })), data)[0]!;
        var a = tf.constant(new double[] { 10, 30 });
        var b = tf.constant(new double[] { 20 });
        var stitched = tf.dynamic_stitch([new[] { 0, 2 }, new[] { 1 }], [a, b]);
        Assert.AreEqual("DynamicStitch", stitched.op.type);
        Assert.AreEqual("[3]", stitched.shape.ToString());
        var ga = tf.gradients(tf.reduce_sum(stitched * tf.constant(new double[] { 1, 2, 3 })), a)[0]!;
        using var sess = tf.Session();
        CollectionAssert.AreEqual(new double[] { 0, 0, 6, 8, 0, 0 }, sess.run(sums).ToArray<double>());
        CollectionAssert.AreEqual(new double[] { 2, 3, 0, 0, 2, 3 }, sess.run(g).ToArray<double>());
        CollectionAssert.AreEqual(new double[] { 10, 20, 30 }, sess.run(stitched).ToArray<double>());
        CollectionAssert.AreEqual(new double[] { 1, 3 }, sess.run(ga).ToArray<double>());
    }

    /// <summary>The gradient graphs are differentiable in turn (gather on axis 1 via segment sums and transposes, gather_nd via scatter_nd, batched products).</summary>
    [TestMethod]
    [DataRow("gather axis 1")]
    [DataRow("gather_nd")]
    [DataRow("batched matmul")]
    [DataRow("reverse")]
    public void Second_order_matches_central_differences(string what)
    {
        using var _ = NewGraph();
        Func<Tensor, Tensor> f = what switch
        {
            "gather axis 1" => x => tf.reduce_sum(tf.square(tf.gather(x, new[] { 2, 0, 2 }, axis: 1))),
            "gather_nd" => x => tf.reduce_sum(tf.square(tf.gather_nd(x, new[,] { { 1, 2 }, { 0, 0 }, { 1, 2 } }))),
            "batched matmul" => x => tf.reduce_sum(tf.square(tf.matmul(tf.reshape(x, new[] { 2, 1, 3 }), tf.reshape(x, new[] { 3, 2 })))),
            "reverse" => x => tf.reduce_sum(tf.reverse(x, 1) * x * x),
            _ => throw new ArgumentException(what),
        };
        double error = GradientChecker.ComputeSecondOrderError(f, [2, 3]);
        Assert.IsFalse(double.IsNaN(error), $"{what}: second-order error is NaN");
        Assert.IsLessThan(1e-5, error, $"{what}: second-order max |symbolic − numeric| = {error}");
    }

    [TestMethod]
    public void Scatter_nd_shape_errors_are_caught_when_building()
    {
        using var _ = NewGraph();
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() =>
            tf.scatter_nd(new[,] { { 0 }, { 1 } }, tf.constant(new double[] { 1, 2, 3 }), new[] { 4 }, name: "bad_updates"));
        StringAssert.Contains(e.Message, "bad_updates");
        StringAssert.Contains(e.Message, "must match dimensions [0,1) of updates[shape=[3]]");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.gather_nd(tf.constant(new double[] { 1, 2 }), new[,] { { 0, 0 } }, name: "deep"));
        StringAssert.Contains(e.Message, "indices.shape[-1] must be <= params.rank");
    }
}
