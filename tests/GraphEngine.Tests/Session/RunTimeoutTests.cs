using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NumSharp;

namespace GraphEngine.Tests.Session;

/// <summary>RunOptions.timeout_in_ms and ConfigProto.operation_timeout_in_ms: DeadlineExceeded naming the node that was running.</summary>
[TestClass]
public sealed class RunTimeoutTests
{
    /// <summary>A chain of matmuls long enough that a millisecond deadline always passes mid-way.</summary>
    internal static (GraphEngine.Graph G, Tensor Y) SlowChain(int links = 120, int n = 128)
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var m = tf.fill(new[] { n, n }, 1f / n, name: "m");
        Tensor y = tf.ones(new[] { n, n }, name: "start");
        for (int i = 0; i < links; i++) y = tf.matmul(y, m, name: $"link{i}");
        return (g, y);
    }

    [TestMethod]
    public void A_tiny_timeout_raises_deadline_exceeded_naming_the_running_node()
    {
        var (g, y) = SlowChain();
        using var sess = tf.Session(g);
        var e = Assert.ThrowsExactly<DeadlineExceededException>(() => sess.run(y, null, tf.RunOptions(timeout_in_ms: 1)));
        Assert.AreEqual(ErrorCode.DeadlineExceeded, e.Code);
        StringAssert.Contains(e.Message, "timeout_in_ms = 1 ms");
        Assert.IsNotNull(e.NodeName, e.Message);
        StringAssert.Contains(e.Message, $"node '{e.NodeName}'");
        Assert.AreNotEqual(y.op.name, e.NodeName, "the deadline passed long before the last link");
    }

    [TestMethod]
    public void After_a_timeout_the_session_stays_usable_and_a_generous_timeout_finishes()
    {
        var (g, y) = SlowChain();
        using var sess = tf.Session(g);
        Assert.ThrowsExactly<DeadlineExceededException>(() => sess.run(y, null, tf.RunOptions(timeout_in_ms: 1)));
        NDArray r = sess.run(y, null, tf.RunOptions(timeout_in_ms: 600_000));
        // Each link maps the all-ones matrix to itself (rows of 1/n times n ones).
        foreach (var v in r.ToArray<float>()) Assert.AreEqual(1f, v, 1e-3f);
    }

    [TestMethod]
    public void The_session_timeout_from_config_applies_when_the_run_sets_none()
    {
        var (g, y) = SlowChain();
        using var sess = tf.Session(g, tf.ConfigProto(operation_timeout_in_ms: 1));
        var e = Assert.ThrowsExactly<DeadlineExceededException>(() => sess.run(y));
        StringAssert.Contains(e.Message, "timeout_in_ms = 1 ms");
        // A per-run timeout overrides the session's.
        NDArray r = sess.run(y, null, tf.RunOptions(timeout_in_ms: 600_000));
        Assert.AreEqual(1f, r.ToArray<float>()[0], 1e-4f);
    }

    [TestMethod]
    public void Negative_timeouts_are_invalid_arguments()
    {
        var (g, y) = SlowChain(links: 1);
        using var sess = tf.Session(g);
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => sess.run(y, null, tf.RunOptions(timeout_in_ms: -5)));
        StringAssert.Contains(e.Message, "timeout_in_ms");
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.Session(g, tf.ConfigProto(operation_timeout_in_ms: -1)));
    }
}
