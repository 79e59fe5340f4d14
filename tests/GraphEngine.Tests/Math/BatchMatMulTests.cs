using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;

// Not "GraphEngine.Tests.Math": that namespace would shadow System.Math in every test file.
namespace GraphEngine.Tests.Maths;

/// <summary>tf.matmul on batches (BatchMatMulV2), tf.linalg.matmul and TF1's tf.div.</summary>
[TestClass]
public sealed class BatchMatMulTests
{
    private static IDisposable NewGraph() => new GraphEngine.Graph().as_default();

    [TestMethod]
    public void Matmul_picks_BatchMatMulV2_for_rank_above_2_or_unknown_rank()
    {
        using var _ = NewGraph();
        var a = tf.placeholder(tf.float32, new[] { -1, 2, 3 });
        var b = tf.placeholder(tf.float32, new[] { 3, 4 });
        var c = tf.matmul(a, b);
        Assert.AreEqual("BatchMatMulV2", c.op.type);
        Assert.AreEqual("MatMul", c.op.name);
        Assert.AreEqual("[?,2,4]", c.shape.ToString());
        var t = tf.linalg.matmul(b, b, transpose_a: true);
        Assert.AreEqual("MatMul", t.op.type);
        Assert.IsTrue(t.op.get_attr("transpose_a").B);
        var adj = tf.matmul(a, a, adjoint_b: true);
        Assert.IsTrue(adj.op.get_attr("adj_y").B);
        Assert.AreEqual("[?,2,2]", adj.shape.ToString());
        Assert.AreEqual("BatchMatMulV2", tf.matmul(tf.placeholder(tf.float32), b).op.type);
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.matmul(a, b, transpose_a: true, adjoint_a: true));
        using var sess = tf.Session();
        var v = sess.run(c, (a, new float[,,] { { { 1, 0, 0 }, { 0, 1, 0 } }, { { 1, 1, 1 }, { 0, 0, 2 } } }),
            (b, new float[,] { { 1, 2, 3, 4 }, { 5, 6, 7, 8 }, { 9, 10, 11, 12 } }));
        CollectionAssert.AreEqual(new long[] { 2, 2, 4 }, v.shape);
        CollectionAssert.AreEqual(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 15, 18, 21, 24, 18, 20, 22, 24 }, v.ToArray<float>());
    }

    [TestMethod]
    public void Gradient_sums_over_broadcast_batch_dims()
    {
        using var _ = NewGraph();
        var x = tf.constant(new double[,] { { 1, 2 }, { 3, 4 } });                 // [2,2], broadcast over a batch of 3
        var y = tf.constant(new double[3, 2, 1] { { { 1 }, { 1 } }, { { 2 }, { 0 } }, { { 0 }, { 3 } } });
        var z = tf.matmul(x, y);
        Assert.AreEqual("[3,2,1]", z.shape.ToString());
        var grads = tf.gradients(tf.reduce_sum(z), [x, y]);
        Assert.AreEqual("[2,2]", grads[0]!.shape.ToString());
        using var sess = tf.Session();
        // d/dx sum(x·y_b) = Σ_b 1·y_bᵀ: each row gets [1+2+0, 1+0+3].
        CollectionAssert.AreEqual(new double[] { 3, 4, 3, 4 }, sess.run(grads[0]!).ToArray<double>());
        // d/dy_b = xᵀ·1 = column sums of x, for every b.
        CollectionAssert.AreEqual(new double[] { 4, 6, 4, 6, 4, 6 }, sess.run(grads[1]!).ToArray<double>());
    }

    [TestMethod]
    public void Div_is_real_division_for_floats_and_floor_division_for_integers()
    {
        using var _ = NewGraph();
        var f = tf.div(tf.constant(new[] { 7.0, -7.0 }), 2.0);
        Assert.AreEqual("RealDiv", f.op.type);
        Assert.AreEqual("div", f.op.name);
        var i = tf.div(tf.constant(new[] { 7, -7 }), tf.constant(new[] { 2, 2 }));
        Assert.AreEqual("FloorDiv", i.op.type);
        var x = tf.constant(new[] { 3.0, 8.0 });
        var raw = new OpBuilder(Ops.Math.MathOps.Div).Input(x).Input(tf.constant(2.0)).Build().outputs[0];
        var g = tf.gradients(raw, x)[0]!;
        using var sess = tf.Session();
        CollectionAssert.AreEqual(new[] { 3.5, -3.5 }, sess.run(f).ToArray<double>());
        CollectionAssert.AreEqual(new[] { 3, -4 }, sess.run(i).ToArray<int>());
        CollectionAssert.AreEqual(new[] { 1.5, 4.0 }, sess.run(raw).ToArray<double>());
        CollectionAssert.AreEqual(new[] { 0.5, 0.5 }, sess.run(g).ToArray<double>());
    }
}
