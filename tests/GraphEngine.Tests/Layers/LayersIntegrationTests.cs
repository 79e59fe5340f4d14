using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Layers;

[TestClass]
public sealed class LayersIntegrationTests
{
    /// <summary>The README's example: dense + batch norm + dropout with a training tensor, total loss, update ops.</summary>
    [TestMethod]
    public void Readme_classifier_trains_and_updates_moving_statistics()
    {
        using var _ = new GraphEngine.Graph().as_default();
        tf.set_random_seed(3);
        var x = tf.placeholder(tf.float32, new[] { -1, 8 });
        var y = tf.placeholder(tf.int32, new[] { -1 });
        var training = tf.placeholder_with_default(false, TensorShape.Scalar);
        var h = tf.layers.dense(x, 16, activation: t => tf.nn.relu(t), kernel_regularizer: tf.contrib.layers.l2_regularizer(1e-4));
        h = tf.layers.batch_normalization(h, training: training);
        h = tf.layers.dropout(h, 0.3, training: training);
        var logits = tf.layers.dense(h, 3);
        tf.losses.sparse_softmax_cross_entropy(y, logits);
        var loss = tf.losses.get_total_loss();
        Operation train;
        using (tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)))
            train = tf.train.AdamOptimizer(1e-2).minimize(loss);

        // Three separable classes: the label is the index of the largest of the first three features.
        var rng = new System.Random(5);
        var xs = new float[96, 8];
        var ys = new int[96];
        for (int i = 0; i < 96; i++)
        {
            for (int j = 0; j < 8; j++) xs[i, j] = (float)(rng.NextDouble() * 2 - 1);
            ys[i] = xs[i, 0] > xs[i, 1] ? (xs[i, 0] > xs[i, 2] ? 0 : 2) : (xs[i, 1] > xs[i, 2] ? 1 : 2);
        }
        var movingMean = tf.global_variables().Single(v => v.name == "batch_normalization/moving_mean:0");
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        float before = sess.run(loss, (x, xs), (y, ys)).GetSingle();
        for (int step = 0; step < 150; step++) sess.run(train, (x, xs), (y, ys), (training, true));
        float after = sess.run(loss, (x, xs), (y, ys)).GetSingle();
        Assert.IsTrue(after < before * 0.5f, $"inference loss {before} → {after}");
        Assert.IsTrue(sess.run(movingMean).ToArray<float>().Any(v => v != 0), "the update ops ran with the train op");
        var pred = sess.run(tf.argmax(logits, 1), (x, xs)).ToArray<long>();
        double accuracy = pred.Where((p, i) => p == ys[i]).Count() / 96.0;
        Assert.IsTrue(accuracy > 0.8, $"training accuracy {accuracy}");
    }
}
