using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Runtime;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Session.Tests.Execution;

/// <summary>
/// Dead-tensor execution over hand-written GraphDefs (as imported TF1 graphs reach the runtime):
/// Switch kills one output, deadness flows through data and control edges, Merge revives.
/// </summary>
[TestClass]
public sealed class DeadTensorTests
{
    private static NodeDef Node(string name, string op, DType? t, params string[] inputs)
    {
        var n = new NodeDef(name, op);
        n.Input.AddRange(inputs);
        if (t is { } type) n.Attr["T"] = type;
        return n;
    }

    private static NodeDef Placeholder(string name, DType dtype)
    {
        var n = new NodeDef(name, "Placeholder");
        n.Attr["dtype"] = dtype;
        n.Attr["shape"] = TensorShape.Scalar;
        return n;
    }

    private static NodeDef Const(string name, float value, params string[] controls)
    {
        var n = new NodeDef(name, "Const");
        n.Input.AddRange(controls);
        n.Attr["value"] = HostTensor.Scalar(value);
        n.Attr["dtype"] = DType.Float;
        return n;
    }

    private static NodeDef Merge(string name, params string[] inputs)
    {
        var n = Node(name, "Merge", DType.Float, inputs);
        n.Attr["N"] = (long)inputs.Count(i => !i.StartsWith('^'));
        return n;
    }

    /// <summary>x → Switch(p) → (false: x+10, true: x*2) → Merge; "t_only" hangs off the true side by a control edge.</summary>
    private static GraphDef CondGraph()
    {
        var g = new GraphDef();
        g.Add(Placeholder("p", DType.Bool));
        g.Add(Placeholder("x", DType.Float));
        g.Add(Node("sw", "Switch", DType.Float, "x", "p"));
        g.Add(Const("ten", 10f));
        g.Add(Const("two", 2f));
        g.Add(Node("f", "Add", DType.Float, "sw", "ten"));
        g.Add(Node("t", "Mul", DType.Float, "sw:1", "two"));
        g.Add(Merge("m", "f", "t"));
        g.Add(Const("t_only", 5f, "^t"));
        g.Add(Node("after_t_only", "Neg", DType.Float, "t_only"));
        g.Add(Merge("m_ctl", "f", "t", "^t_only"));
        return g;
    }

    private static (string, HostTensor)[] Feeds(bool p, float x) => [("p:0", HostTensor.Scalar(p)), ("x:0", HostTensor.Scalar(x))];

    [TestMethod]
    public void Merge_forwards_the_live_input_and_its_index()
    {
        using var s = new DirectSession(CondGraph());
        var t = s.Run(Feeds(true, 3f), ["m:0", "m:1"], []);
        Assert.AreEqual(6f, t[0].ScalarValue<float>());
        Assert.AreEqual(1, t[1].ScalarValue<int>());
        var f = s.Run(Feeds(false, 3f), ["m:0", "m:1"], []);
        Assert.AreEqual(13f, f[0].ScalarValue<float>());
        Assert.AreEqual(0, f[1].ScalarValue<int>());
    }

    [TestMethod]
    public void A_control_edge_from_a_dead_node_kills_its_target_but_not_a_merge()
    {
        using var s = new DirectSession(CondGraph());
        Assert.AreEqual(-5f, s.Run(Feeds(true, 3f), ["after_t_only:0"], [])[0].ScalarValue<float>());
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => s.Run(Feeds(false, 3f), ["after_t_only:0"], []));
        StringAssert.Contains(e.Message, "Retval[0] does not have value");
        StringAssert.Contains(e.Message, "after_t_only:0");
        // A Merge waits for its control inputs but is dead only when every data input is.
        Assert.AreEqual(13f, s.Run(Feeds(false, 3f), ["m_ctl:0"], [])[0].ScalarValue<float>());
    }

    [TestMethod]
    public void Dead_targets_are_skipped_without_error_and_a_fully_dead_merge_is_dead()
    {
        var g = CondGraph();
        g.Add(Node("sw2", "Switch", DType.Float, "t", "p"));
        g.Add(Merge("both_dead", "sw2", "sw2:1"));
        using var s = new DirectSession(g);
        s.Run(Feeds(false, 3f), [], ["t", "t_only"]);
        // p = false: t is dead, so both of sw2's outputs are dead, and so is the Merge of them.
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => s.Run(Feeds(false, 3f), ["m:0", "both_dead:0"], []));
        StringAssert.Contains(e.Message, "Retval[1] does not have value");
        Assert.AreEqual(6f, s.Run(Feeds(true, 3f), ["both_dead:0"], [])[0].ScalarValue<float>());
    }

    [TestMethod]
    public void A_fed_switch_output_is_live()
    {
        using var s = new DirectSession(CondGraph());
        // Feeding the untaken side makes it live: the fed value replaces the Switch's output.
        var r = s.Run([("p:0", HostTensor.Scalar(false)), ("x:0", HostTensor.Scalar(3f)), ("sw:1", HostTensor.Scalar(4f))], ["t:0", "m:0"], []);
        Assert.AreEqual(8f, r[0].ScalarValue<float>());
        Assert.AreEqual(13f, r[1].ScalarValue<float>(), "Merge takes its first live input");
    }

    [TestMethod]
    public void A_ref_switch_passes_the_variable_and_only_the_live_side_assigns()
    {
        var g = new GraphDef();
        g.Add(Placeholder("p", DType.Bool));
        var v = new NodeDef("v", "VariableV2");
        v.Attr["dtype"] = DType.Float;
        v.Attr["shape"] = TensorShape.Scalar;
        g.Add(v);
        g.Add(Const("zero", 0f));
        g.Add(Node("init", "Assign", DType.Float, "v", "zero"));
        g.Add(Node("rs", "RefSwitch", DType.Float, "v", "p"));
        g.Add(Const("one", 1f, "^rs"));
        g.Add(Const("hundred", 100f));
        g.Add(Node("add_f", "AssignAdd", DType.Float, "rs", "one"));
        g.Add(Node("add_t", "AssignAdd", DType.Float, "rs:1", "hundred"));
        using var s = new DirectSession(g);
        s.Run([], [], ["init"]);
        s.Run([("p:0", HostTensor.Scalar(true))], [], ["add_f", "add_t"]);
        s.Run([("p:0", HostTensor.Scalar(false))], [], ["add_f", "add_t"]);
        s.Run([("p:0", HostTensor.Scalar(false))], [], ["add_f", "add_t"]);
        Assert.AreEqual(102f, s.Run([], ["v:0"], [])[0].ScalarValue<float>());
    }
}
