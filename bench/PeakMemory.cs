using TorchSharp;

namespace GraphEngine.Bench;

/// <summary>
/// Peak resident memory of the MLP training run (batch 128, 200 Adam steps), one engine per process so
/// neither sees the other's libraries or heap: `Bench.dll peak-memory graphengine|libtorch`.
/// Prints VmHWM (the process's peak RSS) and VmRSS before the model was built and before the first step
/// (libtorch's native libraries are resident by then), read from /proc/self/status.
/// </summary>
internal static class PeakMemory
{
    private const int Batch = 128, Steps = 200;
    private static long _beforeSteps;

    public static int Run(string engine)
    {
        long before = Status("VmRSS");
        switch (engine)
        {
            case "graphengine": GraphEngineRun(); break;
            case "libtorch": LibTorchRun(); break;
            default:
                Console.Error.WriteLine("usage: Bench.dll peak-memory graphengine|libtorch");
                return 2;
        }
        long peak = Status("VmHWM");
        Console.WriteLine($"{engine}: MLP 784-512-256-10 Adam, batch {Batch}, {Steps} steps: peak RSS {peak / 1024.0:F1} MiB, " +
                          $"RSS before building the model {before / 1024.0:F1} MiB, after building it (engine loaded, variables " +
                          $"initialised) {_beforeSteps / 1024.0:F1} MiB; peak minus that {(peak - _beforeSteps) / 1024.0:F1} MiB");
        return 0;
    }

    private static void GraphEngineRun()
    {
        var g = new Graph();
        using var scope = g.as_default();
        var (x, labels, _, _, train) = Models.MlpGraph();
        using var session = new Session(g);
        session.run(tf.global_variables_initializer());
        var feeds = new FeedDict { [x] = Models.RandomImages(Batch, 784), [labels] = Models.OneHot(Models.RandomClasses(Batch)) };
        _beforeSteps = Status("VmRSS");
        for (int i = 0; i < Steps; i++) session.run(train, feeds);
    }

    private static void LibTorchRun()
    {
        torch.set_num_threads(Models.ThreadCount);
        var model = Models.MlpTorch();
        var optimizer = torch.optim.Adam(model.parameters(), lr: 1e-3);
        var x = torch.rand(Batch, 784);
        var labels = torch.tensor(Models.RandomClasses(Batch).Select(c => (long)c).ToArray());
        _beforeSteps = Status("VmRSS");
        for (int i = 0; i < Steps; i++)
        {
            using var scope = torch.NewDisposeScope();
            optimizer.zero_grad();
            torch.nn.functional.cross_entropy(model.forward(x), labels).backward();
            optimizer.step();
        }
    }

    /// <summary>A "Name:   1234 kB" line of /proc/self/status, in KiB.</summary>
    private static long Status(string name)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(name + ":", StringComparison.Ordinal))
                return long.Parse(line[(name.Length + 1)..].Trim().Split(' ')[0]);
        throw new InvalidOperationException($"/proc/self/status has no {name} line.");
    }
}
