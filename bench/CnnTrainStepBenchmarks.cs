using BenchmarkDotNet.Attributes;
using TorchSharp;

namespace GraphEngine.Bench;

/// <summary>
/// One training step of the MNIST LeNet (examples/MnistCnn's layers, dropout omitted on both sides)
/// at batch 64, Adam 1e-4: our `sess.run(train_op)` (NHWC) against libtorch (NCHW, its native layout)
/// zero_grad + forward + cross_entropy + backward + Adam step, both on <see cref="Models.ThreadCount"/> threads.
/// </summary>
[MemoryDiagnoser]
public class CnnTrainStepBenchmarks
{
    private const int Batch = 64;
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
            var (x, labels, _, train) = Models.CnnGraph();
            _train = train;
            _session = new Session(g);
            _session.run(tf.global_variables_initializer());
            _feeds = new FeedDict { [x] = Models.RandomImages(Batch, 28, 28, 1), [labels] = NumSharp.np.array(Models.RandomClasses(Batch)) };
            _session.run(_train, _feeds);
        }

        torch.set_num_threads(Models.ThreadCount);
        torch.manual_seed(1);
        _model = Models.CnnTorch();
        _optimizer = torch.optim.Adam(_model.parameters(), lr: 1e-4);
        _tx = torch.rand(Batch, 1, 28, 28);
        _tlabels = torch.tensor(Models.RandomClasses(Batch).Select(c => (long)c).ToArray());
        LibTorchStep();
    }

    [Benchmark(Description = "GraphEngine: sess.run(train_op), LeNet batch 64")]
    public void GraphEngineStep() => _session.run(_train, _feeds);

    [Benchmark(Baseline = true, Description = "libtorch: forward + backward + Adam step, LeNet batch 64")]
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
