using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench -- --filter '*'
// The TorchSharp (libtorch) peer needs ../shared/peers/torchsharp-run to load on this Debian; see bench/README.md.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
