using System.Diagnostics;
using TorchSharp;

namespace GraphEngine.Bench;

/// <summary>
/// `Bench.dll breakdown mlp-series`: the MLP training step timed call by call over many calls (median per
/// block of 50, so warm-up and tiering show as a trend) and in batches of 100 calls under one stopwatch
/// (BenchmarkDotNet's way), to tell per-call timing effects from a slower steady state.
/// </summary>
internal static class MlpStepSeries
{
    /// <summary>
    /// `Bench.dll breakdown mlp-passes`: the MLP step in a default session and in one with the plan passes
    /// off (rewrite_options remapping and dependency_optimization OFF), alternating blocks of 20 calls so
    /// both see the same machine load; medians per session.
    /// </summary>
    public static int ComparePasses(bool cnn = false)
    {
        var g = new Graph();
        using (g.as_default())
        {
            Tensor x, labels;
            Operation train;
            if (cnn) (x, labels, _, train) = Models.CnnGraph();
            else (x, labels, _, _, train) = Models.MlpGraph();
            var off = new GraphEngine.Ops.Proto.ConfigProto
            {
                GraphOptions = new GraphEngine.Ops.Proto.GraphOptions
                {
                    RewriteOptions = new GraphEngine.Ops.Proto.RewriterConfig
                    {
                        Remapping = GraphEngine.Ops.Proto.RewriterConfig.Types.Toggle.Off,
                        DependencyOptimization = GraphEngine.Ops.Proto.RewriterConfig.Types.Toggle.Off,
                    },
                },
            };
            using var optimized = new Session(g);
            using var plain = new Session(g, off);
            optimized.run(tf.global_variables_initializer());
            plain.run(tf.global_variables_initializer());
            var feeds = cnn
                ? new FeedDict { [x] = Models.RandomImages(64, 28, 28, 1), [labels] = NumSharp.np.array(Models.RandomClasses(64)) }
                : new FeedDict { [x] = Models.RandomImages(128, 784), [labels] = Models.OneHot(Models.RandomClasses(128)) };
            Breakdown.WarmUp(() => { optimized.run(train, feeds); plain.run(train, feeds); });
            var a = new List<double>();
            var b = new List<double>();
            int blocks = cnn ? 8 : 15, perBlock = cnn ? 5 : 20;
            for (int block = 0; block < blocks; block++)
                foreach (var (session, times) in new[] { (optimized, a), (plain, b) })
                    for (int i = 0; i < perBlock; i++)
                    {
                        long t0 = Stopwatch.GetTimestamp();
                        session.run(train, feeds);
                        times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    }
            a.Sort();
            b.Sort();
            Console.WriteLine($"plan passes on : median {a[a.Count / 2]:F3} ms, min {a[0]:F3} ms");
            Console.WriteLine($"plan passes off: median {b[b.Count / 2]:F3} ms, min {b[0]:F3} ms");
            Console.WriteLine($"ratio of medians on/off: {a[a.Count / 2] / b[b.Count / 2]:F3}");
        }
        return 0;
    }

    /// <summary>
    /// `Bench.dll breakdown mlp-vs-torch`: our MLP step and libtorch's (the MlpTrainStepBenchmarks pair),
    /// alternating blocks of 10 calls for 20 rounds so both see the same load on a shared machine;
    /// medians and the ratio. Run it several times: the spread between runs is the noise.
    /// </summary>
    public static int VersusTorch()
    {
        var bench = new MlpTrainStepBenchmarks();
        bench.Setup();
        Breakdown.WarmUp(() => { bench.GraphEngineStep(); bench.LibTorchStep(); });
        var ours = new List<double>();
        var theirs = new List<double>();
        for (int round = 0; round < 20; round++)
            foreach (var (step, times) in new (Action, List<double>)[] { (bench.GraphEngineStep, ours), (bench.LibTorchStep, theirs) })
                for (int i = 0; i < 10; i++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    step();
                    times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                }
        ours.Sort();
        theirs.Sort();
        double a = ours[ours.Count / 2], b = theirs[theirs.Count / 2];
        Console.WriteLine($"GraphEngine MLP step: median {a:F3} ms, min {ours[0]:F3} ms");
        Console.WriteLine($"libtorch MLP step:    median {b:F3} ms, min {theirs[0]:F3} ms");
        Console.WriteLine($"ratio of medians {a / b:F3}, of mins {ours[0] / theirs[0]:F3}");
        bench.Cleanup();
        return 0;
    }

    public static int Run()
    {
        var g = new Graph();
        using (g.as_default())
        {
            var (x, labels, _, _, train) = Models.MlpGraph();
            using var session = new Session(g);
            session.run(tf.global_variables_initializer());
            var feeds = new FeedDict { [x] = Models.RandomImages(128, 784), [labels] = Models.OneHot(Models.RandomClasses(128)) };
            const int Block = 50, Blocks = 16;
            var times = new double[Block];
            for (int b = 0; b < Blocks; b++)
            {
                for (int i = 0; i < Block; i++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    session.run(train, feeds);
                    times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                }
                Array.Sort(times);
                Console.WriteLine($"calls {b * Block,4}-{(b + 1) * Block - 1,4}: median {times[Block / 2]:F3} ms, min {times[0]:F3} ms");
            }
            for (int b = 0; b < 5; b++)
            {
                long t0 = Stopwatch.GetTimestamp();
                for (int i = 0; i < 100; i++) session.run(train, feeds);
                Console.WriteLine($"batch of 100 calls: {Stopwatch.GetElapsedTime(t0).TotalMilliseconds / 100:F3} ms per call");
            }
        }
        return 0;
    }
}
