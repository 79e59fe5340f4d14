using GraphEngine.Ops.Proto;

namespace GraphEngine.Bench;

/// <summary>
/// `Bench.dll breakdown mlp-ops`: where one MLP training step's time goes, node by node, from
/// FULL_TRACE step stats (median op time per node over traced runs, summed by op type), plus the
/// managed bytes an untraced `sess.run(train_op)` allocates in steady state.
/// </summary>
internal static class MlpOpProfile
{
    private const int Warmup = 10, Runs = 40;

    public static int Run()
    {
        var g = new Graph();
        using (g.as_default())
        {
            var (x, labels, _, _, train) = Models.MlpGraph();
            using var session = new Session(g);
            session.run(tf.global_variables_initializer());
            var feeds = new FeedDict { [x] = Models.RandomImages(128, 784), [labels] = Models.OneHot(Models.RandomClasses(128)) };
            var options = tf.RunOptions(trace_level: RunOptions.Types.TraceLevel.FullTrace);
            // Untraced warm-up first, so the traced runs see tier-1 code (see Breakdown.WarmUp).
            Breakdown.WarmUp(() => session.run(train, feeds));
            var perNode = new Dictionary<string, (string Op, List<long> Nanos)>();
            for (int r = 0; r < Warmup + Runs; r++)
            {
                var metadata = tf.RunMetadata();
                session.run(train, feeds, options, metadata);
                if (r < Warmup) continue;
                foreach (var s in metadata.StepStats.DevStats[0].NodeStats)
                {
                    if (!perNode.TryGetValue(s.NodeName, out var entry))
                    {
                        var label = s.TimelineLabel;
                        int eq = label.IndexOf("= ", StringComparison.Ordinal), paren = label.IndexOf('(', eq);
                        perNode[s.NodeName] = entry = (label[(eq + 2)..paren], new List<long>());
                    }
                    entry.Nanos.Add(s.OpEndRelNanos);
                }
            }
            double Median(List<long> v) { v.Sort(); return v[v.Count / 2] / 1e6; }
            var nodes = perNode.Select(p => (Name: p.Key, p.Value.Op, Ms: Median(p.Value.Nanos))).OrderByDescending(n => n.Ms).ToList();
            Console.WriteLine($"sum of per-node medians: {nodes.Sum(n => n.Ms):F3} ms over {nodes.Count} nodes");
            Console.WriteLine("by op type:");
            foreach (var op in nodes.GroupBy(n => n.Op).Select(gr => (Op: gr.Key, Ms: gr.Sum(n => n.Ms), Count: gr.Count())).OrderByDescending(o => o.Ms))
                Console.WriteLine($"  {op.Op,-40} {op.Ms,8:F3} ms  ({op.Count} nodes)");
            Console.WriteLine("top nodes:");
            foreach (var n in nodes.Take(25)) Console.WriteLine($"  {n.Ms,8:F3} ms  {n.Op,-28} {n.Name}");

            var steps = new double[Runs];
            for (int r = 0; r < Warmup; r++) session.run(train, feeds);
            for (int r = 0; r < Runs; r++)
            {
                long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                session.run(train, feeds);
                steps[r] = System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            }
            Array.Sort(steps);
            Console.WriteLine($"untraced sess.run(train_op): median {steps[Runs / 2]:F3} ms, min {steps[0]:F3} ms");
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int r = 0; r < Runs; r++) session.run(train, feeds);
            long perRun = (GC.GetAllocatedBytesForCurrentThread() - before) / Runs;
            Console.WriteLine($"managed bytes allocated per untraced sess.run(train_op), this thread: {perRun}");
        }
        return 0;
    }
}
