using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Nn;

[TestClass]
public sealed class NnCompositionTests
{
    private static IDisposable NewGraph() => new GraphEngine.Graph().as_default();

    [TestMethod]
    public void Dropout_keeps_elements_scaled_by_one_over_keep_prob()
    {
        using var _ = NewGraph();
        var x = tf.ones(new[] { 100, 100 }, tf.float64);
        var y = tf.nn.dropout(x, keep_prob: 0.25, seed: 3);
        Assert.AreEqual("dropout/mul:0", y.name);
        using var sess = tf.Session();
        var v = sess.run(y).ToArray<double>();
        Assert.IsTrue(v.All(e => e == 0 || e == 4), "each element is dropped (0) or kept and scaled by 1/0.25");
        double keptFraction = v.Count(e => e == 4) / (double)v.Length;
        Assert.AreEqual(0.25, keptFraction, 0.02);
        var again = sess.run(y).ToArray<double>();
        CollectionAssert.AreNotEqual(v, again, "a new mask every run");
        Assert.AreSame(x, tf.nn.dropout(x, keep_prob: 1.0), "keep_prob 1 is the identity");
        Assert.AreSame(x, tf.nn.dropout(x, rate: 0.0));
    }

    [TestMethod]
    public void Dropout_with_rate_noise_shape_and_a_fed_keep_prob()
    {
        using var _ = NewGraph();
        var x = tf.placeholder(tf.float32, new[] { -1, 50 });
        var keep = tf.placeholder(tf.float32, TensorShape.Scalar);
        var byRate = tf.nn.dropout(x, rate: 0.5, seed: 1);
        var columns = tf.nn.dropout(x, keep_prob: 0.5, noise_shape: new[] { 1, 50 }, seed: 2);
        var fed = tf.nn.dropout(x, keep_prob: keep, seed: 4);
        var ones = new float[8, 50];
        for (int i = 0; i < 8; i++) for (int j = 0; j < 50; j++) ones[i, j] = 1;
        using var sess = tf.Session();
        var r = sess.run(byRate, (x, ones)).ToArray<float>();
        Assert.IsTrue(r.All(e => e == 0 || e == 2));
        var c = sess.run(columns, (x, ones)).ToArray<float>();
        for (int j = 0; j < 50; j++)
            for (int i = 1; i < 8; i++) Assert.AreEqual(c[j], c[i * 50 + j], "noise_shape [1, 50] drops whole columns");
        var f = sess.run(fed, (x, ones), (keep, 1.0f)).ToArray<float>();
        Assert.IsTrue(f.All(e => e == 1), "keep_prob fed as 1 keeps everything");
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.nn.dropout(x, keep_prob: 0.0));
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.nn.dropout(x, rate: 1.0));
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.nn.dropout(x, keep_prob: 0.5, rate: 0.5));
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.nn.dropout(tf.constant(new[] { 1, 2 }), keep_prob: 0.5));
    }

    [TestMethod]
    public void L2_normalize_divides_by_the_norm_along_the_axis_with_epsilon_floor()
    {
        using var _ = NewGraph();
        var x = tf.constant(new double[,] { { 3, 4 }, { 0, 0 } });
        using var sess = tf.Session();
        double[] Rounded(Tensor t) => sess.run(t).ToArray<double>().Select(v => Math.Round(v, 12)).ToArray();
        CollectionAssert.AreEqual(new double[] { 0.6, 0.8, 0, 0 }, Rounded(tf.nn.l2_normalize(x, 1)));
        CollectionAssert.AreEqual(new double[] { 0.6, 0.8, 0, 0 }, Rounded(tf.nn.l2_normalize(x)));
        CollectionAssert.AreEqual(new double[] { 1, 1, 0, 0 }, Rounded(tf.nn.l2_normalize(x, 0)));
        var tiny = sess.run(tf.nn.l2_normalize(tf.constant(new double[] { 1e-8 }), epsilon: 1e-12)).ToArray<double>();
        Assert.AreEqual(1e-8 / 1e-6, tiny[0], 1e-12, "√max(1e-16, 1e-12) = 1e-6 divides");
        Assert.AreEqual("l2_normalize_4:0", tf.nn.l2_normalize(x).name, "the fifth call in the root scope");
    }

    [TestMethod]
    public void Moments_give_mean_and_biased_variance_with_and_without_kept_dims()
    {
        using var _ = NewGraph();
        var x = tf.constant(new double[,] { { 1, 2, 3 }, { 5, 6, 10 } });
        var (m0, v0) = tf.nn.moments(x, [0]);
        var (mAll, vAll) = tf.nn.moments(x, [0, 1], keep_dims: true);
        var (mLast, _) = tf.nn.moments(x, [-1]);
        Assert.AreEqual("moments/Squeeze:0", m0.name);
        Assert.AreEqual("[3]", m0.shape.ToString());
        Assert.AreEqual("[1,1]", mAll.shape.ToString().Replace(" ", ""));
        using var sess = tf.Session();
        CollectionAssert.AreEqual(new double[] { 3, 4, 6.5 }, sess.run(m0).ToArray<double>());
        CollectionAssert.AreEqual(new double[] { 4, 4, 12.25 }, sess.run(v0).ToArray<double>());
        Assert.AreEqual(4.5, sess.run(mAll).ToArray<double>()[0], 1e-12);
        // Σ(x − 4.5)² / 6 = (12.25 + 6.25 + 2.25 + 0.25 + 2.25 + 30.25) / 6
        Assert.AreEqual(53.5 / 6, sess.run(vAll).ToArray<double>()[0], 1e-12);
        CollectionAssert.AreEqual(new double[] { 2, 7 }, sess.run(mLast).ToArray<double>());
    }

    [TestMethod]
    public void Batch_normalization_matches_the_formula()
    {
        using var _ = NewGraph();
        var x = tf.constant(new double[,] { { 1, 2 }, { 3, 6 } });
        var mean = tf.constant(new double[] { 2, 4 });
        var variance = tf.constant(new double[] { 1, 4 });
        var offset = tf.constant(new double[] { 0.5, -1 });
        var scale = tf.constant(new double[] { 2, 3 });
        var y = tf.nn.batch_normalization(x, mean, variance, offset, scale, 0.0);
        var plain = tf.nn.batch_normalization(x, mean, variance, null, null, 0.0);
        using var sess = tf.Session();
        // (x − μ)/σ · γ + β: column 0 (−1, 1)·2 + 0.5, column 1 (−1, 1)·3 − 1
        CollectionAssert.AreEqual(new double[] { -1.5, -4, 2.5, 2 }, sess.run(y).ToArray<double>());
        CollectionAssert.AreEqual(new double[] { -1, -1, 1, 1 }, sess.run(plain).ToArray<double>());
        var eps = sess.run(tf.nn.batch_normalization(x, mean, variance, null, null, 3.0)).ToArray<double>();
        Assert.AreEqual(-0.5, eps[0], 1e-12, "(1 − 2)/√(1 + 3)");
    }

    [TestMethod]
    public void Norm_euclidean_one_inf_p_and_matrix_norms()
    {
        using var _ = NewGraph();
        var x = tf.constant(new double[,] { { 3, -4 }, { -1, 2 } });
        using var sess = tf.Session();
        double Run(Tensor t) => sess.run(t).ToArray<double>()[0];
        Assert.AreEqual(Math.Sqrt(30), Run(tf.norm(x)), 1e-12);
        Assert.AreEqual(0, tf.norm(x).shape.Rank, "all axes reduced and squeezed");
        Assert.AreEqual(10, Run(tf.norm(x, 1)), 1e-12);
        Assert.AreEqual(4, Run(tf.norm(x, double.PositiveInfinity)), 1e-12);
        Assert.AreEqual(Math.Pow(27 + 64 + 1 + 8, 1.0 / 3), Run(tf.norm(x, 3.0)), 1e-12);
        CollectionAssert.AreEqual(new double[] { 5, Math.Sqrt(5) }, sess.run(tf.norm(x, axis: [1])).ToArray<double>());
        CollectionAssert.AreEqual(new double[] { 7, 3 }, sess.run(tf.norm(x, 1, axis: [-1])).ToArray<double>());
        var kept = tf.norm(x, axis: [0], keepdims: true);
        Assert.AreEqual("[1,2]", kept.shape.ToString().Replace(" ", ""));
        // Matrix norms: 1 = max column abs sum, inf = max row abs sum, fro.
        Assert.AreEqual(6, Run(tf.norm(x, 1, axis: [0, 1])), 1e-12);
        Assert.AreEqual(7, Run(tf.norm(x, double.PositiveInfinity, axis: [0, 1])), 1e-12);
        Assert.AreEqual(Math.Sqrt(30), Run(tf.norm(x, "fro", axis: [0, 1])), 1e-12);
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.norm(x, 2, axis: [0, 1]));
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.norm(x, -1.0));
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.norm(x, "nuc"));
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.norm(x, axis: [0, 0]));
    }
}
