// The 784-512-256-10 ReLU MLP of the main job, built in a class so the tests train exactly the
// graph the example trains.
using GraphEngine;

namespace MnistMlp;

public sealed class Mlp
{
    public required Tensor X { get; init; }
    public required Tensor Labels { get; init; }
    public required Tensor Logits { get; init; }
    public required Tensor Loss { get; init; }
    public required Tensor Accuracy { get; init; }
    public required Operation TrainOp { get; init; }

    /// <summary>Builds the network in the default graph with graph-level seed <paramref name="seed"/>.</summary>
    public static Mlp Build(int seed, double learningRate = 1e-3)
    {
        tf.set_random_seed(seed);
        var x = tf.placeholder(tf.float32, new[] { -1, 784 }, name: "x");
        var y_ = tf.placeholder(tf.float32, new[] { -1, 10 }, name: "y_");

        static Tensor Dense(Tensor input, int units, string name, bool relu)
        {
            using var scope = tf.name_scope(name);
            int fanIn = (int)input.shape[1];
            var w = tf.Variable(tf.truncated_normal(new[] { fanIn, units }, stddev: Math.Sqrt(2.0 / fanIn)), name: "kernel");
            var b = tf.Variable(tf.zeros(new[] { units }), name: "bias");
            var z = tf.matmul(input, w) + b;
            return relu ? tf.nn.relu(z) : z;
        }

        var h1 = Dense(x, 512, "dense", relu: true);
        var h2 = Dense(h1, 256, "dense_1", relu: true);
        var logits = Dense(h2, 10, "dense_2", relu: false);
        var loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels: y_, logits: logits), name: "loss");
        var train = tf.train.AdamOptimizer(learningRate).minimize(loss);
        var correct = tf.equal(tf.argmax(logits, 1), tf.argmax(y_, 1));
        var accuracy = tf.reduce_mean(tf.cast(correct, tf.float32), name: "accuracy");
        return new Mlp { X = x, Labels = y_, Logits = logits, Loss = loss, Accuracy = accuracy, TrainOp = train };
    }
}
