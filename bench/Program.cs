using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// dotnet build -c Release bench/Bench.csproj
// ../shared/peers/torchsharp-run bench/bin/Release/net10.0 -- dotnet bench/bin/Release/net10.0/Bench.dll --filter '*'
// Default job: in-process (so the libtorch copy patched by torchsharp-run is the one loaded, see
// bench/README.md), 1 launch, 3 warm-up and 10 measured iterations, so the whole set fits in a few
// 10-minute commands.
// `Bench.dll peak-memory graphengine|libtorch`: peak RSS of the MLP training run (PeakMemory.cs).
// `Bench.dll breakdown mlp|cnn|cnn-ops`: forward / forward+gradients / full step times on both engines, or the CNN's heavy ops one at a time (Breakdown.cs, CnnOpProfile.cs).
// `Bench.dll breakdown mlp-ops`: the MLP step by op type from step stats, and managed bytes per run (MlpOpProfile.cs).
var shortInProcess = Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10)
    .WithId("ShortInProcess")
    .AsDefault();
// `Bench.dll --summary-overhead N`: MNIST MLP steps with and without summaries every 10 steps, interleaved (SummaryBenchmarks.cs).
if (args is ["--summary-overhead", ..])
{
    GraphEngine.Bench.SummaryBenchmarks.PrintInterleavedOverhead(args.Length > 1 ? int.Parse(args[1]) : 60);
    return 0;
}
if (args.Length == 2 && args[0] == "peak-memory")
    return GraphEngine.Bench.PeakMemory.Run(args[1]);
// `Bench.dll alloc mlp|chain|infer1|cnn|bmm|misc [runs]`: managed bytes per steady-state sess.run and the types allocated (AllocationProbe.cs).
if (args.Length is 2 or 3 && args[0] == "alloc")
    return GraphEngine.Bench.AllocationProbe.Run(args[1], args.Length == 3 ? int.Parse(args[2]) : 2000);
if (args.Length == 2 && args[0] == "breakdown")
    return GraphEngine.Bench.Breakdown.Run(args[1]);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, DefaultConfig.Instance.AddJob(shortInProcess).AddColumn(StatisticColumn.Median, StatisticColumn.Min));
return 0;
