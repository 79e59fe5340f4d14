using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Train;

[TestClass]
public sealed class ClippingTests
{
    [TestMethod]
    public void Global_norm_clipping_scales_all_tensors_jointly_and_passes_nulls()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var a = tf.constant(new double[] { 3, 0 });
        var b = tf.constant(new double[,] { { 0, 4 } });
        var (clipped, norm) = tf.clip_by_global_norm([a, null, b], 2.5);
        Assert.IsNull(clipped[1]);
        using var sess = tf.Session();
        Assert.AreEqual(5.0, sess.run(norm).GetDouble(), 1e-12);
        CollectionAssert.AreEqual(new double[] { 1.5, 0 }, sess.run(clipped[0]!).ToArray<double>());
        CollectionAssert.AreEqual(new double[] { 0, 2 }, sess.run(clipped[2]!).ToArray<double>());
        var after = sess.run(tf.global_norm(clipped)).GetDouble();
        Assert.AreEqual(2.5, after, 1e-12, "the joint norm after clipping is clip_norm");
        var (unchanged, _) = tf.clip_by_global_norm([a], 10.0);
        CollectionAssert.AreEqual(new double[] { 3, 0 }, sess.run(unchanged[0]!).ToArray<double>(), "below clip_norm nothing changes");
    }

    [TestMethod]
    public void Clip_by_norm_and_average_norm_follow_tf1()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var t = tf.constant(new double[,] { { 3, 4 }, { 0, 0 } });
        using var sess = tf.Session();
        CollectionAssert.AreEqual(new double[] { 0.6, 0.8, 0, 0 }, sess.run(tf.clip_by_norm(t, 1.0)).ToArray<double>());
        // Per row: the zero row stays zero (no division by zero), the first row is clipped to norm 1.
        CollectionAssert.AreEqual(new double[] { 0.6, 0.8, 0, 0 }, sess.run(tf.clip_by_norm(t, 1.0, axes: 1)).ToArray<double>());
        // average norm = ‖t‖/n = 5/4; clip to 0.5 → scale 0.4.
        var avg = sess.run(tf.clip_by_average_norm(t, 0.5)).ToArray<double>();
        CollectionAssert.AreEqual(new double[] { 1.2, 1.6, 0, 0 }, avg.Select(v => Math.Round(v, 12)).ToArray());
    }

    [TestMethod]
    public void Training_with_clip_by_global_norm_applies_clipped_gradients()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var w = tf.Variable(new double[] { 10, -10 }, name: "w");
        var loss = tf.reduce_sum(tf.square(w.value()));        // gradient 2w = [20, −20], norm 28.28
        var opt = tf.train.GradientDescentOptimizer(0.1);
        var grads = opt.compute_gradients(loss);
        var (clipped, norm) = tf.clip_by_global_norm(grads.Select(g => g.Gradient), 1.0);
        var clippedNorm = tf.global_norm(clipped);
        var train = opt.apply_gradients(clipped.Zip(grads, (c, g) => (c, g.Variable)));
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        var r = sess.run(new ITensorOrOperation[] { norm, clippedNorm, train });
        Assert.AreEqual(Math.Sqrt(800), r[0]!.GetDouble(), 1e-9);
        Assert.AreEqual(1.0, r[1]!.GetDouble(), 1e-12, "the norm after clipping");
        // The learning rate is a float32 constant cast to float64 (as TF builds it), hence the 1e-8 tolerance.
        var step = 0.1 / Math.Sqrt(2);
        var after = sess.run(w).ToArray<double>();
        Assert.AreEqual(10 - step, after[0], 1e-8);
        Assert.AreEqual(-10 + step, after[1], 1e-8);
    }
}
