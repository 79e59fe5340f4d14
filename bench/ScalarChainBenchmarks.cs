using BenchmarkDotNet.Attributes;
using GraphEngine.Ops.Core;
using TorchSharp;

namespace GraphEngine.Bench;

/// <summary>
/// Per-op executor overhead: a chain of 1,000 AddV2 ops on scalars, one sess.run per invocation.
/// The peer is libtorch's eager dispatch of the same 1,000 scalar adds. Divide by 1,000 for per-op cost.
/// </summary>
[MemoryDiagnoser]
public class ScalarChainBenchmarks
{
    private const int Length = 1000;
    private Session _session = null!;
    private Tensor _x = null!;
    private Tensor _y = null!;
    private NumSharp.NDArray _feed = null!;
    private torch.Tensor _tx = null!;
    private torch.Tensor _one = null!;

    [GlobalSetup]
    public void Setup()
    {
        var g = new Graph();
        using (g.as_default())
        {
            _x = tf.placeholder(tf.float32, TensorShape.Scalar, name: "x");
            var one = tf.constant(1f, name: "one");
            var y = _x;
            for (int i = 0; i < Length; i++) y = tf.add(y, one);
            _y = y;
        }
        _session = new Session(g);
        _feed = NumSharp.NDArray.Scalar(0f);
        _session.run(_y, (_x, _feed));
        torch.set_num_threads(1);
        _tx = torch.tensor(0f);
        _one = torch.tensor(1f);
    }

    [Benchmark(Description = "GraphEngine: 1,000 chained scalar AddV2 (one sess.run)")]
    public float GraphEngineChain() => _session.run(_y, (_x, _feed)).GetSingle();

    [Benchmark(Baseline = true, Description = "libtorch eager: 1,000 scalar adds")]
    public float LibTorchChain()
    {
        using var scope = torch.NewDisposeScope();
        var t = _tx;
        for (int i = 0; i < Length; i++) t = t.add(_one);
        return t.item<float>();
    }

    [GlobalCleanup]
    public void Cleanup() => _session.Dispose();
}
