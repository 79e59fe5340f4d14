using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Train;

[TestClass]
public sealed class ScheduleTests
{
    [TestMethod]
    public void Global_step_is_an_int64_scalar_in_its_collection_created_once()
    {
        using var _ = new GraphEngine.Graph().as_default();
        Assert.IsNull(tf.train.get_global_step());
        Variable step;
        using (tf.name_scope("outer")) step = tf.train.get_or_create_global_step();
        Assert.AreEqual("global_step:0", step.name, "created at the root scope");
        Assert.AreEqual(DType.Int64, step.dtype.BaseType());
        Assert.AreEqual(TensorShape.Scalar, step.shape);
        Assert.IsFalse(step.trainable);
        CollectionAssert.Contains(tf.get_collection(tf.GraphKeys.GLOBAL_STEP), step);
        CollectionAssert.Contains(tf.global_variables(), step);
        Assert.AreSame(step, tf.train.get_or_create_global_step());
        Assert.AreSame(step, tf.train.get_global_step());
        Assert.ThrowsExactly<AlreadyExistsException>(() => tf.train.create_global_step());

        var w = tf.Variable(1.0, name: "w");
        var train = tf.train.GradientDescentOptimizer(0.5).minimize(w.value() * 2.0, global_step: step);
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        Assert.AreEqual(0L, tf.train.global_step(sess, step));
        sess.run(train);
        sess.run(train);
        Assert.AreEqual(2L, tf.train.global_step(sess, step));
    }

    [TestMethod]
    public void A_float_global_step_is_rejected()
    {
        using var _ = new GraphEngine.Graph().as_default();
        tf.Variable(0f, trainable: false, name: "global_step");
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.train.get_global_step());
        StringAssert.Contains(e.Message, "Existing \"global_step\" does not have integer type: float32");
    }

    /// <summary>Evaluates a schedule built on a fed int64 step at several steps.</summary>
    private static double[] Eval(Func<Tensor, Tensor> schedule, long[] steps)
    {
        using var _ = new GraphEngine.Graph().as_default();
        var step = tf.placeholder(DType.Int64, TensorShape.Scalar);
        var lr = schedule(step);
        using var sess = tf.Session();
        return steps.Select(s =>
        {
            var v = sess.run(lr, (step, s));
            return v.typecode == NumSharp.NPTypeCode.Double ? v.GetDouble() : v.GetSingle();
        }).ToArray();
    }

    [TestMethod]
    public void Inverse_time_decay_matches_the_closed_form()
    {
        long[] steps = [0, 1, 5, 10, 25];
        // lr / (1 + rate·t/T) with lr = 0.5, rate = 0.5, T = 10 (in float64 so the closed form is exact)
        var got = Eval(s => tf.train.inverse_time_decay(tf.constant(0.5), s, 10, 0.5), steps);
        for (int i = 0; i < steps.Length; i++) Assert.AreEqual(0.5 / (1 + 0.5 * steps[i] / 10.0), got[i], 1e-15);
        got = Eval(s => tf.train.inverse_time_decay(tf.constant(0.5), s, 10, 0.5, staircase: true), steps);
        for (int i = 0; i < steps.Length; i++) Assert.AreEqual(0.5 / (1 + 0.5 * System.Math.Floor(steps[i] / 10.0)), got[i], 1e-15);
        // float32 learning rate: the result is float32
        got = Eval(s => tf.train.inverse_time_decay(0.1f, s, 10, 0.5f), [4]);
        Assert.AreEqual((double)(0.1f / (1f + 0.5f * 0.4f)), got[0], 1e-7);
    }

    [TestMethod]
    public void Piecewise_constant_picks_the_interval_value()
    {
        long[] steps = [0, 100, 101, 150, 200, 201, 10_000];
        var got = Eval(s => tf.train.piecewise_constant(s, [100L, 200L], [1.0, 0.5, 0.1]), steps);
        CollectionAssert.AreEqual(new[] { 1.0, 1.0, 0.5, 0.5, 0.5, 0.1, 0.1 }, got);
        Assert.ThrowsExactly<InvalidArgumentException>(() => Eval(s => tf.train.piecewise_constant(s, [100L], [1.0]), [0]));
    }

    [TestMethod]
    public void Polynomial_decay_power_one_and_linear_warmup()
    {
        long[] steps = [0, 25, 100, 150];
        // (lr − end)(1 − min(t, T)/T) + end with lr = 1, end = 0.25, T = 100
        var got = Eval(s => tf.train.polynomial_decay(tf.constant(1.0), s, 100, end_learning_rate: 0.25), steps);
        CollectionAssert.AreEqual(new[] { 1.0, 0.8125, 0.25, 0.25 }, got);
        Assert.ThrowsExactly<UnimplementedException>(() => tf.train.polynomial_decay(tf.constant(1.0), tf.constant(0L), 100, power: 2));
        // warm-up over 4 steps to 0.5, then the inverse-time schedule
        got = Eval(s => tf.train.linear_warmup(tf.train.inverse_time_decay(tf.constant(0.5), s, 10, 0.5), s, 4, warmup_peak: 0.5),
            [0, 1, 2, 4, 10]);
        CollectionAssert.AreEqual(new[] { 0.0, 0.125, 0.25, 0.5 / 1.2, 0.5 / 1.5 }, got);
    }
}
