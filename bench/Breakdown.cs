using System.Diagnostics;
using TorchSharp;

namespace GraphEngine.Bench;

/// <summary>
/// Where a training step's time goes, for the notes on missed targets: `Bench.dll breakdown mlp|cnn`
/// times, on each engine, the forward pass to the loss, forward + gradients, and the full Adam step
/// (median of 30 runs after at least 5 warm-up calls and 1.5 s of them, stopwatch, same process). Ours: sess.run(loss),
/// sess.run(tf.gradients(loss, variables)), sess.run(train_op). libtorch: forward + loss,
/// + backward, + optimizer step.
/// </summary>
internal static class Breakdown
{
    private const int Warmup = 5, Runs = 30;

    public static int Run(string model)
    {
        if (model == "cnn-ops") return CnnOpProfile.Run();
        if (model == "mlp-ops") return MlpOpProfile.Run();
        if (model == "cnn-alloc") return CnnAllocProfile.Run();
        if (model == "conv-kernels") return ConvKernelProfile.Run();
        if (model == "mlp-series") return MlpStepSeries.Run();
        if (model == "mlp-passes") return MlpStepSeries.ComparePasses();
        if (model == "cnn-passes") return MlpStepSeries.ComparePasses(cnn: true);
        if (model == "mlp-vs-torch") return MlpStepSeries.VersusTorch();
        if (model is not ("mlp" or "cnn"))
        {
            Console.Error.WriteLine("usage: Bench.dll breakdown mlp|cnn|cnn-ops|mlp-ops|cnn-alloc|conv-kernels|mlp-series|mlp-passes|cnn-passes|mlp-vs-torch");
            return 2;
        }
        bool mlp = model == "mlp";
        int batch = mlp ? 128 : 64;
        var g = new Graph();
        using (g.as_default())
        {
            Tensor x, labels, loss;
            Operation train;
            NumSharp.NDArray images, targets;
            if (mlp)
            {
                (x, labels, _, loss, train) = Models.MlpGraph();
                images = Models.RandomImages(batch, 784);
                targets = Models.OneHot(Models.RandomClasses(batch));
            }
            else
            {
                (x, labels, loss, train) = Models.CnnGraph();
                images = Models.RandomImages(batch, 28, 28, 1);
                targets = NumSharp.np.array(Models.RandomClasses(batch));
            }
            var grads = tf.gradients(loss, tf.trainable_variables().Cast<object>()).Select(t => t!).ToArray();
            using var session = new Session(g);
            session.run(tf.global_variables_initializer());
            var feeds = new FeedDict { [x] = images, [labels] = targets };
            Report($"GraphEngine {model}: forward to loss", () => session.run(loss, feeds));
            Report($"GraphEngine {model}: forward + gradients", () => session.run(grads, feeds));
            Report($"GraphEngine {model}: full Adam step", () => session.run(train, feeds));
        }

        torch.set_num_threads(Models.ThreadCount);
        torch.manual_seed(1);
        var net = mlp ? Models.MlpTorch() : Models.CnnTorch();
        var optimizer = torch.optim.Adam(net.parameters(), lr: mlp ? 1e-3 : 1e-4);
        var tx = mlp ? torch.rand(batch, 784) : torch.rand(batch, 1, 28, 28);
        var tlabels = torch.tensor(Models.RandomClasses(batch).Select(c => (long)c).ToArray());
        Report($"libtorch {model}: forward to loss", () =>
        {
            using var scope = torch.NewDisposeScope();
            torch.nn.functional.cross_entropy(net.forward(tx), tlabels);
        });
        Report($"libtorch {model}: forward + backward", () =>
        {
            using var scope = torch.NewDisposeScope();
            optimizer.zero_grad();
            torch.nn.functional.cross_entropy(net.forward(tx), tlabels).backward();
        });
        Report($"libtorch {model}: full Adam step", () =>
        {
            using var scope = torch.NewDisposeScope();
            optimizer.zero_grad();
            torch.nn.functional.cross_entropy(net.forward(tx), tlabels).backward();
            optimizer.step();
        });
        return 0;
    }

    /// <summary>
    /// Runs <paramref name="action"/> until it is warm: at least <see cref="Warmup"/> calls and
    /// <see cref="WarmupSeconds"/>. .NET's tiered JIT first runs the kernels unoptimised and swaps in
    /// optimised code only after ~30 calls plus a quiet 100 ms, so our MLP step takes ~4 ms for its first
    /// ~50 calls and ~2 ms after (`breakdown mlp-series`); five warm-up calls measured the slow phase.
    /// </summary>
    internal static void WarmUp(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < Warmup || Stopwatch.GetElapsedTime(start).TotalSeconds < WarmupSeconds; i++) action();
    }

    private const double WarmupSeconds = 1.5;

    internal static void Report(string what, Action action)
    {
        WarmUp(action);
        var times = new double[Runs];
        for (int i = 0; i < Runs; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        Array.Sort(times);
        Console.WriteLine($"{what,-45} median {times[Runs / 2],9:F3} ms   min {times[0],9:F3} ms");
    }
}
