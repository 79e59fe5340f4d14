using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Runtime;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Session.Tests.Execution;

/// <summary>
/// DirectSession.Run into a caller's result span (what the front end uses so a run allocates no
/// result array): same tensors as the array form, one per fetch, and a wrong-sized span is refused.
/// </summary>
[TestClass]
public sealed class RunIntoResultsTests
{
    /// <summary>x (float[?]) → y = x * x, z = y + x; "t" = NoOp with a control input on z.</summary>
    private static GraphDef Graph()
    {
        var g = new GraphDef();
        var x = new NodeDef("x", "Placeholder");
        x.Attr["dtype"] = DType.Float;
        x.Attr["shape"] = new TensorShape(-1);
        g.Add(x);
        foreach (var (name, op, a, b) in new[] { ("y", "Mul", "x", "x"), ("z", "AddV2", "y", "x") })
        {
            var n = new NodeDef(name, op);
            n.Input.AddRange([a, b]);
            n.Attr["T"] = DType.Float;
            g.Add(n);
        }
        var t = new NodeDef("t", "NoOp");
        t.Input.Add("^z");
        g.Add(t);
        return g;
    }

    private static (string, HostTensor)[] Feed(params float[] v) => [("x:0", HostTensor.FromArray(v, v.Length))];

    [TestMethod]
    public void Results_land_in_the_callers_span_in_fetch_order()
    {
        using var s = new DirectSession(Graph());
        var results = new HostTensor[2];
        for (int run = 0; run < 3; run++)
        {
            s.Run(Feed(run, 2), ["z:0", "y:0"], ["t"], null, null, results.AsSpan());
            CollectionAssert.AreEqual(new[] { run * run + (float)run, 6f }, results[0].ToArray<float>(), $"run {run} z");
            CollectionAssert.AreEqual(new[] { (float)run * run, 4f }, results[1].ToArray<float>(), $"run {run} y");
            foreach (var r in results) r.Buffer!.Release();
        }
        s.Run(Feed(1), [], ["t"], null, null, Span<HostTensor>.Empty);
        Assert.AreEqual(0, s.Run(Feed(1), [], ["t"]).Length, "no fetches: an empty result");
    }

    [TestMethod]
    public void A_span_of_the_wrong_length_is_refused_before_running()
    {
        using var s = new DirectSession(Graph());
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => s.Run(Feed(1), ["z:0", "y:0"], [], null, null, new HostTensor[1]));
        StringAssert.Contains(e.Message, "1 result places given for 2 fetches");
        Assert.AreEqual(0, s.PlanCount, "nothing was compiled or run");
    }
}
