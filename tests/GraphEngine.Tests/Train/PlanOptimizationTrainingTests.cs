using GraphEngine.Ops.Proto;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NumSharp;

namespace GraphEngine.Tests.Train;

/// <summary>
/// The plan passes (bias-add/ReLU fusion, dropping results nobody reads) must not change training:
/// a small conv + MLP trained with Adam gives bit-identical variables with the passes on (default) and
/// with rewrite_options.remapping and dependency_optimization OFF.
/// </summary>
[TestClass]
public sealed class PlanOptimizationTrainingTests
{
    private static float[][] Train(ConfigProto? config)
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        tf.set_random_seed(3);
        var x = tf.placeholder(tf.float32, new[] { -1, 6, 6, 2 }, name: "x");
        var labels = tf.placeholder(tf.float32, new[] { -1, 5 }, name: "labels");
        var f = tf.Variable(tf.random_normal(new[] { 3, 3, 2, 4 }, stddev: 0.5), name: "f");
        var fb = tf.Variable(tf.random_normal(new[] { 4 }, stddev: 0.1), name: "fb");
        var conv = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, f, [1, 1, 1, 1], "SAME"), fb));
        var flat = tf.reshape(conv, new[] { -1, 6 * 6 * 4 });
        var w1 = tf.Variable(tf.random_normal(new[] { 144, 13 }, stddev: 0.2), name: "w1");
        var b1 = tf.Variable(tf.random_normal(new[] { 13 }, stddev: 0.1), name: "b1");
        var h = tf.nn.relu(tf.matmul(flat, w1) + b1);
        var w2 = tf.Variable(tf.random_normal(new[] { 13, 5 }, stddev: 0.3), name: "w2");
        var b2 = tf.Variable(tf.zeros(new[] { 5 }), name: "b2");
        var logits = b2 + tf.matmul(h, w2);
        var loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels: labels, logits: logits));
        var train = tf.train.AdamOptimizer(0.01).minimize(loss);
        var r = new Random(5);
        var images = new float[7 * 6 * 6 * 2];
        for (int i = 0; i < images.Length; i++) images[i] = (float)(r.NextDouble() * 2 - 1);
        var onehot = new float[7 * 5];
        for (int i = 0; i < 7; i++) onehot[i * 5 + r.Next(5)] = 1;
        var feeds = new FeedDict { [x] = np.array(images).reshape(7, 6, 6, 2), [labels] = np.array(onehot).reshape(7, 5) };
        using var sess = tf.Session(g, config);
        sess.run(tf.global_variables_initializer());
        for (int step = 0; step < 4; step++) sess.run(train, feeds);
        return tf.trainable_variables().Select(v => sess.run(v).ToArray<float>()).ToArray();
    }

    [TestMethod]
    public void Training_with_the_plan_passes_equals_training_without_them_bit_for_bit()
    {
        var optimized = Train(null);
        var plain = Train(new ConfigProto
        {
            GraphOptions = new GraphOptions
            {
                RewriteOptions = new RewriterConfig { Remapping = RewriterConfig.Types.Toggle.Off, DependencyOptimization = RewriterConfig.Types.Toggle.Off },
            },
        });
        Assert.AreEqual(plain.Length, optimized.Length);
        for (int v = 0; v < plain.Length; v++)
            CollectionAssert.AreEqual(plain[v].Select(BitConverter.SingleToInt32Bits).ToArray(), optimized[v].Select(BitConverter.SingleToInt32Bits).ToArray(), $"variable {v}");
    }
}
