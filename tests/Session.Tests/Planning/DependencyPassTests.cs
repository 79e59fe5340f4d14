using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Proto;
using GraphEngine.Runtime;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using GraphDef = GraphEngine.Ops.Model.GraphDef;
using NodeDef = GraphEngine.Ops.Model.NodeDef;

namespace GraphEngine.Session.Tests.Planning;

/// <summary>
/// DependencyPass: a side-effect-free node that only control edges reach is not run (grappler's
/// dependency optimizer); stateful, checking and variable-reading nodes still are, and
/// rewrite_options.dependency_optimization = OFF runs everything.
/// </summary>
[TestClass]
public sealed class DependencyPassTests
{
    private static NodeDef Node(GraphDef g, string name, string op, params string[] inputs)
    {
        var n = new NodeDef(name, op);
        n.Input.AddRange(inputs);
        if (op is not ("Placeholder" or "NoOp" or "VariableV2")) n.Attr["T"] = DType.Float;
        g.Add(n);
        return n;
    }

    /// <summary>x, w placeholders; y = Identity(c) after a NoOp gate with a control edge from <paramref name="gated"/>.</summary>
    private static GraphDef Gated(Action<GraphDef> addGated, string gated)
    {
        var g = new GraphDef();
        foreach (var p in new[] { "x", "w", "c" })
        {
            var n = Node(g, p, "Placeholder");
            n.Attr["dtype"] = DType.Float;
            n.Attr["shape"] = TensorShape.Unknown;
        }
        addGated(g);
        Node(g, "gate", "NoOp", "^" + gated);
        Node(g, "y", "Identity", "c", "^gate");
        return g;
    }

    private static DirectSession Session(GraphDef g, bool optimize) => new(g, config: optimize ? null : new ConfigProto
    {
        GraphOptions = new GraphOptions { RewriteOptions = new RewriterConfig { DependencyOptimization = RewriterConfig.Types.Toggle.Off } },
    });

    private static string[] StepNames(DirectSession s, (string, HostTensor)[] feeds)
    {
        var md = new RunMetadata();
        s.Run(feeds, ["y:0"], [], new RunOptions { OutputPartitionGraphs = true }, md);
        return md.PartitionGraphs[0].Node.Select(n => n.Name).ToArray();
    }

    private static (string, HostTensor)[] Feeds(long wRows) =>
        [("x:0", HostTensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3)), ("w:0", HostTensor.FromArray(new float[wRows * 2], wRows, 2)), ("c:0", HostTensor.Scalar(7f))];

    [TestMethod]
    public void A_pure_node_reached_only_by_control_edges_is_not_run()
    {
        var g = Gated(g => { Node(g, "mm", "MatMul", "x", "w"); Node(g, "neg", "Neg", "mm"); }, "neg");
        using var optimized = Session(g, optimize: true);
        using var plain = Session(g, optimize: false);
        var names = StepNames(optimized, Feeds(3));
        Assert.IsFalse(names.Contains("neg") || names.Contains("mm"), "neg and the MatMul only it read are dropped: " + string.Join(",", names));
        CollectionAssert.IsSubsetOf(new[] { "gate", "y" }, names);
        CollectionAssert.IsSubsetOf(new[] { "mm", "neg", "gate", "y" }, StepNames(plain, Feeds(3)));
        Assert.AreEqual(7f, optimized.Run(Feeds(3), ["y:0"], [])[0].ToArray<float>()[0]);
        // As in TF with grappler, the dropped node's error is not raised; without the pass it is.
        Assert.AreEqual(7f, optimized.Run(Feeds(4), ["y:0"], [])[0].ToArray<float>()[0]);
        Assert.ThrowsExactly<InvalidArgumentException>(() => plain.Run(Feeds(4), ["y:0"], []));
    }

    [TestMethod]
    public void Fetched_and_data_read_nodes_still_run()
    {
        var g = Gated(g => Node(g, "mm", "MatMul", "x", "w"), "mm");
        Node(g, "z", "Neg", "mm");
        using var s = Session(g, optimize: true);
        var r = s.Run(Feeds(3), ["y:0", "mm:0"], []);
        Assert.AreEqual(4, r[1].NumElements);
        var md = new RunMetadata();
        s.Run(Feeds(3), ["y:0"], ["z"], new RunOptions { OutputPartitionGraphs = true }, md);
        CollectionAssert.IsSubsetOf(new[] { "mm", "z" }, md.PartitionGraphs[0].Node.Select(n => n.Name).ToArray(), "a target and what it reads run");
    }

    [TestMethod]
    public void Checks_and_stateful_nodes_behind_control_edges_still_run()
    {
        var g = Gated(g =>
        {
            var check = Node(g, "check", "CheckNumerics", "x");
            check.Attr["message"] = "x has NaN";
        }, "check");
        using var s = Session(g, optimize: true);
        var nan = Feeds(3);
        nan[0] = ("x:0", HostTensor.FromArray(new float[] { float.NaN }, 1));
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => s.Run(nan, ["y:0"], []));
        StringAssert.Contains(e.Message, "x has NaN");

        var v = new GraphDef();
        var variable = Node(v, "v", "VariableV2");
        variable.Attr["dtype"] = DType.Float;
        variable.Attr["shape"] = new TensorShape(1);
        Node(v, "v/read", "Identity", "v");
        var c = Node(v, "c", "Placeholder");
        c.Attr["dtype"] = DType.Float;
        c.Attr["shape"] = TensorShape.Unknown;
        Node(v, "gate", "NoOp", "^v/read");
        Node(v, "y", "Identity", "c", "^gate");
        using var sv = Session(v, optimize: true);
        Assert.ThrowsExactly<FailedPreconditionException>(() => sv.Run([("c:0", HostTensor.Scalar(1f))], ["y:0"], []),
            "reading an uninitialised variable fails even when only a control edge needs the read");
    }
}
