using System.Diagnostics.Tracing;

namespace GraphEngine.Bench;

/// <summary>
/// `Bench.dll alloc mlp|chain|infer1|cnn|bmm|misc [runs]`: managed bytes allocated per steady-state `sess.run` of
/// the benchmarked models (the same graphs and feeds as the BenchmarkDotNet classes), measured with
/// <see cref="GC.GetTotalAllocatedBytes(bool)"/> over all threads (kernels split across pool threads),
/// after a warm-up long enough for tiered JIT to settle. For infer1 the bytes of the fetched NDArray
/// itself (measured by converting the same result again) are reported separately, since that is the
/// fetched result the caller asked for. Then the types allocated, from the runtime's GC AllocationTick
/// events (one event per ≈ 100 KB allocated, so counts are samples: a type's share of the ticks is
/// its share of the bytes).
/// </summary>
internal static class AllocationProbe
{
    public static int Run(string model, int runs)
    {
        var g = new Graph();
        using var _ = g.as_default();
        Action step;
        Func<object>? fetchOnly = null;
        switch (model)
        {
            case "mlp":
            {
                var (x, labels, _, _, train) = Models.MlpGraph();
                var session = new Session(g);
                session.run(tf.global_variables_initializer());
                var feeds = new FeedDict { [x] = Models.RandomImages(128, 784), [labels] = Models.OneHot(Models.RandomClasses(128)) };
                step = () => session.run(train, feeds);
                break;
            }
            case "cnn":
            {
                var (x, labels, _, train) = Models.CnnGraph();
                var session = new Session(g);
                session.run(tf.global_variables_initializer());
                var feeds = new FeedDict { [x] = Models.RandomImages(64, 28, 28, 1), [labels] = NumSharp.np.array(Models.RandomClasses(64)) };
                step = () => session.run(train, feeds);
                break;
            }
            case "infer1":
            {
                var (x, _, logits, _, _) = Models.MlpGraph();
                var session = new Session(g);
                session.run(tf.global_variables_initializer());
                var feed = Models.RandomImages(1, 784);
                step = () => session.run(logits, (x, feed));
                // What the fetched 1×10 floats cost as the caller's NDArray on their own (the fetch's conversion).
                var sample = GraphEngine.Ops.Core.HostTensor.FromArray(session.run(logits, (x, feed)).ToArray<float>(), 1, 10);
                fetchOnly = () => NDArrayConversion.ToNDArray(sample);
                break;
            }
            case "chain":
            {
                var xs = tf.placeholder(tf.float32, GraphEngine.Ops.Core.TensorShape.Scalar, name: "x");
                var one = tf.constant(1f, name: "one");
                var y = xs;
                for (int i = 0; i < 1000; i++) y = tf.add(y, one);
                var session = new Session(g);
                var feed = NumSharp.NDArray.Scalar(0f);
                step = () => session.run(y, (xs, feed));
                var sample = GraphEngine.Ops.Core.HostTensor.Scalar(1f);
                fetchOnly = () => NDArrayConversion.ToNDArray(sample);
                break;
            }
            case "bmm":
            {
                // 64 batched 32×32 products (split across cores by batch), run for effect: what BatchMatMulV2 costs per run.
                var a = tf.constant(Models.RandomImages(64, 32, 32));
                var b2 = tf.constant(Models.RandomImages(64, 32, 32));
                var run = tf.group(tf.matmul(a, b2));
                var session = new Session(g, Models.KeepGroupedWork);
                step = () => session.run(run);
                break;
            }
            case "misc":
            {
                // A small training step through the shape-handling ops the benchmark models do not use
                // (bias_add, transpose, concat, strided slice, expand/squeeze, stack, range, zeros_like).
                var x = tf.placeholder(tf.float32, new[] { -1, 6 }, name: "x");
                var w = tf.Variable(tf.ones(new[] { 6, 4 }));
                var bb = tf.Variable(tf.zeros(new[] { 4 }));
                var h = tf.nn.relu(tf.nn.bias_add(tf.matmul(x, w), bb));
                var t = tf.transpose(h);
                var c = tf.concat(new[] { h, h * 2f }, 1);
                var sl = c[":, 1:5"];
                var e = tf.squeeze(tf.expand_dims(sl, 0), new[] { 0 });
                var st = tf.stack(new[] { e, e });
                var r = tf.cast(tf.range(0, 4), tf.float32);
                var loss = tf.reduce_sum(st * r) + tf.reduce_mean(t) + tf.reduce_sum(tf.zeros_like(h));
                var train = tf.train.GradientDescentOptimizer(0.01).minimize(loss);
                var session = new Session(g);
                session.run(tf.global_variables_initializer());
                var feeds = new FeedDict { [x] = Models.RandomImages(8, 6) };
                step = () => session.run(train, feeds);
                break;
            }
            default:
                Console.Error.WriteLine("usage: Bench.dll alloc mlp|chain|infer1|cnn|bmm|misc [runs]");
                return 2;
        }

        int warmup = Math.Max(50, runs / 4);
        for (int r = 0; r < warmup; r++) step();
        Thread.Sleep(200); // let background tiering finish before measuring
        for (int r = 0; r < warmup; r++) step();

        long resultBytes = 0;
        if (fetchOnly != null)
        {
            fetchOnly();
            long b0 = GC.GetTotalAllocatedBytes(precise: true);
            for (int r = 0; r < 100; r++) fetchOnly();
            resultBytes = (GC.GetTotalAllocatedBytes(precise: true) - b0) / 100;
        }

        // Five rounds: a one-off allocation (the thread pool adding a worker under load, a late JIT tier-up)
        // shows up in one round only, while a real per-run cost shows up in every round.
        const int Rounds = 5;
        int perRound = Math.Max(1, runs / Rounds);
        runs = perRound * Rounds;
        var rounds = new double[Rounds];
        long total = 0;
        for (int k = 0; k < Rounds; k++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int r = 0; r < perRound; r++) step();
            long bytes = GC.GetTotalAllocatedBytes(precise: true) - before;
            rounds[k] = (double)bytes / perRound;
            total += bytes;
        }
        // A second pass for attribution, so the listener's own allocations stay out of the figure above.
        using var listener = new AllocationListener();
        for (int r = 0; r < runs; r++) step();
        listener.Stop();

        Console.WriteLine($"{model}: {runs} runs, {(double)total / runs:F1} bytes allocated per run (all threads); "
            + $"rounds of {perRound}: min {rounds.Min():F1}, max {rounds.Max():F1} ({string.Join(" / ", rounds.Select(v => v.ToString("F1")))})");
        if (fetchOnly != null)
            Console.WriteLine($"  of which the fetched result's own NDArray (NDArrayConversion.ToNDArray) costs {resultBytes} bytes; beyond it: {(double)total / runs - resultBytes:F1}");
        var ticks = listener.Snapshot();
        long tickCount = ticks.Sum(t => t.Value);
        if (tickCount == 0) { Console.WriteLine("  no allocation ticks (less than ≈ 100 KB allocated in total)"); return 0; }
        Console.WriteLine($"  allocation ticks by type ({tickCount} ticks, ≈ bytes per run = share × total / runs):");
        foreach (var (type, count) in ticks.OrderByDescending(t => t.Value))
            Console.WriteLine($"    {count,6}  ≈ {(double)count / tickCount * total / runs,8:F0} B/run  {type}");
        return 0;
    }

    /// <summary>Counts the runtime's GCAllocationTick_V4 events by allocated type name.</summary>
    private sealed class AllocationListener : EventListener
    {
        private readonly Dictionary<string, long> _counts = new();
        private volatile bool _on = true;

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
                EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1 /* GC */);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (!_on || e.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal)) return;
            int i = e.PayloadNames!.IndexOf("TypeName");
            string type = i >= 0 ? e.Payload![i] as string ?? "?" : "?";
            lock (_counts) _counts[type] = _counts.GetValueOrDefault(type) + 1;
        }

        public void Stop() => _on = false;

        public Dictionary<string, long> Snapshot() { lock (_counts) return new(_counts); }
    }
}
