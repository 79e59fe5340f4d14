using NumSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace GraphEngine.Bench;

/// <summary>
/// The benchmarked networks, built once for our engine (TF1-style graph, NHWC) and once for libtorch
/// (nn modules, NCHW), with the same layer sizes and the same optimizer settings.
/// </summary>
internal static class Models
{
    /// <summary>
    /// A session config with grappler's dependency optimizer off, as TF's own benchmarks (tf.test.Benchmark) use:
    /// a benchmark that runs its work as a tf.group target reads the results through control edges only, so the
    /// optimizer (ours, like TF's) would skip exactly the work being timed.
    /// </summary>
    public static GraphEngine.Ops.Proto.ConfigProto KeepGroupedWork => new()
    {
        GraphOptions = new GraphEngine.Ops.Proto.GraphOptions
        {
            RewriteOptions = new GraphEngine.Ops.Proto.RewriterConfig
            {
                DependencyOptimization = GraphEngine.Ops.Proto.RewriterConfig.Types.Toggle.Off,
            },
        },
    };

    /// <summary>784-512-256-10 ReLU MLP, softmax cross-entropy on one-hot labels, Adam(1e-3), as examples/MnistMlp.</summary>
    public static (Tensor X, Tensor Labels, Tensor Logits, Tensor Loss, Operation Train) MlpGraph()
    {
        tf.set_random_seed(1);
        var x = tf.placeholder(tf.float32, new[] { -1, 784 }, name: "x");
        var labels = tf.placeholder(tf.float32, new[] { -1, 10 }, name: "labels");
        var h1 = Dense(x, 512, "dense", relu: true);
        var h2 = Dense(h1, 256, "dense_1", relu: true);
        var logits = Dense(h2, 10, "dense_2", relu: false);
        var loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels: labels, logits: logits));
        var train = tf.train.AdamOptimizer(1e-3).minimize(loss);
        return (x, labels, logits, loss, train);
    }

    /// <summary>
    /// The TF1 tutorial LeNet (examples/MnistCnn) without dropout: conv 5×5×32 SAME + ReLU, max-pool 2,
    /// conv 5×5×64 SAME + ReLU, max-pool 2, dense 1024 + ReLU, dense 10; sparse softmax cross-entropy, Adam(1e-4).
    /// </summary>
    public static (Tensor X, Tensor Labels, Tensor Loss, Operation Train) CnnGraph()
    {
        tf.set_random_seed(1);
        var x = tf.placeholder(tf.float32, new[] { -1, 28, 28, 1 }, name: "x");
        var labels = tf.placeholder(tf.int32, new[] { -1 }, name: "labels");
        var h1 = Pool(Conv(x, 1, 32, "conv1"));
        var h2 = Pool(Conv(h1, 32, 64, "conv2"));
        var flat = tf.reshape(h2, new[] { -1, 7 * 7 * 64 });
        var fc1 = Dense(flat, 1024, "fc1", relu: true);
        var logits = Dense(fc1, 10, "fc2", relu: false);
        var loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels: labels, logits: logits));
        var train = tf.train.AdamOptimizer(1e-4).minimize(loss);
        return (x, labels, loss, train);
    }

    private static Tensor Dense(Tensor input, int units, string name, bool relu)
    {
        using var scope = tf.name_scope(name);
        int fanIn = (int)input.shape[1];
        var w = tf.Variable(tf.truncated_normal(new[] { fanIn, units }, stddev: Math.Sqrt(2.0 / fanIn)), name: "kernel");
        var b = tf.Variable(tf.zeros(new[] { units }), name: "bias");
        var z = tf.matmul(input, w) + b;
        return relu ? tf.nn.relu(z) : z;
    }

    private static Tensor Conv(Tensor input, int inChannels, int outChannels, string name)
    {
        using var scope = tf.name_scope(name);
        var w = tf.Variable(tf.truncated_normal(new[] { 5, 5, inChannels, outChannels }, stddev: 0.1), name: "kernel");
        var b = tf.Variable(tf.constant(0.1f, shape: new[] { outChannels }), name: "bias");
        return tf.nn.relu(tf.nn.conv2d(input, w, [1, 1, 1, 1], "SAME") + b);
    }

    private static Tensor Pool(Tensor input) => tf.nn.max_pool(input, [1, 2, 2, 1], [1, 2, 2, 1], "SAME");

    public static nn.Module<torch.Tensor, torch.Tensor> MlpTorch() => nn.Sequential(
        nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10));

    public static nn.Module<torch.Tensor, torch.Tensor> CnnTorch() => nn.Sequential(
        nn.Conv2d(1, 32, 5, padding: 2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5, padding: 2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(7 * 7 * 64, 1024), nn.ReLU(), nn.Linear(1024, 10));

    /// <summary>Uniform [0,1) float32 array of the given shape, fixed seed.</summary>
    public static NDArray RandomImages(params int[] shape)
    {
        var r = new Random(7);
        int n = shape.Aggregate(1, (a, b) => a * b);
        var data = new float[n];
        for (int i = 0; i < n; i++) data[i] = (float)r.NextDouble();
        return np.array(data).reshape(shape);
    }

    /// <summary>Class indices 0–9, fixed seed.</summary>
    public static int[] RandomClasses(int batch)
    {
        var r = new Random(11);
        return Enumerable.Range(0, batch).Select(_ => r.Next(10)).ToArray();
    }

    public static NDArray OneHot(int[] classes)
    {
        var data = new float[classes.Length * 10];
        for (int i = 0; i < classes.Length; i++) data[i * 10 + classes[i]] = 1f;
        return np.array(data).reshape(classes.Length, 10);
    }

    public static int ThreadCount => Math.Min(2, Environment.ProcessorCount);
}
