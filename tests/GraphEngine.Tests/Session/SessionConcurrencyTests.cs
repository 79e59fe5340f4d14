using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NumSharp;

namespace GraphEngine.Tests.Session;

/// <summary>
/// One session shared by many threads: inference matches single-threaded results, concurrent training
/// updates are never seen half-applied, and closing the session fails in-flight runs cleanly.
/// </summary>
[TestClass]
public sealed class SessionConcurrencyTests
{
    private const int Threads = 8;

    private static float[,] RandomMatrix(System.Random rng, int rows, int cols)
    {
        var a = new float[rows, cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) a[i, j] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }

    /// <summary>Runs <paramref name="body"/> on n threads released together; rethrows the first failure.</summary>
    private static void OnThreads(int n, Action<int> body)
    {
        using var start = new Barrier(n);
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, n).Select(t => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                body(t);
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        foreach (var t in threads) Assert.IsTrue(t.Join(TimeSpan.FromMinutes(5)), "a thread hung");
        if (errors.TryDequeue(out var first)) throw new AssertFailedException($"{errors.Count + 1} thread(s) failed: {first}");
    }

    [TestMethod]
    public void Eight_threads_of_inference_give_the_single_threaded_results()
    {
        var rng = new System.Random(7);
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var x = tf.placeholder(tf.float32, new[] { -1, 32 }, name: "x");
        var w1 = tf.Variable(RandomMatrix(rng, 32, 64), name: "w1");
        var w2 = tf.Variable(RandomMatrix(rng, 64, 10), name: "w2");
        var hidden = tf.nn.relu(tf.matmul(x, w1), name: "hidden");
        var logits = tf.matmul(hidden, w2, name: "logits");
        var probs = tf.nn.softmax(logits, name: "probs");
        using var sess = tf.Session(g);
        sess.run(tf.global_variables_initializer());

        var inputs = Enumerable.Range(0, 16).Select(_ => RandomMatrix(rng, 20, 32)).ToArray();
        // Alternate two fetch signatures so plans are compiled while other threads run.
        var expectedProbs = inputs.Select(i => sess.run(probs, new FeedDict { [x] = i }).ToArray<float>()).ToArray();
        using var fresh = tf.Session(g);
        fresh.run(tf.global_variables_initializer());
        OnThreads(Threads, t =>
        {
            for (int rep = 0; rep < 30; rep++)
            {
                int k = (t * 31 + rep) % inputs.Length;
                var feed = new FeedDict { [x] = inputs[k] };
                if (rep % 2 == 0)
                    CollectionAssert.AreEqual(expectedProbs[k], fresh.run(probs, feed).ToArray<float>(), $"thread {t} input {k}");
                else
                {
                    var (l, p) = fresh.run((logits, probs), feed);
                    CollectionAssert.AreEqual(expectedProbs[k], p.ToArray<float>(), $"thread {t} input {k}");
                    Assert.AreEqual(200, l.size);
                }
            }
        });
    }

    [TestMethod]
    public void Concurrent_traced_runs_each_get_their_own_step_stats()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var x = tf.placeholder(tf.float32, new[] { 4 }, name: "x");
        var y = tf.nn.relu(x * 2f + 1f, name: "y");
        using var sess = tf.Session(g);
        var options = tf.RunOptions(trace_level: GraphEngine.Ops.Proto.RunOptions.Types.TraceLevel.FullTrace);
        OnThreads(Threads, t =>
        {
            for (int rep = 0; rep < 20; rep++)
            {
                var md = tf.RunMetadata();
                var r = sess.run(y, new FeedDict { [x] = new float[] { t, 0, -t, 1 } }, options, md);
                Assert.AreEqual(2f * t + 1f, r.ToArray<float>()[0]);
                var names = md.StepStats.DevStats.Single().NodeStats.Select(n => n.NodeName).ToArray();
                CollectionAssert.AreEquivalent(new[] { "mul/y", "mul", "add/y", "add", "y" }, names, string.Join(",", names));
            }
        });
    }

    /// <summary>Every element of a read must be the same: a torn read mixes two updates.</summary>
    private static void AssertWhole(float[] values, string what)
    {
        for (int i = 1; i < values.Length; i++)
            if (values[i] != values[0]) Assert.Fail($"{what}: torn read, element 0 = {values[0]} but element {i} = {values[i]}");
    }

    [TestMethod]
    public void Concurrent_assign_add_updates_are_whole_and_none_is_lost()
    {
        const int n = 1 << 16, writers = 4, steps = 60;
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var v = tf.Variable(tf.zeros(new[] { n }), name: "v");
        var inc = v.assign_add(tf.ones(new[] { n }));
        var read = v.value();
        using var sess = tf.Session(g);
        sess.run(tf.global_variables_initializer());
        int done = 0;
        OnThreads(writers + 2, t =>
        {
            if (t < writers)
            {
                for (int i = 0; i < steps; i++) AssertWhole(sess.run(inc).ToArray<float>(), "assign_add result");
                Interlocked.Increment(ref done);
                return;
            }
            float last = 0;
            while (Volatile.Read(ref done) < writers)
            {
                var values = (t % 2 == 0 ? sess.run(read) : sess.run(v)).ToArray<float>();
                AssertWhole(values, "concurrent read");
                Assert.IsTrue(values[0] >= last, "a later read never goes back in time");
                last = values[0];
            }
        });
        var final = sess.run(v).ToArray<float>();
        AssertWhole(final, "final value");
        Assert.AreEqual(writers * steps, final[0]);
    }

    [TestMethod]
    public void Concurrent_gradient_descent_steps_are_whole()
    {
        const int n = 1 << 15, writers = 4, steps = 40;
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var v = tf.Variable(tf.zeros(new[] { n }), name: "v");
        var loss = tf.reduce_sum(v, name: "loss");             // d loss / d v = 1 everywhere
        var train = tf.train.GradientDescentOptimizer(1.0).minimize(loss);
        using var sess = tf.Session(g);
        sess.run(tf.global_variables_initializer());
        int done = 0;
        OnThreads(writers + 2, t =>
        {
            if (t < writers)
            {
                for (int i = 0; i < steps; i++) sess.run(train);
                Interlocked.Increment(ref done);
                return;
            }
            while (Volatile.Read(ref done) < writers) AssertWhole(sess.run(v).ToArray<float>(), "read during training");
        });
        var final = sess.run(v).ToArray<float>();
        AssertWhole(final, "final value");
        Assert.AreEqual(-writers * steps, final[0]);
    }

    [TestMethod]
    public void Dispose_while_runs_are_in_flight_fails_them_cleanly()
    {
        var (g, y) = RunTimeoutTests.SlowChain(links: 200);
        var sess = tf.Session(g);
        int started = 0, cancelled = 0, closed = 0, completed = 0;
        var unexpected = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var runners = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                try
                {
                    Interlocked.Increment(ref started);
                    sess.run(y);
                    Interlocked.Increment(ref completed);
                }
                catch (CancelledException e)
                {
                    StringAssert.Contains(e.Message, "Session has been closed");
                    Interlocked.Increment(ref cancelled);
                }
                catch (FailedPreconditionException e)
                {
                    StringAssert.Contains(e.Message, "closed Session");
                    Interlocked.Increment(ref closed);
                    return;
                }
                catch (Exception e)
                {
                    unexpected.Enqueue(e);
                    return;
                }
            }
        })).ToList();
        runners.ForEach(t => t.Start());
        while (Volatile.Read(ref started) < 4) Thread.Sleep(1);
        Thread.Sleep(30);
        var closer = Task.Run(sess.Dispose);
        Assert.IsTrue(closer.Wait(TimeSpan.FromMinutes(2)), "Dispose hung while runs were in flight");
        foreach (var t in runners) Assert.IsTrue(t.Join(TimeSpan.FromMinutes(2)), "a run hung after Dispose");
        Assert.IsTrue(unexpected.IsEmpty, string.Join("\n", unexpected));
        Assert.AreEqual(4, closed, "every runner ends on the closed session's typed error");
        Assert.IsTrue(cancelled > 0, $"runs in flight are cancelled (completed {completed})");
        var after = Assert.ThrowsExactly<FailedPreconditionException>(() => sess.run(y));
        StringAssert.Contains(after.Message, "closed Session");
        sess.Dispose(); // a second close is harmless
    }

    [TestMethod]
    public void Runtime_dispose_cancels_a_run_between_nodes()
    {
        var (g, y) = RunTimeoutTests.SlowChain(links: 400);
        var runtime = new GraphEngine.Runtime.DirectSession(g.Def, g.Library);
        var run = Task.Run(() =>
        {
            while (true) runtime.Run([], [y.name], []);
        });
        Thread.Sleep(20);
        runtime.Dispose();
        var e = Assert.ThrowsExactly<AggregateException>(() => run.Wait(TimeSpan.FromMinutes(2)));
        var inner = e.InnerException as GraphEngineException;
        Assert.IsNotNull(inner, e.ToString());
        // Either the run was cut short (Cancelled) or it had not yet registered (closed session).
        Assert.IsTrue(inner is CancelledException or FailedPreconditionException, inner.ToString());
    }
}
