using TorchSharp;

namespace GraphEngine.Bench;

/// <summary>
/// The LeNet step's heavy ops one at a time at their shapes in the batch-64 step (`Bench.dll breakdown cnn-ops`):
/// each is its own small graph, timed like <see cref="Breakdown"/>; libtorch's forward convolutions and
/// conv + backward (NCHW) beside them. Shows which of our kernels the CNN step's time goes to.
/// </summary>
internal static class CnnOpProfile
{
    public static int Run()
    {
        Conv("conv1", 28, 1, 32);
        Conv("conv2", 14, 32, 64);
        Pool();
        Dense();
        return 0;
    }

    private static void Conv(string name, int size, int cin, int cout)
    {
        var g = new Graph();
        using (g.as_default())
        {
            var x = tf.placeholder(tf.float32, new[] { 64, size, size, cin });
            var w = tf.constant(Models.RandomImages(5, 5, cin, cout));
            var y = tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME");
            var dx = tf.gradients(tf.reduce_sum(y), x)[0]!;
            var dw = tf.gradients(tf.reduce_sum(y), w)[0]!;
            using var s = new Session(g);
            var feed = Models.RandomImages(64, size, size, cin);
            Breakdown.Report($"GraphEngine {name} Conv2D forward", () => s.run(y, (x, feed)));
            Breakdown.Report($"GraphEngine {name} forward + backprop input", () => s.run(dx, (x, feed)));
            Breakdown.Report($"GraphEngine {name} forward + backprop filter", () => s.run(dw, (x, feed)));
        }
        torch.set_num_threads(Models.ThreadCount);
        var tx = torch.rand(64, cin, size, size).requires_grad_(true);
        var tw = torch.rand(cout, cin, 5, 5).requires_grad_(true);
        Breakdown.Report($"libtorch {name} conv2d forward", () =>
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            torch.nn.functional.conv2d(tx, tw, padding: [2, 2]);
        });
        Breakdown.Report($"libtorch {name} forward + backward (both grads)", () =>
        {
            using var scope = torch.NewDisposeScope();
            torch.nn.functional.conv2d(tx, tw, padding: [2, 2]).sum().backward();
        });
    }

    private static void Pool()
    {
        var g = new Graph();
        using (g.as_default())
        {
            var x = tf.placeholder(tf.float32, new[] { 64, 28, 28, 32 });
            var y = tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME");
            var dx = tf.gradients(tf.reduce_sum(y), x)[0]!;
            using var s = new Session(g);
            var feed = Models.RandomImages(64, 28, 28, 32);
            Breakdown.Report("GraphEngine pool1 MaxPool forward", () => s.run(y, (x, feed)));
            Breakdown.Report("GraphEngine pool1 forward + MaxPoolGrad", () => s.run(dx, (x, feed)));
        }
    }

    private static void Dense()
    {
        var g = new Graph();
        using (g.as_default())
        {
            var x = tf.placeholder(tf.float32, new[] { 64, 3136 });
            var w = tf.constant(Models.RandomImages(3136, 1024));
            var y = tf.matmul(x, w);
            var dw = tf.gradients(tf.reduce_sum(y), w)[0]!;
            using var s = new Session(g);
            var feed = Models.RandomImages(64, 3136);
            Breakdown.Report("GraphEngine fc1 MatMul forward", () => s.run(y, (x, feed)));
            Breakdown.Report("GraphEngine fc1 forward + weight gradient", () => s.run(dw, (x, feed)));
        }
    }
}
