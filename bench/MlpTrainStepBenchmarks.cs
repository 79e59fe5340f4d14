using BenchmarkDotNet.Attributes;
using TorchSharp;

namespace GraphEngine.Bench;

/// <summary>
/// One training step of the 784-512-256-10 ReLU MLP (softmax cross-entropy, Adam 1e-3) at batch 128:
/// our `sess.run(train_op)` against libtorch's zero_grad + forward + cross_entropy + backward + Adam step.
/// Both use <see cref="Models.ThreadCount"/> threads. Allocated bytes are managed-heap only, so the
/// libtorch column does not show its native allocations.
/// </summary>
[MemoryDiagnoser]
public class MlpTrainStepBenchmarks
{
    private const int Batch = 128;
    private Session _session = null!;
    private Operation _train = null!;
    private FeedDict _feeds = null!;
    private torch.nn.Module<torch.Tensor, torch.Tensor> _model = null!;
    private torch.optim.Optimizer _optimizer = null!;
    private torch.Tensor _tx = null!, _tlabels = null!;

    [GlobalSetup]
    public void Setup()
    {
        var g = new Graph();
        using (g.as_default())
        {
            var (x, labels, _, _, train) = Models.MlpGraph();
            _train = train;
            _session = new Session(g);
            _session.run(tf.global_variables_initializer());
            var classes = Models.RandomClasses(Batch);
            _feeds = new FeedDict { [x] = Models.RandomImages(Batch, 784), [labels] = Models.OneHot(classes) };
            _session.run(_train, _feeds);
        }

        torch.set_num_threads(Models.ThreadCount);
        torch.manual_seed(1);
        _model = Models.MlpTorch();
        _optimizer = torch.optim.Adam(_model.parameters(), lr: 1e-3);
        _tx = torch.rand(Batch, 784);
        _tlabels = torch.tensor(Models.RandomClasses(Batch).Select(c => (long)c).ToArray());
        LibTorchStep();
    }

    [Benchmark(Description = "GraphEngine: sess.run(train_op), MLP batch 128")]
    public void GraphEngineStep() => _session.run(_train, _feeds);

    [Benchmark(Baseline = true, Description = "libtorch: forward + backward + Adam step, MLP batch 128")]
    public void LibTorchStep()
    {
        using var scope = torch.NewDisposeScope();
        _optimizer.zero_grad();
        var loss = torch.nn.functional.cross_entropy(_model.forward(_tx), _tlabels);
        loss.backward();
        _optimizer.step();
    }

    [GlobalCleanup]
    public void Cleanup() => _session.Dispose();
}
