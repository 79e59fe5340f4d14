using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NumSharp;

namespace GraphEngine.Tests.Session;

/// <summary>ConfigProto.memory_limit_bytes: output allocations over the budget are ResourceExhausted naming the node and the bytes.</summary>
[TestClass]
public sealed class MemoryBudgetTests
{
    [TestMethod]
    public void An_output_over_the_budget_is_resource_exhausted_naming_node_and_bytes()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var x = tf.placeholder(tf.float32, new[] { 1024, 1 }, name: "x");
        var ones = tf.ones(new[] { 1, 1024 }, name: "row");
        var big = tf.matmul(x, ones, name: "big");          // 1024 x 1024 floats = 4 MiB
        using var sess = tf.Session(g, tf.ConfigProto(memory_limit_bytes: 1 << 20));
        var feed = new FeedDict { [x] = new float[1024, 1] };
        var e = Assert.ThrowsExactly<ResourceExhaustedException>(() => sess.run(big, feed));
        Assert.AreEqual("big", e.NodeName);
        Assert.AreEqual("MatMul", e.OpType);
        StringAssert.Contains(e.Message, "4194304 bytes requested");
        StringAssert.Contains(e.Message, "[1024,1024]");
        StringAssert.Contains(e.Message, "1048576-byte memory budget");
        // Nothing stays charged after the failed run, and work inside the budget still runs.
        Assert.AreEqual(0, sess.memory_budget!.InUseBytes);
        NDArray r = sess.run(ones);
        Assert.AreEqual(1024, r.size);
    }

    [TestMethod]
    public void Runs_within_the_budget_release_their_charge_every_step()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var x = tf.placeholder(tf.float32, new[] { 100, 100 }, name: "x");
        var y = tf.nn.relu(tf.matmul(x, x) + 1f, name: "y");
        var v = tf.Variable(tf.zeros(new[] { 100, 100 }), name: "v");
        var update = v.assign_add(y);
        using var sess = tf.Session(g, tf.ConfigProto(memory_limit_bytes: 200_000));
        sess.run(tf.global_variables_initializer());
        var feed = new FeedDict { [x] = np.ones(new Shape(100, 100), np.float32) };
        for (int i = 0; i < 50; i++)
        {
            NDArray r = sess.run(y, feed);
            Assert.AreEqual(101f, r.ToArray<float>()[0]);
            sess.run(update, feed);
        }
        Assert.AreEqual(0, sess.memory_budget!.InUseBytes, "every step's buffers were credited back");
        Assert.IsTrue(sess.memory_budget.PeakBytes >= 40_000 && sess.memory_budget.PeakBytes <= 200_000, $"peak {sess.memory_budget.PeakBytes}");
    }

    [TestMethod]
    public void A_huge_zeros_is_resource_exhausted_not_a_crash()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var z = tf.zeros(new long[] { 1_000_000, 1_000_000 }, name: "huge");
        using (var sess = tf.Session(g))
        {
            var e = Assert.ThrowsExactly<ResourceExhaustedException>(() => sess.run(z));
            Assert.AreEqual("huge", e.NodeName);
            StringAssert.Contains(e.Message, "4000000000000 bytes");
        }
        using (var sess = tf.Session(g, tf.ConfigProto(memory_limit_bytes: 1L << 30)))
        {
            var e = Assert.ThrowsExactly<ResourceExhaustedException>(() => sess.run(z));
            Assert.AreEqual("huge", e.NodeName);
            StringAssert.Contains(e.Message, "4000000000000 bytes requested");
        }
    }

    [TestMethod]
    public void Negative_budgets_are_invalid()
    {
        var g = new GraphEngine.Graph();
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.Session(g, tf.ConfigProto(memory_limit_bytes: -1)));
        StringAssert.Contains(e.Message, "memory_limit_bytes");
    }
}
