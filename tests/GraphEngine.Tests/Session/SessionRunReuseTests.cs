using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NumSharp;

namespace GraphEngine.Tests.Session;

/// <summary>
/// A steady-state sess.run reuses what it can between runs (its per-thread lists, the tensor a fed
/// NDArray was wrapped in, tensor names): every run must still see the values fed to it now, fail
/// cleanly on bad input and leave the next run unaffected, also when runs nest or overlap on threads.
/// </summary>
[TestClass]
public sealed class SessionRunReuseTests
{
    [TestMethod]
    public void Same_ndarray_fed_again_is_read_afresh_each_run()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var x = tf.placeholder(tf.float32, new[] { 2, 3 }, name: "x");
        var y = x * 2f;
        using var sess = new GraphEngine.Session(g);
        var feed = np.array(new float[] { 1, 2, 3, 4, 5, 6 }).reshape(2, 3);
        for (int run = 0; run < 5; run++)
        {
            feed[1, 2] = run * 10f;
            var r = sess.run(y, new FeedDict { [x] = feed }).ToArray<float>();
            CollectionAssert.AreEqual(new float[] { 2, 4, 6, 8, 10, run * 20f }, r, $"run {run}");
            var r2 = sess.run(y, (x, feed)).ToArray<float>();
            CollectionAssert.AreEqual(r, r2);
        }
    }

    [TestMethod]
    public void One_ndarray_fed_to_placeholders_of_two_dtypes_is_converted_for_each()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var xi = tf.placeholder(tf.int32, new[] { 3 }, name: "xi");
        var xf = tf.placeholder(tf.float32, new[] { 3 }, name: "xf");
        var yi = xi + 1;
        var yf = xf * 0.5f;
        using var sess = new GraphEngine.Session(g);
        var feed = np.array(new[] { 2, 4, 6 });
        for (int run = 0; run < 3; run++)
        {
            var a = sess.run(yi, (xi, feed));
            Assert.AreEqual(NPTypeCode.Int32, a.typecode);
            CollectionAssert.AreEqual(new[] { 3, 5, 7 }, a.ToArray<int>());
            var b = sess.run(yf, (xf, feed));
            Assert.AreEqual(NPTypeCode.Single, b.typecode);
            CollectionAssert.AreEqual(new[] { 1f, 2f, 3f }, b.ToArray<float>());
        }
    }

    [TestMethod]
    public void Sliced_ndarray_is_copied_each_run_and_gives_the_slice()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var x = tf.placeholder(tf.float32, new[] { 2 }, name: "x");
        var y = tf.identity(x);
        using var sess = new GraphEngine.Session(g);
        var full = np.array(new float[] { 1, 2, 3, 4 });
        var slice = full["1:3"];
        CollectionAssert.AreEqual(new[] { 2f, 3f }, sess.run(y, (x, slice)).ToArray<float>());
        full[2] = 30f;
        CollectionAssert.AreEqual(new[] { 2f, 30f }, sess.run(y, (x, slice)).ToArray<float>());
    }

    [TestMethod]
    public void Failed_runs_leave_the_next_run_on_the_thread_correct()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var x = tf.placeholder(tf.float32, new[] { 2 }, name: "x");
        var y = x + 1f;
        var other = new GraphEngine.Graph();
        Tensor foreign;
        using (other.as_default()) foreign = tf.constant(1f);
        using var sess = new GraphEngine.Session(g);
        var good = np.array(new float[] { 1, 2 });
        Assert.ThrowsExactly<InvalidArgumentException>(() => sess.run(y, (x, np.array(new float[] { 1, 2, 3 }))));
        CollectionAssert.AreEqual(new[] { 2f, 3f }, sess.run(y, (x, good)).ToArray<float>());
        Assert.ThrowsExactly<InvalidArgumentException>(() => sess.run(new[] { y, foreign }, (x, good)));
        Assert.ThrowsExactly<InvalidArgumentException>(() => sess.run(y, (x, new[] { 1f, 2f }), (foreign, 3f)));
        var (a, b) = sess.run((y, x), (x, good));
        CollectionAssert.AreEqual(new[] { 2f, 3f }, a.ToArray<float>());
        CollectionAssert.AreEqual(new[] { 1f, 2f }, b.ToArray<float>());
        var many = sess.run(new ITensorOrOperation[] { y, y.op, x }, new FeedDict { [x] = new[] { 5f, 6f } });
        CollectionAssert.AreEqual(new[] { 6f, 7f }, many[0]!.ToArray<float>());
        Assert.IsNull(many[1]);
        CollectionAssert.AreEqual(new[] { 5f, 6f }, many[2]!.ToArray<float>());
    }

    [TestMethod]
    public void A_run_inside_a_run_on_the_same_thread_keeps_both_runs_feeds_apart()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var x = tf.placeholder(tf.float32, new[] { 3 }, name: "x");
        var inner = tf.placeholder(tf.float32, new[] { 3 }, name: "inner");
        var innerY = inner * 100f;
        GraphEngine.Session? sess = null;
        var y = tf.host_func(args =>
        {
            // A nested sess.run while the outer run is in flight.
            var nested = sess!.run(innerY, (inner, np.array(new float[] { 1, 2, 3 })));
            return (args[0] + nested).astype(NPTypeCode.Single);
        }, [x], GraphEngine.Ops.Core.DType.Float);
        var z = y + x;
        using (sess = new GraphEngine.Session(g))
        {
            for (int run = 0; run < 3; run++)
            {
                var r = sess.run(z, (x, np.array(new float[] { run, 1, 2 }))).ToArray<float>();
                CollectionAssert.AreEqual(new float[] { 100 + 2 * run, 202, 304 }, r, $"run {run}");
            }
        }
    }

    [TestMethod]
    public void Threads_running_one_session_each_get_their_own_feeds_back()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var x = tf.placeholder(tf.float32, new[] { -1 }, name: "x");
        var y = x * 3f;
        var s = tf.reduce_sum(x);
        using var sess = new GraphEngine.Session(g);
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var threads = Enumerable.Range(0, 6).Select(t => new Thread(() =>
        {
            var feed = np.array(Enumerable.Range(0, 5 + t).Select(i => (float)(t * 100 + i)).ToArray());
            for (int run = 0; run < 200; run++)
            {
                var (a, b) = sess.run((y, s), new FeedDict { [x] = feed });
                var expected = feed.ToArray<float>();
                if (!a.ToArray<float>().SequenceEqual(expected.Select(v => v * 3f)) || b.GetSingle() != expected.Sum())
                    errors.Enqueue($"thread {t} run {run}");
            }
        })).ToList();
        threads.ForEach(th => th.Start());
        threads.ForEach(th => th.Join());
        Assert.IsTrue(errors.IsEmpty, string.Join(", ", errors.Take(5)));
    }

    [TestMethod]
    public void Tensor_name_is_stable_and_matches_the_op_and_index()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var parts = tf.split(tf.constant(new float[] { 1, 2, 3, 4 }), 2, name: "parts");
        Assert.AreEqual("parts:0", parts[0].name);
        Assert.AreEqual("parts:1", parts[1].name);
        Assert.AreSame(parts[1].name, parts[1].name, "built once, not per call");
    }
}
