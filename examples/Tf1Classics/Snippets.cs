// Ports of classic TF1 snippets, each a self-contained graph trained on a small synthetic batch.
// They live in a class (not in Program.cs) so the test project runs exactly the code users read.
using GraphEngine;
using NumSharp;

namespace Tf1Classics;

public sealed record TrainingResult(float InitialLoss, float FinalLoss, long[] ScoresShape);

public sealed record StopGradientResult(float[] NetABefore, float[] NetAAfter, float[] NetBBefore, float[] NetBAfter,
    bool GradientOfLossWithRespectToABlocked);

public sealed record PerLayerRatesResult(float[] W1Step, float[] W1Gradient, float[] W2Step, float[] W2Gradient, double Rate1, double Rate2);

public static class Snippets
{
    /// <summary>Deterministic synthetic images and labels (a fixed class pattern plus noise) so runs repeat exactly.</summary>
    public static (NDArray Images, NDArray Labels) SyntheticBatch(int n, int height, int width, int channels, int classes, int seed)
    {
        var rng = new Random(seed);
        var images = new float[n * height * width * channels];
        var labels = new int[n];
        int perImage = height * width * channels;
        for (int i = 0; i < n; i++)
        {
            labels[i] = i % classes;
            for (int j = 0; j < perImage; j++)
            {
                float pattern = ((j + labels[i] * 7) % classes == 0) ? 1f : 0f;
                images[i * perImage + j] = pattern + 0.1f * (float)(rng.NextDouble() - 0.5);
            }
        }
        return (np.array(images).reshape(n, height, width, channels), np.array(labels));
    }

    /// <summary>
    /// The TF1 two-layer fully connected network: flatten → relu(x·w1 + b1) → x·w2 + b2, softmax
    /// cross-entropy on sparse labels, plain gradient descent.
    /// </summary>
    public static TrainingResult TwoLayerFullyConnected(int steps = 30, int seed = 0)
    {
        tf.reset_default_graph();
        tf.set_random_seed(seed);
        var x = tf.placeholder(tf.float32, new[] { -1, 32, 32, 3 }, name: "x");
        var y = tf.placeholder(tf.int32, new[] { -1 }, name: "y");
        var w1 = tf.Variable(tf.random_normal(new[] { 32 * 32 * 3, 100 }, stddev: 0.01), name: "w1");
        var b1 = tf.Variable(tf.zeros(new[] { 100 }), name: "b1");
        var w2 = tf.Variable(tf.random_normal(new[] { 100, 10 }, stddev: 0.1), name: "w2");
        var b2 = tf.Variable(tf.zeros(new[] { 10 }), name: "b2");

        var h = tf.nn.relu(tf.matmul(tf.layers.flatten(x), w1) + b1);
        var scores = tf.matmul(h, w2) + b2;
        var loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels: y, logits: scores));
        var train = tf.train.GradientDescentOptimizer(0.05).minimize(loss);
        return Train(x, y, scores, loss, train, SyntheticBatch(64, 32, 32, 3, 10, seed), steps);
    }

    /// <summary>
    /// The three-layer convnet: conv 5×5×32 SAME + ReLU → conv 3×3×16 SAME + ReLU → fully connected
    /// to 10 scores, trained with momentum.
    /// </summary>
    public static TrainingResult ThreeLayerConvNet(int steps = 20, int seed = 0)
    {
        tf.reset_default_graph();
        tf.set_random_seed(seed);
        var x = tf.placeholder(tf.float32, new[] { -1, 32, 32, 3 }, name: "x");
        var y = tf.placeholder(tf.int32, new[] { -1 }, name: "y");
        var conv_w1 = tf.Variable(tf.random_normal(new[] { 5, 5, 3, 32 }, stddev: 0.05), name: "conv_w1");
        var conv_b1 = tf.Variable(tf.zeros(new[] { 32 }), name: "conv_b1");
        var conv_w2 = tf.Variable(tf.random_normal(new[] { 3, 3, 32, 16 }, stddev: 0.05), name: "conv_w2");
        var conv_b2 = tf.Variable(tf.zeros(new[] { 16 }), name: "conv_b2");
        var fc_w = tf.Variable(tf.random_normal(new[] { 32 * 32 * 16, 10 }, stddev: 0.01), name: "fc_w");
        var fc_b = tf.Variable(tf.zeros(new[] { 10 }), name: "fc_b");

        var h1 = tf.nn.relu(tf.nn.conv2d(x, conv_w1, [1, 1, 1, 1], "SAME") + conv_b1);
        var h2 = tf.nn.relu(tf.nn.conv2d(h1, conv_w2, [1, 1, 1, 1], "SAME") + conv_b2);
        var scores = tf.matmul(tf.layers.flatten(h2), fc_w) + fc_b;
        var loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels: y, logits: scores));
        var train = tf.train.MomentumOptimizer(0.01, 0.9).minimize(loss);
        return Train(x, y, scores, loss, train, SyntheticBatch(16, 32, 32, 3, 10, seed), steps);
    }

    private static TrainingResult Train(Tensor x, Tensor y, Tensor scores, Tensor loss, Operation train, (NDArray Images, NDArray Labels) batch, int steps)
    {
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        var feeds = new FeedDict { [x] = batch.Images, [y] = batch.Labels };
        float initial = sess.run(loss, feeds).GetSingle();
        for (int i = 0; i < steps; i++)
            sess.run(train, feeds);
        var (finalLoss, s) = sess.run((loss, scores), feeds);
        return new TrainingResult(initial, finalLoss.GetSingle(), s.shape);
    }

    /// <summary>
    /// Two networks chained with tf.stop_gradient: B trains on A's output while A stays fixed, even
    /// though minimize sees every trainable variable (A's get no gradient and are skipped).
    /// </summary>
    public static StopGradientResult StopGradientBetweenNetworks(int steps = 5, int seed = 0)
    {
        tf.reset_default_graph();
        tf.set_random_seed(seed);
        var x = tf.placeholder(tf.float32, new[] { -1, 4 }, name: "x");
        var target = tf.placeholder(tf.float32, new[] { -1, 1 }, name: "target");
        Variable wa, wb;
        Tensor a;
        using (tf.name_scope("net_a"))
        {
            wa = tf.Variable(tf.random_normal(new[] { 4, 3 }), name: "w");
            a = tf.tanh(tf.matmul(x, wa));
        }
        using (tf.name_scope("net_b"))
        {
            wb = tf.Variable(tf.random_normal(new[] { 3, 1 }), name: "w");
        }
        var b = tf.matmul(tf.stop_gradient(a), wb);
        var loss = tf.reduce_mean(tf.square(b - target));
        bool blocked = tf.gradients(loss, wa)[0] is null;
        var train = tf.train.GradientDescentOptimizer(0.1).minimize(loss);

        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        var xs = np.array(new float[,] { { 1, 0, 0, 1 }, { 0, 1, 1, 0 }, { 1, 1, 0, 0 } });
        var ts = np.array(new float[,] { { 1 }, { -1 }, { 0.5f } });
        var aBefore = sess.run(wa).ToArray<float>();
        var bBefore = sess.run(wb).ToArray<float>();
        for (int i = 0; i < steps; i++)
            sess.run(train, (x, xs), (target, ts));
        return new StopGradientResult(aBefore, sess.run(wa).ToArray<float>(), bBefore, sess.run(wb).ToArray<float>(), blocked);
    }

    /// <summary>
    /// Per-layer learning rates: one set of gradients, two optimizers over disjoint var_lists,
    /// grouped into one train op with tf.group.
    /// </summary>
    public static PerLayerRatesResult PerLayerLearningRates(double rate1 = 0.1, double rate2 = 0.01, int seed = 0)
    {
        tf.reset_default_graph();
        tf.set_random_seed(seed);
        var x = tf.placeholder(tf.float32, new[] { -1, 3 }, name: "x");
        var w1 = tf.Variable(tf.random_normal(new[] { 3, 4 }), name: "layer1/w");
        var w2 = tf.Variable(tf.random_normal(new[] { 4, 1 }), name: "layer2/w");
        var loss = tf.reduce_sum(tf.square(tf.matmul(tf.nn.relu(tf.matmul(x, w1)), w2) - 1.0f));
        var grads = tf.gradients(loss, new Tensor[] { w1, w2 });
        var train = tf.group(
            tf.train.GradientDescentOptimizer(rate1).apply_gradients([(grads[0], w1)]),
            tf.train.GradientDescentOptimizer(rate2).apply_gradients([(grads[1], w2)]));

        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        var xs = np.array(new float[,] { { 1, 2, 3 }, { -1, 0.5f, 2 } });
        var w1Before = sess.run(w1).ToArray<float>();
        var w2Before = sess.run(w2).ToArray<float>();
        var g = sess.run(new[] { grads[0]!, grads[1]! }, (x, xs));
        sess.run(train, (x, xs));
        var w1After = sess.run(w1).ToArray<float>();
        var w2After = sess.run(w2).ToArray<float>();
        return new PerLayerRatesResult(
            w1After.Zip(w1Before, (a, b) => a - b).ToArray(), g[0].ToArray<float>(),
            w2After.Zip(w2Before, (a, b) => a - b).ToArray(), g[1].ToArray<float>(), rate1, rate2);
    }
}
