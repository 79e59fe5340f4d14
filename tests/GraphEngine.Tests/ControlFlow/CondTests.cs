using GraphEngine.Ops.Core;
using GraphEngine.Tests.Autodiff;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NumSharp;

namespace GraphEngine.Tests.ControlFlow;

[TestClass]
public sealed class CondTests
{
    /// <summary>Numeric gradient checks for Switch/Merge through tf.cond and tf.case (concatenated in GradientCheckTests).</summary>
    public static IEnumerable<GradientCheckTests.Case> GradientCases =>
    [
        new("Switch", "cond, true branch taken", x => tf.cond(tf.constant(true), () => x[0] * x[1], () => tf.sin(x[0])), [[3], [3]]),
        new("Switch", "cond, false branch taken", x => tf.cond(tf.constant(false), () => x[0] * x[1], () => tf.sin(x[0])), [[3], [3]]),
        new("Switch", "branch returns an outer tensor", x => tf.cond(tf.constant(false), () => tf.square(x[0]), () => x[0]), [[2, 2]]),
        new("Merge", "cond, pred computed from x", x => tf.cond(tf.greater(tf.reduce_sum(x[0]), 0.0), () => tf.exp(x[0]) * 2.0, () => x[0] * x[0] * x[0]), [[3]],
            [[0.5, -0.2, 0.3]]),
        new("Merge", "cond, pred computed from x, other side", x => tf.cond(tf.greater(tf.reduce_sum(x[0]), 0.0), () => tf.exp(x[0]) * 2.0, () => x[0] * x[0] * x[0]), [[3]],
            [[-0.5, -0.2, 0.3]]),
        new("Merge", "nested cond, inner false", x => Nested(x, true, false), [[2], [2]]),
        new("Merge", "nested cond, inner true", x => Nested(x, true, true), [[2], [2]]),
        new("Merge", "nested cond, outer false", x => Nested(x, false, true), [[2], [2]]),
        new("Merge", "case, second pair", x => tf.@case([(tf.constant(false), () => x[0] * 3.0), (tf.constant(true), () => tf.tanh(x[0]) * x[1])],
            @default: () => x[1]), [[3], [3]]),
        new("Merge", "case, default", x => tf.@case([(tf.constant(false), () => x[0] * 3.0), (tf.constant(false), () => tf.tanh(x[0]))],
            @default: () => x[1] * x[0]), [[3], [3]]),
        // Second order: the gradient graph's own Switch/Merge (built outside any cond) differentiate generically.
        new("Switch", "second order, true branch", x => tf.gradients(tf.cond(tf.constant(true), () => x[0] * x[0] * x[0], () => tf.sin(x[0])), x[0])[0]!, [[3]]),
        new("Merge", "second order, false branch", x => tf.gradients(tf.cond(tf.constant(false), () => x[0] * x[0] * x[0], () => tf.sin(x[0])), x[0])[0]!, [[3]]),
    ];

    private static Tensor Nested(Tensor[] x, bool outer, bool inner) =>
        tf.cond(tf.constant(outer),
            () => tf.cond(tf.constant(inner), () => x[0] * x[1], () => tf.square(x[1])) + x[0],
            () => tf.sigmoid(x[0]));

    private static GraphEngine.Graph NewGraph(out IDisposable scope)
    {
        var g = new GraphEngine.Graph();
        scope = g.as_default();
        return g;
    }

    [TestMethod]
    public void Cond_gives_the_taken_branch_for_a_fed_pred()
    {
        NewGraph(out var scope);
        using var _ = scope;
        var p = tf.placeholder(tf.@bool, new int[0], name: "p");
        var x = tf.placeholder(tf.float32, new[] { 2 }, name: "x");
        var y = tf.cond(p, () => x * 2f, () => x - 1f);
        using var sess = tf.Session();
        CollectionAssert.AreEqual(new[] { 6f, 8f }, sess.run(y, (p, true), (x, new[] { 3f, 4f })).ToArray<float>());
        CollectionAssert.AreEqual(new[] { 2f, 3f }, sess.run(y, (p, false), (x, new[] { 3f, 4f })).ToArray<float>());
        CollectionAssert.AreEqual(new long[] { 2 }, y.shape.Dims.ToArray());
    }

    [TestMethod]
    public void Cond_builds_the_tf1_node_names()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var p = tf.placeholder(tf.@bool, new int[0], name: "p");
        var x = tf.placeholder(tf.float32, new[] { 2 }, name: "x");
        var y = tf.cond(p, () => tf.identity(x), () => x * 2f);
        Assert.AreEqual("cond/Merge:0", y.name);
        var names = g.get_operations().Select(o => $"{o.name} {o.type}").ToHashSet();
        foreach (var expected in new[]
                 {
                     "cond/Switch Switch", "cond/switch_t Identity", "cond/switch_f Identity", "cond/pred_id Identity",
                     "cond/Identity Identity", "cond/Identity/Switch Switch", "cond/mul Mul", "cond/mul/Switch Switch", "cond/mul/y Const",
                     "cond/Merge Merge",
                 })
            Assert.IsTrue(names.Contains(expected), $"missing '{expected}' in [{string.Join(", ", names)}]");
        // The constant inside the false branch waits for the branch's pivot.
        CollectionAssert.Contains(g.get_operation_by_name("cond/mul/y").control_inputs.Select(o => o.name).ToList(), "cond/switch_f");
        // A second cond gets its own scope; a branch returning an outer tensor switches it under the cond.
        var z = tf.cond(p, () => x, () => y);
        Assert.AreEqual("cond_1/Merge:0", z.name);
        Assert.IsTrue(g.get_operations().Any(o => o.name == "cond_1/Switch_1" && o.type == "Switch"));
    }

    [TestMethod]
    public void Only_the_taken_branch_runs_its_side_effects()
    {
        NewGraph(out var scope);
        using var _ = scope;
        var p = tf.placeholder(tf.@bool, new int[0], name: "p");
        var t = tf.Variable(0f, name: "t");
        var f = tf.Variable(0f, name: "f");
        var counted = tf.cond(p, () => t.assign_add(1f), () => f.assign_add(10f));
        var asOps = tf.cond(p, () => t.assign(100f).op, () => tf.group(f.assign(-5f)));
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        Assert.AreEqual(1f, sess.run(counted, (p, true)).GetSingle());
        Assert.AreEqual(2f, sess.run(counted, (p, true)).GetSingle());
        Assert.AreEqual(10f, sess.run(counted, (p, false)).GetSingle());
        Assert.AreEqual(2f, sess.run(t.value()).GetSingle(), "the true branch ran exactly twice");
        Assert.AreEqual(10f, sess.run(f.value()).GetSingle(), "the false branch ran exactly once");
        sess.run(asOps, (p, false));
        Assert.AreEqual(2f, sess.run(t.value()).GetSingle());
        Assert.AreEqual(-5f, sess.run(f.value()).GetSingle());
        sess.run(asOps, (p, true));
        Assert.AreEqual(100f, sess.run(t.value()).GetSingle());
        Assert.AreEqual(-5f, sess.run(f.value()).GetSingle());
    }

    [TestMethod]
    public void An_error_in_the_untaken_branch_does_not_fire()
    {
        NewGraph(out var scope);
        using var _ = scope;
        var p = tf.placeholder(tf.@bool, new int[0], name: "p");
        var x = tf.placeholder(tf.float32, new[] { 2 }, name: "x");
        var y = tf.cond(p, () => x + 1f, () =>
        {
            using (tf.control_dependencies([tf.Assert(tf.constant(false), ["false branch ran"])])) return tf.identity(x);
        });
        using var sess = tf.Session();
        CollectionAssert.AreEqual(new[] { 2f, 3f }, sess.run(y, (p, true), (x, new[] { 1f, 2f })).ToArray<float>());
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => sess.run(y, (p, false), (x, new[] { 1f, 2f })));
        StringAssert.Contains(e.Message, "false branch ran");
    }

    [TestMethod]
    public void Nested_conds_pick_each_of_the_four_results()
    {
        NewGraph(out var scope);
        using var _ = scope;
        var a = tf.placeholder(tf.@bool, new int[0], name: "a");
        var b = tf.placeholder(tf.@bool, new int[0], name: "b");
        var x = tf.placeholder(tf.float32, new int[0], name: "x");
        var y = tf.cond(a,
            () => tf.cond(b, () => x * 10f, () => x * 20f),
            () => tf.cond(b, () => x + 1f, () => x + 2f));
        using var sess = tf.Session();
        float Run(bool av, bool bv) => sess.run(y, (a, av), (b, bv), (x, 3f)).GetSingle();
        Assert.AreEqual(30f, Run(true, true));
        Assert.AreEqual(60f, Run(true, false));
        Assert.AreEqual(4f, Run(false, true));
        Assert.AreEqual(5f, Run(false, false));
    }

    [TestMethod]
    public void Cond_with_several_results_merges_each()
    {
        NewGraph(out var scope);
        using var _ = scope;
        var p = tf.placeholder(tf.@bool, new int[0], name: "p");
        var x = tf.placeholder(tf.float32, new int[0], name: "x");
        var r = tf.cond(p, () => new[] { x * 2f, tf.cast(x, tf.int32) }, () => new[] { x, tf.constant(7) });
        Assert.AreEqual(2, r.Length);
        using var sess = tf.Session();
        var t = sess.run(r, (p, true), (x, 4.5f));
        Assert.AreEqual(9f, t[0].GetSingle());
        Assert.AreEqual(4, t[1].GetInt32());
        var f = sess.run(r, (p, false), (x, 4.5f));
        Assert.AreEqual(4.5f, f[0].GetSingle());
        Assert.AreEqual(7, f[1].GetInt32());
    }

    [TestMethod]
    public void Fetching_a_tensor_of_the_untaken_branch_is_an_invalid_argument()
    {
        NewGraph(out var scope);
        using var _ = scope;
        var p = tf.placeholder(tf.@bool, new int[0], name: "p");
        var x = tf.placeholder(tf.float32, new int[0], name: "x");
        Tensor inner = null!;
        var y = tf.cond(p, () => inner = x * 3f, () => x);
        using var sess = tf.Session();
        Assert.AreEqual(6f, sess.run(inner, (p, true), (x, 2f)).GetSingle());
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => sess.run(new[] { y, inner }, (p, false), (x, 2f)));
        StringAssert.Contains(e.Message, "Retval[1] does not have value");
        StringAssert.Contains(e.Message, inner.name);
    }

    [TestMethod]
    public void Bad_preds_and_branches_are_invalid_arguments()
    {
        NewGraph(out var scope);
        using var _ = scope;
        var x = tf.placeholder(tf.float32, new int[0], name: "x");
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.cond(x, () => x, () => x));
        StringAssert.Contains(e.Message, "must be a bool tensor");
        var vector = tf.placeholder(tf.@bool, new[] { 2 }, name: "v");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.cond(vector, () => x, () => x));
        StringAssert.Contains(e.Message, "must be a scalar");
        var p = tf.placeholder(tf.@bool, new int[0], name: "p");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.cond(p, () => x, () => tf.constant(1)));
        StringAssert.Contains(e.Message, "must have the same type");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.cond(p, () => new[] { x, x }, () => new[] { x }));
        StringAssert.Contains(e.Message, "same number of results");
        // A pred of unknown shape that turns out not to be a scalar fails at run time, naming the Switch.
        var unknown = tf.placeholder(tf.@bool, name: "u");
        var y = tf.cond(unknown, () => x + 1f, () => x);
        using var sess = tf.Session();
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => sess.run(y, (unknown, new[] { true, false }), (x, 1f)));
        StringAssert.Contains(e.Message, "must be a scalar");
        StringAssert.Contains(e.Message, $"node '{y.op.name.Replace("Merge", "Switch")}'");
    }

    [TestMethod]
    public void Smart_cond_with_a_constant_builds_no_cond()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var x = tf.placeholder(tf.float32, new int[0], name: "x");
        var a = tf.smart_cond(true, () => x * 2f, () => x);
        var b = tf.smart_cond(tf.constant(false), () => x * 2f, () => x + 5f);
        Assert.IsFalse(g.get_operations().Any(o => o.type is "Switch" or "Merge"), "constant preds build no Switch/Merge");
        var p = tf.placeholder(tf.@bool, new int[0], name: "p");
        var c = tf.smart_cond(p, () => x * 2f, () => x);
        Assert.AreEqual("Merge", c.op.type);
        using var sess = tf.Session();
        Assert.AreEqual(6f, sess.run(a, (x, 3f)).GetSingle());
        Assert.AreEqual(8f, sess.run(b, (x, 3f)).GetSingle());
        Assert.AreEqual(3f, sess.run(c, (x, 3f), (p, false)).GetSingle());
    }

    [TestMethod]
    public void Gradients_flow_through_the_taken_branch_only()
    {
        NewGraph(out var scope);
        using var _ = scope;
        var p = tf.placeholder(tf.@bool, new int[0], name: "p");
        var x = tf.placeholder(tf.float32, new[] { 2 }, name: "x");
        var w = tf.placeholder(tf.float32, new[] { 2 }, name: "w");
        var y = tf.reduce_sum(tf.cond(p, () => x * x * w, () => x * 3f) + x);
        var grads = tf.gradients(y, new object[] { x, w });
        using var sess = tf.Session();
        var t = sess.run(grads!, (p, true), (x, new[] { 1f, 2f }), (w, new[] { 5f, 7f }));
        CollectionAssert.AreEqual(new[] { 11f, 29f }, t[0].ToArray<float>(), "2xw + 1");
        CollectionAssert.AreEqual(new[] { 1f, 4f }, t[1].ToArray<float>(), "x²");
        var f = sess.run(grads!, (p, false), (x, new[] { 1f, 2f }), (w, new[] { 5f, 7f }));
        CollectionAssert.AreEqual(new[] { 4f, 4f }, f[0].ToArray<float>(), "3 + 1");
        CollectionAssert.AreEqual(new[] { 0f, 0f }, f[1].ToArray<float>(), "w is unused by the false branch");
    }

    [TestMethod]
    public void An_optimizer_trains_only_the_variables_of_the_taken_branch()
    {
        NewGraph(out var scope);
        using var _ = scope;
        var p = tf.placeholder(tf.@bool, new int[0], name: "p");
        var a = tf.Variable(1.0f, name: "a");
        var b = tf.Variable(1.0f, name: "b");
        var loss = tf.cond(p, () => tf.square(a.value() - 3f), () => tf.square(b.value() + 2f));
        var train = tf.train.GradientDescentOptimizer(0.25f).minimize(loss);
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        sess.run(train, (p, true));
        Assert.AreEqual(2f, sess.run(a.value()).GetSingle(), 1e-6, "a − 0.25·2(a − 3)");
        Assert.AreEqual(1f, sess.run(b.value()).GetSingle(), "b's gradient is zero when the false branch is not taken");
        sess.run(train, (p, false));
        Assert.AreEqual(2f, sess.run(a.value()).GetSingle(), 1e-6);
        Assert.AreEqual(-0.5f, sess.run(b.value()).GetSingle(), 1e-6, "b − 0.25·2(b + 2)");
    }

    [TestMethod]
    public void A_cond_survives_a_meta_graph_round_trip_with_its_contexts()
    {
        Ops.Proto.MetaGraphDef meta;
        using (new GraphEngine.Graph().as_default())
        {
            var p = tf.placeholder(tf.@bool, new int[0], name: "p");
            var x = tf.placeholder(tf.float64, new[] { 2 }, name: "x");
            tf.identity(tf.cond(p, () => x * x, () => tf.sin(x)), name: "y");
            meta = tf.train.export_meta_graph();
        }
        Assert.AreEqual(2, meta.CollectionDef[tf.GraphKeys.COND_CONTEXT].BytesList.Value.Count);
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        tf.train.import_meta_graph(meta);
        var (pi, xi, yi) = (g.get_tensor_by_name("p:0"), g.get_tensor_by_name("x:0"), g.get_tensor_by_name("y:0"));
        var dx = tf.gradients(yi, xi)[0]!;
        Assert.AreEqual("Switch", g.get_operation_by_name("gradients/cond/Merge_grad/cond_grad").type, "TF's cond form of Merge's gradient");
        using var sess = tf.Session();
        CollectionAssert.AreEqual(new[] { 1.0, 4.0 }, sess.run(dx, (pi, true), (xi, new[] { 0.5, 2.0 })).ToArray<double>());
        CollectionAssert.AreEqual(new[] { Math.Cos(0.5), Math.Cos(2.0) }, sess.run(dx, (pi, false), (xi, new[] { 0.5, 2.0 })).ToArray<double>());
    }
}
