using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using Case = GraphEngine.Tests.Autodiff.GradientCheckTests.Case;

namespace GraphEngine.Tests.Nn;

[TestClass]
public sealed class BatchNormTests
{
    /// <summary>FusedBatchNormV3 takes float32 only, so the checks cast around it and allow float32 rounding (errors seen ≈ 1e-4).</summary>
    private static Tensor Bn(Tensor[] x, bool training, string format = "NHWC")
    {
        Tensor F(Tensor t) => tf.cast(t, tf.float32);
        var (y, _, _) = training
            ? tf.nn.fused_batch_norm(F(x[0]), F(x[1]), F(x[2]), data_format: format)
            : tf.nn.fused_batch_norm(F(x[0]), F(x[1]), F(x[2]), tf.constant(new float[] { 0.2f, -0.1f }), tf.constant(new float[] { 1.5f, 0.7f }),
                data_format: format, is_training: false);
        return tf.cast(y, tf.float64);
    }

    public static IEnumerable<Case> GradientCases =>
    [
        new("FusedBatchNormV3", "training NHWC (float32 inside)", x => Bn(x, true), [[2, 2, 3, 2], [2], [2]], Delta: 1e-3, Tol: 1e-3),
        new("FusedBatchNormV3", "training NCHW (float32 inside)", x => Bn(x, true, "NCHW"), [[2, 2, 2, 3], [2], [2]], Delta: 1e-3, Tol: 1e-3),
        new("FusedBatchNormV3", "inference (float32 inside)", x => Bn(x, false), [[2, 2, 2, 2], [2], [2]], Delta: 1e-3, Tol: 1e-3),
        // Second order: inputs x, dy, scale; the checked function is fused_batch_norm's gradient.
        new("FusedBatchNormGradV3", "training x_backprop", x => BnGrad(x, true, "NHWC", 0), [[2, 2, 2, 2], [2, 2, 2, 2], [2]], Delta: 1e-3, Tol: 1e-3),
        new("FusedBatchNormGradV3", "training NCHW scale and offset backprops", x => BnGrad(x, true, "NCHW", 1),
            [[2, 2, 2, 2], [2, 2, 2, 2], [2]], Delta: 1e-3, Tol: 1e-3),
        new("FusedBatchNormGradV3", "inference x_backprop", x => BnGrad(x, false, "NHWC", 0), [[2, 2, 2, 2], [2, 2, 2, 2], [2]], Delta: 1e-3, Tol: 1e-3),
        new("FusedBatchNormGradV3", "inference scale and offset backprops", x => BnGrad(x, false, "NHWC", 1),
            [[2, 2, 2, 2], [2, 2, 2, 2], [2]], Delta: 1e-3, Tol: 1e-3),
    ];

    /// <summary>fused_batch_norm's gradient as a function of (x, dy, scale): x_backprop (which 0) or scale‖offset backprops (which 1).</summary>
    private static Tensor BnGrad(Tensor[] x, bool training, string format, int which)
    {
        var xf = tf.cast(x[0], tf.float32);
        var dy = tf.cast(x[1], tf.float32);
        var scale = tf.cast(x[2], tf.float32);
        var offset = tf.constant(new float[] { 0.3f, -0.2f });
        var (y, _, _) = training
            ? tf.nn.fused_batch_norm(xf, scale, offset, data_format: format)
            : tf.nn.fused_batch_norm(xf, scale, offset, tf.constant(new float[] { 0.2f, -0.1f }), tf.constant(new float[] { 1.5f, 0.7f }),
                data_format: format, is_training: false);
        var g = tf.gradients([y], [xf, scale, offset], [dy]);
        var result = which == 0 ? g[0]! : tf.concat([g[1]!, g[2]!], 0);
        return tf.cast(result, tf.float64);
    }

    [TestMethod]
    public void Fused_batch_norm_returns_normalised_output_and_statistics()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var x = tf.constant(new float[] { 1, 10, 3, 20, 5, 30, 7, 40 }, shape: new[] { 1, 2, 2, 2 });
        var (y, mean, variance) = tf.nn.fused_batch_norm(x, tf.constant(new float[] { 1, 2 }), tf.constant(new float[] { 0, 1 }), epsilon: 0);
        Assert.AreEqual("FusedBatchNormV3", y.op.type);
        Assert.AreEqual(1.001e-5f, y.op.get_attr("epsilon").F, "epsilon is raised to TF's minimum");
        using var sess = tf.Session();
        var r = sess.run(new[] { y, mean, variance });
        CollectionAssert.AreEqual(new float[] { 4, 25 }, r[1].ToArray<float>());
        // Unbiased batch variance: channel 0 values 1,3,5,7 → 20/3.
        Assert.AreEqual(20.0 / 3, r[2].ToArray<float>()[0], 1e-5);
        var ys = r[0].ToArray<float>();
        Assert.AreEqual((1 - 4) / Math.Sqrt(5 + 1.001e-5), ys[0], 1e-5);
        Assert.AreEqual(2 * (10 - 25) / Math.Sqrt(125 + 1.001e-5) + 1, ys[1], 1e-5);
    }
}
