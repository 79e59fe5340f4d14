using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Variables;

[TestClass]
public sealed class InitializerTests
{
    private static IDisposable NewGraph() => new GraphEngine.Graph().as_default();

    private static double[] Values(Initializer init, int[] shape, DType dtype = DType.Double)
    {
        using var _ = NewGraph();
        var t = init.call(shape, dtype);
        using var sess = tf.Session();
        var v = sess.run(t);
        return dtype == DType.Double ? v.ToArray<double>() : v.ToArray<float>().Select(x => (double)x).ToArray();
    }

    private static (double Mean, double Std, double MaxAbs) Stats(double[] v)
    {
        double mean = v.Average();
        double std = Math.Sqrt(v.Select(x => (x - mean) * (x - mean)).Average());
        return (mean, std, v.Max(Math.Abs));
    }

    [TestMethod]
    public void Fans_follow_tf_compute_fans()
    {
        Assert.AreEqual((1.0, 1.0), VarianceScalingInitializer.ComputeFans(TensorShape.Scalar));
        Assert.AreEqual((5.0, 5.0), VarianceScalingInitializer.ComputeFans(new TensorShape(5)));
        Assert.AreEqual((3.0, 7.0), VarianceScalingInitializer.ComputeFans(new TensorShape(3, 7)));
        // conv kernel [kh, kw, in, out]: receptive field 3·5 = 15
        Assert.AreEqual((4.0 * 15, 8.0 * 15), VarianceScalingInitializer.ComputeFans(new TensorShape(3, 5, 4, 8)));
    }

    [TestMethod]
    public void Glorot_and_he_uniform_stay_within_their_limits_with_the_right_variance()
    {
        // glorot_uniform on [200, 300]: limit √(6/500); the variance of U(−l, l) is l²/3.
        var g = Values(tf.initializers.glorot_uniform(seed: 1), [200, 300]);
        double limit = Math.Sqrt(6.0 / 500);
        var (mean, std, max) = Stats(g);
        Assert.IsTrue(max <= limit, $"max |x| {max} > limit {limit}");
        Assert.IsTrue(max > 0.99 * limit, "the samples fill the interval");
        Assert.AreEqual(0, mean, 0.002);
        Assert.AreEqual(limit / Math.Sqrt(3), std, 0.01 * limit);
        var h = Values(tf.initializers.he_uniform(seed: 2), [400, 100]);
        double hl = Math.Sqrt(6.0 / 400);
        Assert.IsTrue(Stats(h).MaxAbs <= hl);
        Assert.AreEqual(hl / Math.Sqrt(3), Stats(h).Std, 0.01 * hl);
        var lu = Values(tf.initializers.lecun_uniform(seed: 3), [100, 100]);
        Assert.IsTrue(Stats(lu).MaxAbs <= Math.Sqrt(3.0 / 100));
    }

    [TestMethod]
    public void Truncated_variance_scaling_corrects_the_stddev_so_the_variance_is_scale_over_fan()
    {
        // he_normal: truncated normal with stddev √(2/fan_in)/0.8796…, truncated at 2σ; the
        // resulting sample variance is 2/fan_in.
        var v = Values(tf.initializers.he_normal(seed: 7), [250, 400]);
        double sigma = Math.Sqrt(2.0 / 250) / VarianceScalingInitializer.TruncatedNormalStddev;
        var (mean, std, max) = Stats(v);
        Assert.IsTrue(max <= 2 * sigma * (1 + 1e-6), $"values are truncated at two stddevs: {max} vs {2 * sigma}");
        Assert.AreEqual(0, mean, 0.002);
        Assert.AreEqual(Math.Sqrt(2.0 / 250), std, 0.01 * Math.Sqrt(2.0 / 250));
        var un = Values(tf.variance_scaling_initializer(scale: 3.0, mode: "fan_out", distribution: "untruncated_normal", seed: 4), [100, 300]);
        Assert.AreEqual(Math.Sqrt(3.0 / 300), Stats(un).Std, 0.02 * Math.Sqrt(3.0 / 300));
        var gn = Values(tf.initializers.glorot_normal(seed: 5), [300, 200], DType.Float);
        Assert.AreEqual(Math.Sqrt(1.0 / 250), Stats(gn).Std, 0.02 * Math.Sqrt(1.0 / 250));
        var ln = Values(tf.initializers.lecun_normal(seed: 6), [400, 150]);
        Assert.AreEqual(Math.Sqrt(1.0 / 400), Stats(ln).Std, 0.02 * Math.Sqrt(1.0 / 400));
    }

    [TestMethod]
    public void Variance_scaling_rejects_bad_arguments_and_integer_dtypes()
    {
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.variance_scaling_initializer(scale: 0));
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.variance_scaling_initializer(mode: "fan_middle"));
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.variance_scaling_initializer(distribution: "cauchy"));
        using var _ = NewGraph();
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.glorot_uniform_initializer().call(new[] { 2, 2 }, tf.int32));
        StringAssert.Contains(e.Message, "int32");
    }

    [TestMethod]
    public void Same_seeds_give_same_values_and_different_op_seeds_differ()
    {
        var a = Values(tf.random_normal_initializer(1.0, 2.0, seed: 11), [50, 20]);
        var b = Values(tf.random_normal_initializer(1.0, 2.0, seed: 11), [50, 20]);
        var c = Values(tf.random_normal_initializer(1.0, 2.0, seed: 12), [50, 20]);
        CollectionAssert.AreEqual(a, b);
        CollectionAssert.AreNotEqual(a, c);
        var (mean, std, _) = Stats(a);
        Assert.AreEqual(1.0, mean, 0.15);
        Assert.AreEqual(2.0, std, 0.15);
        var t = Values(tf.truncated_normal_initializer(0.0, 0.5, seed: 3), [1000]);
        Assert.IsTrue(Stats(t).MaxAbs <= 1.0 + 1e-9, "truncated at two stddevs");
        var u = Values(tf.random_uniform_initializer(-3, 5, seed: 9), [1000]);
        Assert.IsTrue(u.All(x => x >= -3 && x < 5));
        Assert.AreEqual(1.0, u.Average(), 0.3);
        var u01 = Values(tf.random_uniform_initializer(seed: 9), [100]);
        Assert.IsTrue(u01.All(x => x >= 0 && x < 1), "maxval defaults to 1");
    }

    [TestMethod]
    public void Constant_zeros_ones_and_identity_initializers()
    {
        CollectionAssert.AreEqual(new double[] { 2.5, 2.5, 2.5 }, Values(tf.constant_initializer(2.5), [3]));
        CollectionAssert.AreEqual(new double[] { 1, 2, 3, 4 }, Values(tf.constant_initializer(new double[] { 1, 2, 3, 4 }), [2, 2]));
        CollectionAssert.AreEqual(new double[] { 0, 0 }, Values(tf.zeros_initializer(), [2]));
        CollectionAssert.AreEqual(new double[] { 1, 1 }, Values(tf.initializers.ones(), [1, 2]));
        CollectionAssert.AreEqual(new double[] { 3, 0, 0, 0, 3, 0 }, Values(tf.initializers.identity(3.0), [2, 3]));
        using var _ = NewGraph();
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.initializers.identity().call(new[] { 2, 2, 2 }));
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.constant_initializer(new double[] { 1, 2, 3 }).call(new[] { 2, 2 }));
    }

    [TestMethod]
    [DataRow(4, 4)]
    [DataRow(6, 3)]
    [DataRow(3, 6)]
    public void Orthogonal_gives_orthonormal_rows_or_columns_scaled_by_gain(int rows, int cols)
    {
        var q = Values(tf.orthogonal_initializer(gain: 2.0, seed: 5), [rows, cols]);
        // The smaller side is orthonormal (·gain²): QᵀQ for tall, QQᵀ for wide.
        int n = Math.Min(rows, cols);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                if (rows >= cols) for (int k = 0; k < rows; k++) s += q[k * cols + i] * q[k * cols + j];
                else for (int k = 0; k < cols; k++) s += q[i * cols + k] * q[j * cols + k];
                Assert.AreEqual(i == j ? 4.0 : 0.0, s, 1e-9);
            }
        CollectionAssert.AreEqual(q, Values(tf.orthogonal_initializer(gain: 2.0, seed: 5), [rows, cols]), "fixed seeds, fixed matrix");
    }

    [TestMethod]
    public void Orthogonal_reshapes_conv_kernels_and_rejects_vectors()
    {
        var k = Values(tf.initializers.orthogonal(seed: 1), [3, 3, 4, 8], DType.Float);
        Assert.AreEqual(3 * 3 * 4 * 8, k.Length);
        // Flattened to [36, 8]: orthonormal columns.
        double dot01 = 0, norm0 = 0;
        for (int r = 0; r < 36; r++)
        {
            dot01 += k[r * 8] * k[r * 8 + 1];
            norm0 += k[r * 8] * k[r * 8];
        }
        Assert.AreEqual(0, dot01, 1e-5);
        Assert.AreEqual(1, norm0, 1e-5);
        using var _ = NewGraph();
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.orthogonal_initializer().call(new[] { 5 }));
    }

    [TestMethod]
    public void Xavier_initializer_uniform_matches_glorot_and_normal_uses_1_3_over_fan_avg()
    {
        var x = Values(tf.contrib.layers.xavier_initializer(seed: 2), [100, 200]);
        CollectionAssert.AreEqual(Values(tf.glorot_uniform_initializer(seed: 2), [100, 200]), x);
        var n = Values(tf.contrib.layers.xavier_initializer(uniform: false, seed: 2), [200, 200]);
        Assert.IsTrue(Stats(n).MaxAbs <= 2 * Math.Sqrt(1.3 / 200) * (1 + 1e-9));
        // contrib He: stddev √(1.3·2/fan_in) before truncation, so the sample stddev is 0.8796… of it.
        var he = Values(tf.contrib.layers.variance_scaling_initializer(seed: 3), [300, 300]);
        double sigma = Math.Sqrt(1.3 * 2 / 300);
        Assert.AreEqual(sigma * VarianceScalingInitializer.TruncatedNormalStddev, Stats(he).Std, 0.02 * sigma);
        var heU = Values(tf.contrib.layers.variance_scaling_initializer(1.0, "FAN_OUT", uniform: true, seed: 3), [100, 50]);
        Assert.IsTrue(Stats(heU).MaxAbs <= Math.Sqrt(3.0 / 50));
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.contrib.layers.variance_scaling_initializer(mode: "fan_in"));
    }

    [TestMethod]
    public void Graph_seed_makes_initializers_reproducible_across_graphs()
    {
        double[] Build()
        {
            using var _ = NewGraph();
            tf.set_random_seed(42);
            var v = tf.get_variable("v", new[] { 10 }, tf.float64, tf.random_normal_initializer());
            using var sess = tf.Session();
            sess.run(tf.global_variables_initializer());
            return sess.run(v).ToArray<double>();
        }
        CollectionAssert.AreEqual(Build(), Build());
    }
}
