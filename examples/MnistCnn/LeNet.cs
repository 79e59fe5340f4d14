// The TF1 "Deep MNIST for experts" LeNet, NHWC: conv 5×5×32 SAME → max pool 2 → conv 5×5×64 →
// max pool 2 → dense 1024 with dropout (keep_prob placeholder) → dense 10. Built in a class so the
// tests train exactly the graph the example trains.
using GraphEngine;

namespace MnistCnn;

public sealed class LeNet
{
    public required Tensor X { get; init; }
    public required Tensor Labels { get; init; }
    public required Tensor KeepProb { get; init; }
    public required Tensor Logits { get; init; }
    public required Tensor Loss { get; init; }
    public required Tensor Accuracy { get; init; }
    public required Operation TrainOp { get; init; }

    /// <summary>Builds the network in the default graph with graph-level seed <paramref name="seed"/>.</summary>
    public static LeNet Build(int seed, double learningRate = 1e-3)
    {
        tf.set_random_seed(seed);
        var x = tf.placeholder(tf.float32, new[] { -1, 784 }, name: "x");
        var y_ = tf.placeholder(tf.float32, new[] { -1, 10 }, name: "y_");
        var keep_prob = tf.placeholder_with_default(tf.constant(1.0f), new int[0], name: "keep_prob");

        static Variable Weight(int[] shape, string name) => tf.Variable(tf.truncated_normal(shape, stddev: 0.1), name: name);
        static Variable Bias(int n, string name) => tf.Variable(tf.fill(new[] { n }, tf.constant(0.1f)), name: name);
        static Tensor Conv(Tensor x, Tensor w) => tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME");
        static Tensor Pool(Tensor x) => tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME");

        var image = tf.reshape(x, new[] { -1, 28, 28, 1 });
        Tensor h_pool1, h_pool2, h_fc1_drop, logits;
        using (tf.name_scope("conv1"))
            h_pool1 = Pool(tf.nn.relu(Conv(image, Weight([5, 5, 1, 32], "W")) + Bias(32, "b")));
        using (tf.name_scope("conv2"))
            h_pool2 = Pool(tf.nn.relu(Conv(h_pool1, Weight([5, 5, 32, 64], "W")) + Bias(64, "b")));
        using (tf.name_scope("fc1"))
        {
            var flat = tf.reshape(h_pool2, new[] { -1, 7 * 7 * 64 });
            var h_fc1 = tf.nn.relu(tf.matmul(flat, Weight([7 * 7 * 64, 1024], "W")) + Bias(1024, "b"));
            h_fc1_drop = tf.nn.dropout(h_fc1, keep_prob);
        }
        using (tf.name_scope("fc2"))
            logits = tf.matmul(h_fc1_drop, Weight([1024, 10], "W")) + Bias(10, "b");

        var loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels: y_, logits: logits), name: "loss");
        var train = tf.train.AdamOptimizer(learningRate).minimize(loss);
        var correct = tf.equal(tf.argmax(logits, 1), tf.argmax(y_, 1));
        var accuracy = tf.reduce_mean(tf.cast(correct, tf.float32), name: "accuracy");
        return new LeNet { X = x, Labels = y_, KeepProb = keep_prob, Logits = logits, Loss = loss, Accuracy = accuracy, TrainOp = train };
    }
}
