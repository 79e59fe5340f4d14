using GraphEngine.Ops.Proto;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Layers;

/// <summary>
/// A bool-tensor `training` builds tf.cond as TF1's smart_cond does: the kernels of the untaken
/// mode never run (checked through the traced run's step stats), a constant bool builds no cond.
/// </summary>
[TestClass]
public sealed class TrainingCondTests
{
    private static HashSet<string> ExecutedOps(GraphEngine.Graph g, GraphEngine.Session sess, Tensor y, FeedDict feed)
    {
        var md = tf.RunMetadata();
        sess.run(y, feed, tf.RunOptions(trace_level: RunOptions.Types.TraceLevel.FullTrace), md);
        return md.StepStats.DevStats.SelectMany(d => d.NodeStats)
            .Select(n => g.get_operation_by_name(n.NodeName).type + " " + n.NodeName).ToHashSet();
    }

    [TestMethod]
    public void Fused_batch_normalization_runs_only_the_mode_the_training_tensor_selects()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var x = tf.placeholder(tf.float32, new[] { -1, 4, 4, 3 }, name: "x");
        var training = tf.placeholder(tf.@bool, new int[0], name: "training");
        var y = tf.layers.batch_normalization(x, training: training, fused: true);
        Assert.IsTrue(g.get_operations().Any(o => o.type == "Merge"), "a training tensor builds a cond");
        var fused = g.get_operations().Where(o => o.type == "FusedBatchNormV3").ToList();
        Assert.AreEqual(2, fused.Count);

        using var sess = tf.Session(g);
        sess.run(tf.global_variables_initializer());
        var xs = new float[2, 4, 4, 3];
        for (int i = 0; i < xs.Length; i++) xs[i / 48, i / 12 % 4, i / 3 % 4, i % 3] = (i * 37 % 11) - 5f;
        var inference = ExecutedOps(g, sess, y, new FeedDict { [x] = xs, [training] = false });
        var train = ExecutedOps(g, sess, y, new FeedDict { [x] = xs, [training] = true });
        var inferenceFused = fused.Where(o => inference.Contains("FusedBatchNormV3 " + o.name)).ToList();
        var trainFused = fused.Where(o => train.Contains("FusedBatchNormV3 " + o.name)).ToList();
        Assert.AreEqual(1, inferenceFused.Count, string.Join(", ", inference));
        Assert.AreEqual(1, trainFused.Count, string.Join(", ", train));
        Assert.AreNotEqual(inferenceFused[0].name, trainFused[0].name);
        Assert.IsFalse(inferenceFused[0].get_attr("is_training").B);
        Assert.IsTrue(trainFused[0].get_attr("is_training").B);
    }

    [TestMethod]
    public void Moving_averages_move_only_when_training_is_fed_true()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var x = tf.placeholder(tf.float32, new[] { -1, 2 }, name: "x");
        var training = tf.placeholder(tf.@bool, new int[0], name: "training");
        var y = tf.layers.batch_normalization(x, training: training, momentum: 0.5);
        var updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS).Cast<ITensorOrOperation>().ToArray();
        using var sess = tf.Session(g);
        sess.run(tf.global_variables_initializer());
        var xs = new float[,] { { 1, 10 }, { 3, 30 } };
        sess.run(updates, new FeedDict { [x] = xs, [training] = false });
        CollectionAssert.AreEqual(new[] { 0f, 0f }, sess.run("batch_normalization/moving_mean:0")!.ToArray<float>());
        sess.run(updates, new FeedDict { [x] = xs, [training] = true });
        CollectionAssert.AreEqual(new[] { 1f, 10f }, sess.run("batch_normalization/moving_mean:0")!.ToArray<float>());
    }

    [TestMethod]
    public void Dropout_layer_object_with_a_training_tensor_builds_a_cond_and_a_constant_builds_none()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var x = tf.ones(new[] { 4, 100 });
        var training = tf.placeholder(tf.@bool, new int[0], name: "training");
        var layer = new tf.layers.Dropout(rate: 0.5, seed: 3);
        var y = layer.apply(x, training);
        Assert.IsTrue(g.get_operations().Any(o => o.type == "Merge"));
        int opsBefore = g.get_operations().Count();
        layer.apply(x, false);
        Assert.IsFalse(g.get_operations().Skip(opsBefore).Any(o => o.type is "Switch" or "Merge"), "a constant flag builds no cond");
        using var sess = tf.Session(g);
        CollectionAssert.AreEqual(Enumerable.Repeat(1f, 400).ToArray(), sess.run(y, (training, false)).ToArray<float>());
        var dropped = sess.run(y, (training, true)).ToArray<float>();
        Assert.IsTrue(dropped.Any(v => v == 0f) && dropped.Any(v => v == 2f));
    }
}
