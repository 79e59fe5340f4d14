using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Train;

/// <summary>Slot and non-slot variables carry TF1's names, shapes, dtypes and collections, so a Saver writes TF's checkpoint keys.</summary>
[TestClass]
public sealed class OptimizerSlotsTests
{
    private static (Variable W, Variable B, Tensor Loss) Problem()
    {
        var w = tf.Variable(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } }, name: "w");
        var b = tf.Variable(new float[] { 1, 1, 1 }, name: "b");
        var loss = tf.reduce_sum(tf.square(w.value())) + tf.reduce_sum(b.value());
        return (w, b, loss);
    }

    private static string[] GlobalNames() => tf.global_variables().Select(v => v.op.name).ToArray();

    [TestMethod]
    public void Adam_slots_powers_and_update_ops_are_named_as_in_tf1()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var (w, b, loss) = Problem();
        var opt = tf.train.AdamOptimizer(0.01);
        var train = opt.minimize(loss);
        CollectionAssert.AreEqual(new[] { "w", "b", "beta1_power", "beta2_power", "w/Adam", "w/Adam_1", "b/Adam", "b/Adam_1" }, GlobalNames());
        CollectionAssert.AreEqual(new[] { "w", "b" }, tf.trainable_variables().Select(v => v.op.name).ToArray());
        CollectionAssert.AreEqual(new[] { "m", "v" }, opt.get_slot_names());
        var m = opt.get_slot(w, "m")!;
        Assert.AreEqual("w/Adam:0", m.name);
        Assert.AreEqual("w/Adam_1:0", opt.get_slot(w, "v")!.name);
        Assert.AreEqual("b/Adam_1:0", opt.get_slot(b, "v")!.name);
        Assert.IsNull(opt.get_slot(w, "nope"));
        Assert.AreEqual(new TensorShape(2, 3), m.shape);
        Assert.AreEqual(DType.Float, m.dtype.BaseType());
        Assert.IsFalse(m.trainable);
        Assert.AreEqual("VariableV2", m.op.type);
        var (b1, b2) = opt._get_beta_accumulators();
        Assert.AreEqual("beta1_power:0", b1.name);
        Assert.AreEqual(TensorShape.Scalar, b2.shape);
        CollectionAssert.AreEqual(new[] { "b/Adam", "b/Adam_1", "beta1_power", "beta2_power", "w/Adam", "w/Adam_1" },
            opt.variables().Select(v => v.op.name).ToArray(), "all optimizer variables, sorted by name");
        var g = tf.get_default_graph();
        Assert.AreEqual("Adam", train.name);
        foreach (var (op, type) in new[] { ("Adam/update_w/ApplyAdam", "ApplyAdam"), ("Adam/update_b/ApplyAdam", "ApplyAdam"),
                     ("Adam/mul", "Mul"), ("Adam/Assign", "Assign"), ("Adam/mul_1", "Mul"), ("Adam/Assign_1", "Assign"),
                     ("w/Adam/Initializer/zeros", "Const"), ("w/Adam/Assign", "Assign"), ("w/Adam/read", "Identity") })
            Assert.AreEqual(type, g.get_operation_by_name(op).type, op);

        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        CollectionAssert.AreEqual(new float[6], sess.run(m).ToArray<float>());
        sess.run(train);
        sess.run(train);
        Assert.AreEqual(0.9f * 0.9f * 0.9f, sess.run(b1).GetSingle(), 1e-7f, "β1^t advances once per step");
        Assert.AreEqual(0.999f * 0.999f * 0.999f, sess.run(b2).GetSingle(), 1e-7f);
    }

    [TestMethod]
    public void Slots_ignore_the_callers_name_scope_and_powers_follow_it()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var (w, _, loss) = Problem();
        Operation train;
        using (tf.name_scope("training")) train = tf.train.AdamOptimizer(0.01).minimize(loss);
        CollectionAssert.AreEqual(new[] { "w", "b", "training/beta1_power", "training/beta2_power", "w/Adam", "w/Adam_1", "b/Adam", "b/Adam_1" },
            GlobalNames());
        Assert.AreEqual("training/Adam", train.name);
    }

    [TestMethod]
    public void Slot_names_of_every_optimizer()
    {
        void Check(Func<Optimizer> make, string[] slotNames, string[] variables)
        {
            using var _ = new GraphEngine.Graph().as_default();
            var (w, _, loss) = Problem();
            var opt = make();
            opt.minimize(loss);
            CollectionAssert.AreEqual(slotNames, opt.get_slot_names(), opt.name);
            CollectionAssert.AreEqual(variables, GlobalNames().Where(n => n.StartsWith("w/", StringComparison.Ordinal)).ToArray(), opt.name);
            foreach (var s in slotNames) Assert.AreEqual(new TensorShape(2, 3), opt.get_slot(w, s)!.shape);
            Assert.AreEqual(2, tf.trainable_variables().Count, "slots are not trainable");
        }
        Check(() => tf.train.MomentumOptimizer(0.1, 0.9), ["momentum"], ["w/Momentum"]);
        Check(() => tf.train.AdagradOptimizer(0.1), ["accumulator"], ["w/Adagrad"]);
        Check(() => tf.train.AdadeltaOptimizer(), ["accum", "accum_update"], ["w/Adadelta", "w/Adadelta_1"]);
        Check(() => tf.train.RMSPropOptimizer(0.1), ["momentum", "rms"], ["w/RMSProp", "w/RMSProp_1"]);
        Check(() => tf.train.RMSPropOptimizer(0.1, centered: true), ["mg", "momentum", "rms"], ["w/RMSProp", "w/RMSProp_1", "w/RMSProp_2"]);
        Check(() => tf.train.FtrlOptimizer(0.1), ["accum", "linear"], ["w/Ftrl", "w/Ftrl_1"]);
        Check(() => tf.train.AdamWOptimizer(1e-4), ["m", "v"], ["w/AdamW", "w/AdamW_1"]);
    }

    [TestMethod]
    public void Slot_initial_values_and_update_op_types()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var (w, _, loss) = Problem();
        var rms = tf.train.RMSPropOptimizer(0.1, centered: true, name: "R");
        var ada = tf.train.AdagradOptimizer(0.1, initial_accumulator_value: 0.5);
        var ftrl = tf.train.FtrlOptimizer(0.1, initial_accumulator_value: 0.25);
        var trains = new[] { rms.minimize(loss), ada.minimize(loss), ftrl.minimize(loss) };
        var g = tf.get_default_graph();
        Assert.AreEqual("ApplyCenteredRMSProp", g.get_operation_by_name("R/update_w/ApplyCenteredRMSProp").type);
        Assert.AreEqual("ApplyAdagrad", g.get_operation_by_name("Adagrad/update_w/ApplyAdagrad").type);
        Assert.AreEqual("ApplyFtrl", g.get_operation_by_name("Ftrl/update_w/ApplyFtrl").type);
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        Assert.IsTrue(sess.run(rms.get_slot(w, "rms")!).ToArray<float>().All(x => x == 1f), "TF1 starts rms at one");
        Assert.IsTrue(sess.run(rms.get_slot(w, "mg")!).ToArray<float>().All(x => x == 0f));
        Assert.IsTrue(sess.run(ada.get_slot(w, "accumulator")!).ToArray<float>().All(x => x == 0.5f));
        Assert.IsTrue(sess.run(ftrl.get_slot(w, "accum")!).ToArray<float>().All(x => x == 0.25f));
        Assert.IsTrue(sess.run(ftrl.get_slot(w, "linear")!).ToArray<float>().All(x => x == 0f));
        foreach (var t in trains) sess.run(t);
    }

    [TestMethod]
    public void Hyper_parameters_may_be_tensors_and_argument_checks_match_tf()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var w = tf.Variable(new[] { 1.0, -2.0 }, name: "w");
        var lr = tf.placeholder(tf.float32, TensorShape.Scalar);
        var train = tf.train.MomentumOptimizer(lr, tf.constant(0f)).minimize(0.5 * tf.reduce_sum(tf.square(w.value())));
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        sess.run(train, (lr, 0.5f));
        CollectionAssert.AreEqual(new[] { 0.5, -1.0 }, sess.run(w).ToArray<double>());
        sess.run(train, (lr, 0.25f));
        CollectionAssert.AreEqual(new[] { 0.375, -0.75 }, sess.run(w).ToArray<double>());

        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.train.AdagradOptimizer(0.1, initial_accumulator_value: 0));
        StringAssert.Contains(e.Message, "initial_accumulator_value must be positive: 0");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.train.FtrlOptimizer(0.1, learning_rate_power: 0.5));
        StringAssert.Contains(e.Message, "learning_rate_power 0.5 needs to be negative or zero");
    }
}
