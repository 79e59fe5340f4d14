using System.Diagnostics.Tracing;
using GraphEngine.Ops.Compute;

namespace GraphEngine.Bench;

/// <summary>
/// `Bench.dll breakdown cnn-alloc`: managed bytes allocated per steady-state LeNet training step
/// (all threads: GC.GetTotalAllocatedBytes(precise) over 200 steps after warm-up), then per call of
/// each conv/pool kernel at the step's shapes, called directly (the kernels' share), and per
/// sess.run of one-op graphs (kernel + executor wrapper). Attributes the step's bytes to their sources.
/// </summary>
internal static class CnnAllocProfile
{
    private const int Warmup = 20, Runs = 200;

    public static int Run()
    {
        Step();
        Kernels();
        return 0;
    }

    private static long BytesPerCall(Action call)
    {
        for (int i = 0; i < Warmup; i++) call();
        long before = GC.GetTotalAllocatedBytes(true);
        for (int i = 0; i < Runs; i++) call();
        return (GC.GetTotalAllocatedBytes(true) - before) / Runs;
    }

    private static void Step()
    {
        var g = new Graph();
        using (g.as_default())
        {
            var (x, labels, _, train) = Models.CnnGraph();
            using var session = new Session(g);
            session.run(tf.global_variables_initializer());
            var feeds = new FeedDict { [x] = Models.RandomImages(64, 28, 28, 1), [labels] = NumSharp.np.array(Models.RandomClasses(64)) };
            Console.WriteLine($"LeNet step sess.run(train_op), batch 64: {BytesPerCall(() => session.run(train, feeds))} bytes per run (all threads)");
            // Which types the remaining bytes are: the runtime's allocation ticks (one per ~100 KB allocated) name the type.
            using var ticks = new AllocationTicks();
            for (int i = 0; i < 1000; i++) session.run(train, feeds);
            ticks.Print("types sampled by GC allocation ticks over 1,000 steps");
        }
    }

    private static void Kernels()
    {
        foreach (var (name, size, cin, cout) in new[] { ("conv1", 28, 1, 32), ("conv2", 14, 32, 64) })
        {
            var g = ConvGeometry.Create(64, size, size, cin, 5, 5, 1, 1, 1, 1, true);
            var x = new float[64 * size * size * cin];
            var f = new float[25 * cin * cout];
            var dy = new float[64 * g.OH * g.OW * cout];
            var y = new float[dy.Length];
            var dx = new float[x.Length];
            var df = new float[f.Length];
            Console.WriteLine($"  {name} Conv2d.Forward kernel: {BytesPerCall(() => Conv2d.Forward<float>(x, f, y, g, cout))} bytes per call");
            Console.WriteLine($"  {name} Conv2d.BackwardInput kernel: {BytesPerCall(() => Conv2d.BackwardInput<float>(f, dy, dx, g, cout))} bytes per call");
            Console.WriteLine($"  {name} Conv2d.BackwardFilter kernel: {BytesPerCall(() => Conv2d.BackwardFilter<float>(x, dy, df, g, cout))} bytes per call");
        }
        var pg = ConvGeometry.Create(64, 28, 28, 32, 2, 2, 2, 2, 1, 1, true);
        var px = new float[64 * 28 * 28 * 32];
        var py = new float[64 * 14 * 14 * 32];
        var pdx = new float[px.Length];
        Console.WriteLine($"  pool1 MaxForward kernel: {BytesPerCall(() => Pooling.MaxForward<float>(px, py, pg))} bytes per call");
        Console.WriteLine($"  pool1 MaxBackward kernel: {BytesPerCall(() => Pooling.MaxBackward<float>(px, py, pdx, pg))} bytes per call");

        var graph = new Graph();
        using (graph.as_default())
        {
            var xt = tf.placeholder(tf.float32, new[] { 64, 14, 14, 32 });
            var w = tf.constant(Models.RandomImages(5, 5, 32, 64));
            var yt = tf.nn.conv2d(xt, w, [1, 1, 1, 1], "SAME");
            var grads = tf.gradients(tf.reduce_sum(yt), [xt, w]);
            var pooled = tf.nn.max_pool(xt, [1, 2, 2, 1], [1, 2, 2, 1], "SAME");
            var poolGrad = tf.gradients(tf.reduce_sum(pooled), xt)[0]!;
            var all = tf.group(yt, grads[0]!, grads[1]!);
            var convOnly = tf.group(yt);
            var identityOnly = tf.group(tf.identity(xt));
            var poolOnly = tf.group(pooled);
            using var s = new Session(graph, Models.KeepGroupedWork);
            var feed = Models.RandomImages(64, 14, 14, 32);
            // The same feed through an Identity: the executor's own bytes per run, to subtract from the op graphs.
            Console.WriteLine($"  sess.run(identity of the feed): {BytesPerCall(() => s.run(identityOnly, (xt, feed)))} bytes per run");
            Console.WriteLine($"  sess.run(conv2 forward only): {BytesPerCall(() => s.run(convOnly, (xt, feed)))} bytes per run");
            Console.WriteLine($"  sess.run(max_pool only): {BytesPerCall(() => s.run(poolOnly, (xt, feed)))} bytes per run");
            Console.WriteLine($"  sess.run(conv2 forward + both backprops): {BytesPerCall(() => s.run(all, (xt, feed)))} bytes per run");
            Console.WriteLine($"  sess.run(max_pool + MaxPoolGrad): {BytesPerCall(() => s.run(poolGrad.op, (xt, feed)))} bytes per run");
        }
    }

    /// <summary>Counts GCAllocationTick events by type name (each stands for about 100 KB of allocations).</summary>
    private sealed class AllocationTicks : EventListener
    {
        private readonly Dictionary<string, int> _counts = [];

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
                EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (!e.EventName!.StartsWith("GCAllocationTick") || e.PayloadNames == null) return;
            int i = e.PayloadNames.IndexOf("TypeName");
            string type = i >= 0 ? e.Payload![i]?.ToString() ?? "?" : "?";
            lock (_counts) _counts[type] = _counts.GetValueOrDefault(type) + 1;
        }

        public void Print(string title)
        {
            Console.WriteLine(title + ":");
            lock (_counts)
                foreach (var (type, n) in _counts.OrderByDescending(kv => kv.Value))
                    Console.WriteLine($"    {n,4} × {type}");
        }
    }
}
