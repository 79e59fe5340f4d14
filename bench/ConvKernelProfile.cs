using System.Diagnostics;
using GraphEngine.Ops.Compute;
using TorchSharp;

namespace GraphEngine.Bench;

/// <summary>
/// `Bench.dll breakdown conv-kernels`: our three convolution kernels called directly (no executor) and
/// libtorch's conv2d forward + backward, at ConvBenchmarks' shapes and LeNet's conv1, interleaved in
/// rounds so that load from other processes hits every contender alike. Per kernel: the median and min
/// over rounds of the mean time per call. Under `taskset -c 0` (one processor seen) the clock is the
/// thread's CPU time, which other processes' load inflates less than wall time.
/// </summary>
internal static class ConvKernelProfile
{
    private const int Rounds = 15, CallsPerRound = 6;

    // GE_CONV_OURS_ONLY=1 leaves libtorch out: its OpenMP workers spin for a while after each call and take a core from whatever runs next.
    private static readonly bool OursOnly = Environment.GetEnvironmentVariable("GE_CONV_OURS_ONLY") == "1";

    public static int Run()
    {
        bool oneCore = Environment.ProcessorCount == 1;
        Console.WriteLine($"conv kernels, {Models.ThreadCount} thread(s), clock: {(oneCore ? "thread CPU time" : "wall")}");
        torch.set_num_threads(Models.ThreadCount);
        Shape("mnist-cnn-conv2", 14, 32, 64, true, oneCore);
        Shape("lenet5-conv2", 14, 6, 16, false, oneCore);
        Shape("mnist-cnn-conv1", 28, 1, 32, true, oneCore);
        return 0;
    }

    private static void Shape(string name, int size, int cin, int cout, bool same, bool oneCore)
    {
        var g = ConvGeometry.Create(64, size, size, cin, 5, 5, 1, 1, 1, 1, same);
        var r = new Random(1);
        float[] Rand(int n) => Enumerable.Range(0, n).Select(_ => (float)r.NextDouble()).ToArray();
        var x = Rand(64 * size * size * cin);
        var f = Rand(25 * cin * cout);
        var dy = Rand(64 * g.OH * g.OW * cout);
        var y = new float[dy.Length];
        var dx = new float[x.Length];
        var df = new float[f.Length];
        var tx = torch.rand(64, cin, size, size).requires_grad_(true);
        var tw = torch.rand(cout, cin, 5, 5).requires_grad_(true);
        long pad = same ? 2 : 0;
        var contenders = new (string Name, Action Call)[]
        {
            ("Conv2D", () => Conv2d.Forward<float>(x, f, y, g, cout)),
            ("Conv2DBackpropInput", () => Conv2d.BackwardInput<float>(f, dy, dx, g, cout)),
            ("Conv2DBackpropFilter", () => Conv2d.BackwardFilter<float>(x, dy, df, g, cout)),
            ("libtorch conv2d forward", () =>
            {
                using var scope = torch.NewDisposeScope();
                using var noGrad = torch.no_grad();
                torch.nn.functional.conv2d(tx, tw, padding: [pad, pad]);
            }),
            ("libtorch forward + both grads", () =>
            {
                using var scope = torch.NewDisposeScope();
                torch.nn.functional.conv2d(tx, tw, padding: [pad, pad]).sum().backward();
            }),
        };
        if (OursOnly) contenders = contenders[..3];
        var times = contenders.Select(_ => new List<double>()).ToArray();
        foreach (var c in contenders) for (int i = 0; i < 3; i++) c.Call();
        for (int round = 0; round < Rounds; round++)
            for (int k = 0; k < contenders.Length; k++)
            {
                double t0 = Now(oneCore);
                for (int i = 0; i < CallsPerRound; i++) contenders[k].Call();
                times[k].Add((Now(oneCore) - t0) / CallsPerRound);
            }
        double gflop = 2.0 * 64 * g.OH * g.OW * cout * 25 * cin / 1e9;
        double ours = 0;
        for (int k = 0; k < contenders.Length; k++)
        {
            times[k].Sort();
            double med = times[k][Rounds / 2], min = times[k][0];
            if (k < 3) ours += med;
            Console.WriteLine($"  {name} {contenders[k].Name,-30} median {med,8:F3} ms  min {min,8:F3} ms  {gflop * (k == 4 ? 3 : 1) / min * 1e3,5:F0} GFLOP/s at min");
        }
        if (OursOnly)
        {
            Console.WriteLine($"  {name} ours, three kernels (sum of medians) {ours,8:F3} ms");
            return;
        }
        double torchAll = times[4][Rounds / 2];
        Console.WriteLine($"  {name} ours, three kernels (sum of medians) {ours,8:F3} ms = {ours / torchAll:F2}× libtorch's forward + both grads");
    }

    private static double Now(bool cpu)
    {
        if (!cpu) return Stopwatch.GetTimestamp() * 1e3 / Stopwatch.Frequency;
        ClockGetTime(3, out var ts);
        return ts.Seconds * 1e3 + ts.Nanoseconds / 1e6;
    }

    private struct Timespec { public long Seconds, Nanoseconds; }

    // clock 3 = CLOCK_THREAD_CPUTIME_ID (Linux).
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec timespec);
}
