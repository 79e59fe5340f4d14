using BenchmarkDotNet.Attributes;
using NumSharp;

namespace GraphEngine.Bench;

/// <summary>
/// What TensorBoard summaries cost a training loop: ten steps of an MNIST-MLP-like model
/// (784-512-256-10 ReLU, softmax cross-entropy, Adam, batch 128, random inputs) per invocation,
/// without summaries, with a merged scalar summary (loss, accuracy) fetched on one step of the ten
/// and handed to a FileWriter, and with histograms of every weight added to it. The baseline is
/// the run without summaries, so the ratio column is the overhead. No libtorch peer: it has no
/// equivalent of a graph-fetched summary op (its peer would be a separate logging library).
/// </summary>
[MemoryDiagnoser]
public class SummaryBenchmarks
{
    private const int Steps = 10;
    private const int Batch = 128;
    private Session _session = null!;
    private Tensor _loss = null!, _accuracy = null!, _scalars = null!, _withHistograms = null!;
    private Operation _train = null!;
    private FeedDict _feed = null!;
    private tf.summary.FileWriter _writer = null!;
    private string _logdir = null!;
    private long _step;

    [GlobalSetup]
    public void Setup()
    {
        var g = new Graph();
        using (g.as_default())
        {
            tf.set_random_seed(1);
            var x = tf.placeholder(tf.float32, new[] { -1, 784 }, name: "x");
            var y = tf.placeholder(tf.float32, new[] { -1, 10 }, name: "y");
            var weights = new List<Variable>();
            Tensor Dense(Tensor input, int units, string name, bool relu)
            {
                using var scope = tf.name_scope(name);
                int fanIn = (int)input.shape[1];
                var w = tf.Variable(tf.truncated_normal(new[] { fanIn, units }, stddev: Math.Sqrt(2.0 / fanIn)), name: "kernel");
                var b = tf.Variable(tf.zeros(new[] { units }), name: "bias");
                weights.Add(w);
                var z = tf.matmul(input, w) + b;
                return relu ? tf.nn.relu(z) : z;
            }
            var logits = Dense(Dense(Dense(x, 512, "dense", true), 256, "dense_1", true), 10, "dense_2", false);
            _loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels: y, logits: logits), name: "loss");
            _train = tf.train.AdamOptimizer(1e-3).minimize(_loss);
            _accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1)), tf.float32), name: "accuracy");
            var scalarList = new[] { tf.summary.scalar("loss", _loss), tf.summary.scalar("accuracy", _accuracy) };
            _scalars = tf.summary.merge(scalarList);
            var histograms = weights.Select(w => tf.summary.histogram(w.op.name, w.value())).ToList();
            _withHistograms = tf.summary.merge(scalarList.Concat(histograms));

            var rng = new Random(1);
            var xs = new float[Batch, 784];
            var ys = new float[Batch, 10];
            for (int i = 0; i < Batch; i++)
            {
                for (int j = 0; j < 784; j++) xs[i, j] = (float)rng.NextDouble();
                ys[i, rng.Next(10)] = 1;
            }
            _feed = new FeedDict { [x] = xs, [y] = ys };
            _session = new Session(g);
            _session.run(tf.global_variables_initializer());
        }
        _logdir = Directory.CreateTempSubdirectory("ge-bench-summaries-").FullName;
        _writer = new tf.summary.FileWriter(_logdir, g);
        // Warm the plans of all three fetch signatures.
        TrainSteps(null);
        TrainSteps(_scalars);
        TrainSteps(_withHistograms);
    }

    private float TrainSteps(Tensor? summary)
    {
        float last = 0;
        for (int i = 0; i < Steps; i++, _step++)
        {
            NDArray?[] r;
            if (summary != null && i == 0)
            {
                (var s, r) = _session.run_with_summary(summary, [_train, _loss, _accuracy], _feed);
                _writer.add_summary(s, _step);
            }
            else r = _session.run(new ITensorOrOperation[] { _train, _loss, _accuracy }, _feed);
            last = r[1]!.GetSingle();
        }
        return last;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Steps, Description = "MNIST MLP train step, no summaries")]
    public float NoSummaries() => TrainSteps(null);

    [Benchmark(OperationsPerInvoke = Steps, Description = "MNIST MLP train step, scalar summaries every 10 steps")]
    public float ScalarSummaries() => TrainSteps(_scalars);

    [Benchmark(OperationsPerInvoke = Steps, Description = "MNIST MLP train step, scalars + weight histograms every 10 steps")]
    public float ScalarAndHistogramSummaries() => TrainSteps(_withHistograms);

    /// <summary>
    /// A load-robust figure for a busy machine: the three variants run interleaved, round after
    /// round, so a change in background load hits all of them; prints the median time of ten steps
    /// and the median of the per-round ratios to the baseline.
    /// </summary>
    public static void PrintInterleavedOverhead(int rounds)
    {
        var b = new SummaryBenchmarks();
        b.Setup();
        var variants = new (string Name, Func<float> Run)[] { ("none", b.NoSummaries), ("scalars", b.ScalarSummaries), ("scalars+histograms", b.ScalarAndHistogramSummaries) };
        var times = variants.Select(_ => new List<double>()).ToArray();
        var watch = new System.Diagnostics.Stopwatch();
        for (int r = 0; r < rounds; r++)
            for (int k = 0; k < variants.Length; k++)
            {
                int v = (k + r) % variants.Length; // rotate the order so none always runs first
                watch.Restart();
                variants[v].Run();
                times[v].Add(watch.Elapsed.TotalMilliseconds / Steps);
            }
        static double Median(IEnumerable<double> xs) { var a = xs.OrderBy(x => x).ToArray(); return a.Length % 2 == 1 ? a[a.Length / 2] : (a[a.Length / 2 - 1] + a[a.Length / 2]) / 2; }
        for (int v = 0; v < variants.Length; v++)
        {
            double ratio = Median(times[v].Zip(times[0], (t, t0) => t / t0));
            Console.WriteLine($"{variants[v].Name,-20} median {Median(times[v]):F2} ms/step  median per-round ratio {ratio:F3}  ({rounds} rounds of {Steps} steps)");
        }
        b.Cleanup();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _writer.close();
        _session.Dispose();
        Directory.Delete(_logdir, true);
    }
}
