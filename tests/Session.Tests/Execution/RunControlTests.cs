using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Proto;
using GraphEngine.Runtime;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using GraphDef = GraphEngine.Ops.Model.GraphDef;
using NodeDef = GraphEngine.Ops.Model.NodeDef;

namespace GraphEngine.Session.Tests.Execution;

/// <summary>Tracing, cancellation, deadlines and the memory budget on the runtime alone, over a hand-written GraphDef.</summary>
[TestClass]
public sealed class RunControlTests
{
    private static NodeDef Node(string name, string op, params string[] inputs)
    {
        var n = new NodeDef(name, op);
        n.Input.AddRange(inputs);
        return n;
    }

    /// <summary>x (float[n]) → y = x * x → z = y + x, plus a variable v read through v/read.</summary>
    private static GraphDef Graph()
    {
        var g = new GraphDef();
        var x = Node("x", "Placeholder");
        x.Attr["dtype"] = DType.Float;
        x.Attr["shape"] = new TensorShape(-1);
        g.Add(x);
        foreach (var (name, op, a, b) in new[] { ("y", "Mul", "x", "x"), ("z", "AddV2", "y", "x") })
        {
            var n = Node(name, op, a, b);
            n.Attr["T"] = DType.Float;
            g.Add(n);
        }
        var v = Node("v", "VariableV2");
        v.Attr["dtype"] = DType.Float;
        v.Attr["shape"] = new TensorShape(2);
        g.Add(v);
        var init = Node("init", "Const");
        init.Attr["value"] = HostTensor.FromArray(new float[] { 3, 4 }, 2);
        init.Attr["dtype"] = DType.Float;
        g.Add(init);
        var assign = Node("v/Assign", "Assign", "v", "init");
        assign.Attr["T"] = DType.Float;
        g.Add(assign);
        var read = Node("v/read", "Identity", "v");
        read.Attr["T"] = DType.Float;
        g.Add(read);
        return g;
    }

    private static (string, HostTensor)[] Feed(int n) => [("x:0", HostTensor.FromArray(Enumerable.Range(0, n).Select(i => (float)i).ToArray(), n))];

    [TestMethod]
    public void Traced_run_of_an_imported_graph_records_nodes_and_output_bytes()
    {
        using var s = new DirectSession(Graph());
        var md = new RunMetadata();
        var z = s.Run(Feed(5), ["z:0"], [], new RunOptions { TraceLevel = RunOptions.Types.TraceLevel.FullTrace }, md)[0];
        CollectionAssert.AreEqual(new float[] { 0, 2, 6, 12, 20 }, z.ToArray<float>());
        var stats = md.StepStats.DevStats.Single().NodeStats;
        CollectionAssert.AreEqual(new[] { "y", "z" }, stats.Select(n => n.NodeName).ToArray());
        Assert.AreEqual("z = AddV2(y, x)", stats[1].TimelineLabel);
        Assert.AreEqual(20, stats[1].Output.Single().TensorDescription.AllocationDescription.RequestedBytes);
        // A variable's ref output is described by its value.
        s.Run([], [], ["v/Assign"]);
        s.Run([], ["v/read:0"], [], new RunOptions { TraceLevel = RunOptions.Types.TraceLevel.SoftwareTrace }, md);
        var v = md.StepStats.DevStats.Single().NodeStats.First(n => n.NodeName == "v");
        Assert.AreEqual(8, v.Output.Single().TensorDescription.AllocationDescription.AllocatedBytes);
    }

    [TestMethod]
    public void A_callers_token_cancels_with_a_typed_error()
    {
        using var s = new DirectSession(Graph());
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var e = Assert.ThrowsExactly<CancelledException>(() => s.Run(Feed(3), ["z:0"], [], cts.Token));
        StringAssert.Contains(e.Message, "cancelled by its caller");
        // The session is unharmed.
        Assert.AreEqual(6f, s.Run(Feed(3), ["z:0"], [])[0].ToArray<float>()[2]);
    }

    [TestMethod]
    public void Fetched_results_are_not_charged_to_the_budget_after_the_run()
    {
        using var s = new DirectSession(Graph(), config: new ConfigProto { MemoryLimitBytes = 4096 });
        for (int i = 0; i < 100; i++)
        {
            // The results are never released: the budget must not leak them.
            var r = s.Run(Feed(200), ["z:0", "y:0"], []);
            Assert.AreEqual(2, r.Length);
        }
        Assert.AreEqual(0, s.Budget!.InUseBytes);
        var e = Assert.ThrowsExactly<ResourceExhaustedException>(() => s.Run(Feed(2000), ["z:0"], []));
        Assert.AreEqual("y", e.NodeName);
        StringAssert.Contains(e.Message, "8000 bytes requested");
        Assert.AreEqual(0, s.Budget.InUseBytes);
    }

    [TestMethod]
    public void Variables_read_through_identity_see_the_value_at_use_time()
    {
        using var s = new DirectSession(Graph());
        var e = Assert.ThrowsExactly<FailedPreconditionException>(() => s.Run([], ["v/read:0"], []));
        Assert.AreEqual("v/read", e.NodeName, "reading an uninitialised variable fails at the read");
        s.Run([], [], ["v/Assign"]);
        var first = s.Run([], ["v/read:0"], [])[0];
        CollectionAssert.AreEqual(new float[] { 3, 4 }, first.ToArray<float>());
        // The fetched value is a copy: writing it does not change the variable.
        first.AsSpan<float>()[0] = 99;
        CollectionAssert.AreEqual(new float[] { 3, 4 }, s.Run([], ["v:0"], [])[0].ToArray<float>());
    }

    [TestMethod]
    public void Runs_after_dispose_are_failed_preconditions()
    {
        var s = new DirectSession(Graph());
        s.Dispose();
        var e = Assert.ThrowsExactly<FailedPreconditionException>(() => s.Run(Feed(1), ["z:0"], []));
        StringAssert.Contains(e.Message, "closed Session");
        s.Dispose();
    }
}
