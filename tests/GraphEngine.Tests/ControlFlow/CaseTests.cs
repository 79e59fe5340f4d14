using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.ControlFlow;

[TestClass]
public sealed class CaseTests
{
    [TestMethod]
    public void Case_takes_the_first_true_pair_or_the_default()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var x = tf.placeholder(tf.int32, new int[0], name: "x");
        var y = tf.@case([(tf.less(x, 0), () => tf.constant(-1)), (tf.less(x, 10), () => x * 2), (tf.less(x, 100), () => x * 3)],
            @default: () => tf.constant(1000));
        using var sess = tf.Session();
        int Run(int v) => sess.run(y, (x, v)).GetInt32();
        Assert.AreEqual(-1, Run(-5));
        Assert.AreEqual(8, Run(4), "the second pair wins over the third (both true)");
        Assert.AreEqual(150, Run(50));
        Assert.AreEqual(1000, Run(500));
    }

    [TestMethod]
    public void Case_runs_only_the_chosen_function()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var x = tf.placeholder(tf.int32, new int[0], name: "x");
        var hits = new[] { tf.Variable(0, name: "a"), tf.Variable(0, name: "b"), tf.Variable(0, name: "d") };
        var y = tf.@case([(tf.equal(x, 0), () => hits[0].assign_add(1)), (tf.equal(x, 1), () => hits[1].assign_add(1))],
            @default: () => hits[2].assign_add(1));
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        foreach (var v in new[] { 0, 1, 1, 7, 7, 7 }) sess.run(y, (x, v));
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, hits.Select(h => sess.run(h.value()).GetInt32()).ToArray());
    }

    [TestMethod]
    public void Exclusive_case_fails_when_two_preds_are_true()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var x = tf.placeholder(tf.int32, new int[0], name: "x");
        var y = tf.@case([(tf.less(x, 10), () => tf.constant(1)), (tf.less(x, 5), () => tf.constant(2))],
            @default: () => tf.constant(3), exclusive: true);
        using var sess = tf.Session();
        Assert.AreEqual(1, sess.run(y, (x, 7)).GetInt32());
        Assert.AreEqual(3, sess.run(y, (x, 70)).GetInt32());
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => sess.run(y, (x, 2)));
        StringAssert.Contains(e.Message, "Input error: exclusive=True: more than 1 conditions");
        StringAssert.Contains(e.Message, "(Less:0, Less_1:0) evaluated as True");
    }

    [TestMethod]
    public void Without_a_default_the_last_pair_is_the_default_and_no_true_pred_fails()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var x = tf.placeholder(tf.int32, new int[0], name: "x");
        var y = tf.@case([(tf.equal(x, 1), () => tf.constant(10)), (tf.equal(x, 2), () => tf.constant(20))]);
        using var sess = tf.Session();
        Assert.AreEqual(10, sess.run(y, (x, 1)).GetInt32());
        Assert.AreEqual(20, sess.run(y, (x, 2)).GetInt32());
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => sess.run(y, (x, 3)));
        StringAssert.Contains(e.Message, "None of conditions evaluated as True");
    }

    [TestMethod]
    public void Case_names_nest_conds_as_tf1_does_and_checks_its_arguments()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var x = tf.placeholder(tf.int32, new int[0], name: "x");
        var y = tf.@case([(tf.equal(x, 1), () => tf.constant(10)), (tf.equal(x, 2), () => tf.constant(20))], @default: () => tf.constant(0));
        Assert.AreEqual("case/cond/Merge:0", y.name);
        Assert.IsTrue(g.get_operations().Any(o => o.name == "case/cond/cond/Merge"), "the second pair's cond nests in the first's false branch");
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.@case([(x, () => x)], @default: () => x));
        StringAssert.Contains(e.Message, "must be a bool tensor");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.@case([]));
        StringAssert.Contains(e.Message, "no default");
    }
}
