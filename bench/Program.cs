using BenchmarkDotNet.Running;

// dotnet build -c Release bench/Bench.csproj
// ../shared/peers/torchsharp-run bench/bin/Release/net10.0 -- dotnet bench/bin/Release/net10.0/Bench.dll --inProcess --filter '*'
// In-process, so the libtorch copy patched by torchsharp-run is the one loaded (see bench/README.md).
if (args is ["--summary-overhead", ..]) { GraphEngine.Bench.SummaryBenchmarks.PrintInterleavedOverhead(args.Length > 1 ? int.Parse(args[1]) : 60); return; }
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
