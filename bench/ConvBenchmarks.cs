using BenchmarkDotNet.Attributes;
using TorchSharp;

namespace GraphEngine.Bench;

/// <summary>
/// A convolution's forward and both backprops in one sess.run, against libtorch's conv2d forward +
/// backward on the same sizes (NCHW, its native layout), at two shapes: LeNet-5's second convolution
/// ([64,14,14,6] * [5,5,6,16], VALID) and the MNIST CNN's (CnnTrainStepBenchmarks; [64,14,14,32] *
/// [5,5,32,64], SAME), which is most of that training step's time. Ours runs the three outputs through
/// one tf.group, so neither side copies the tensors out (libtorch reads back one scalar); the session keeps
/// grouped work (<see cref="Models.KeepGroupedWork"/>), else the dependency optimizer would skip all three.
/// </summary>
[MemoryDiagnoser]
public class ConvBenchmarks
{
    private Session _session = null!;
    private Tensor _x = null!;
    private Tensor _y = null!;
    private Operation _all = null!;
    private NumSharp.NDArray _feed = null!;
    private torch.Tensor _tx = null!;
    private torch.Tensor _tw = null!;
    private long _padding;

    [Params("lenet5-conv2", "mnist-cnn-conv2")]
    public string Shape { get; set; } = "lenet5-conv2";

    private (int In, int Out, string Padding) Sizes => Shape == "lenet5-conv2" ? (6, 16, "VALID") : (32, 64, "SAME");

    [GlobalSetup]
    public void Setup()
    {
        var (cin, cout, padding) = Sizes;
        var r = new Random(1);
        var g = new Graph();
        using (g.as_default())
        {
            _x = tf.placeholder(tf.float32, new[] { 64, 14, 14, cin }, name: "x");
            var w = tf.constant(Enumerable.Range(0, 5 * 5 * cin * cout).Select(_ => (float)r.NextDouble()).ToArray(), shape: new[] { 5, 5, cin, cout });
            _y = tf.nn.conv2d(_x, w, [1], padding);
            var grads = tf.gradients(tf.reduce_sum(_y), [_x, w]);
            _all = tf.group(_y, grads[0]!, grads[1]!);
        }
        _session = new Session(g, Models.KeepGroupedWork);
        _feed = NumSharp.np.random.rand(64, 14, 14, cin).astype(NumSharp.NPTypeCode.Single);
        _session.run(_all, (_x, _feed));
        torch.set_num_threads(Models.ThreadCount);
        _tx = torch.rand(64, cin, 14, 14).requires_grad_(true);
        _tw = torch.rand(cout, cin, 5, 5).requires_grad_(true);
        _padding = padding == "SAME" ? 2 : 0;
    }

    [Benchmark(Description = "GraphEngine: Conv2D + backprop input + backprop filter, batch 64")]
    public void GraphEngineConv() => _session.run(_all, (_x, _feed));

    [Benchmark(Baseline = true, Description = "libtorch: conv2d forward + backward (same sizes)")]
    public float LibTorchConv()
    {
        using var scope = torch.NewDisposeScope();
        var y = torch.nn.functional.conv2d(_tx, _tw, padding: [_padding, _padding]);
        y.sum().backward();
        return _tw.grad!.sum().item<float>();
    }

    [GlobalCleanup]
    public void Cleanup() => _session.Dispose();
}
