using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Layers;

[TestClass]
public sealed class BatchNormLayerTests
{
    private static IDisposable NewGraph() => new GraphEngine.Graph().as_default();

    // Column 0: 1, 2, 3, 4 (mean 2.5, biased var 1.25, unbiased 5/3); column 1: 0, 0, 4, 4 (mean 2, var 4, unbiased 16/3).
    private static readonly float[,] Data = { { 1, 0 }, { 2, 0 }, { 3, 4 }, { 4, 4 } };

    private static float[] Normalized(double eps) =>
        [.. Enumerable.Range(0, 8).Select(i =>
        {
            double v = Data[i / 2, i % 2];
            return (float)(i % 2 == 0 ? (v - 2.5) / Math.Sqrt(1.25 + eps) : (v - 2) / Math.Sqrt(4 + eps));
        })];

    private static void AssertClose(float[] expected, float[] actual, float tol = 1e-5f)
    {
        Assert.AreEqual(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], tol, $"element {i}");
    }

    [TestMethod]
    public void Variables_and_update_ops_are_named_as_in_tf1()
    {
        using var _ = NewGraph();
        var x = tf.placeholder(tf.float32, new[] { -1, 2 });
        tf.layers.batch_normalization(x, training: true);
        CollectionAssert.AreEqual(new[] { "batch_normalization/gamma:0", "batch_normalization/beta:0",
            "batch_normalization/moving_mean:0", "batch_normalization/moving_variance:0" }, tf.global_variables().Select(v => v.name).ToArray());
        CollectionAssert.AreEqual(new[] { "batch_normalization/gamma:0", "batch_normalization/beta:0" },
            tf.trainable_variables().Select(v => v.name).ToArray(), "moving statistics are not trainable");
        CollectionAssert.AreEqual(new[] { "batch_normalization/AssignMovingAvg:0", "batch_normalization/AssignMovingAvg_1:0" },
            tf.get_collection(tf.GraphKeys.UPDATE_OPS).Cast<Tensor>().Select(t => t.name).ToArray());
        tf.layers.batch_normalization(x, training: false, center: false, scale: false);
        tf.layers.batch_normalization(x);
        Assert.AreEqual(2, tf.get_collection(tf.GraphKeys.UPDATE_OPS).Count, "inference (explicit or by default) adds no updates");
        Assert.AreEqual("batch_normalization_1/moving_mean:0", tf.global_variables()[4].name, "no gamma/beta without scale/center");
    }

    [TestMethod]
    public void Training_normalizes_with_batch_statistics_and_updates_moving_averages()
    {
        using var _ = NewGraph();
        var x = tf.constant(Data);
        var y = tf.layers.batch_normalization(x, training: true, momentum: 0.9);
        var infer = tf.layers.batch_normalization(x, training: false, name: "batch_normalization", reuse: true);
        var updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS).Cast<Tensor>().ToArray();
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        AssertClose(Normalized(1e-3), sess.run(y).ToArray<float>());
        sess.run(updates);
        var mm = tf.global_variables().Single(v => v.name == "batch_normalization/moving_mean:0");
        var mv = tf.global_variables().Single(v => v.name == "batch_normalization/moving_variance:0");
        // moving −= (moving − batch)·0.1 from 0 and 1; the 2-D path uses the biased batch variance.
        AssertClose([0.25f, 0.2f], sess.run(mm).ToArray<float>());
        AssertClose([1 - (1 - 1.25f) * 0.1f, 1 - (1 - 4f) * 0.1f], sess.run(mv).ToArray<float>());
        // Inference with the shared variables uses the moving statistics.
        var inferred = sess.run(infer).ToArray<float>();
        Assert.AreEqual((1 - 0.25) / Math.Sqrt(1.025 + 1e-3), inferred[0], 1e-5);
    }

    [TestMethod]
    public void Fused_4d_path_matches_the_composed_path_and_uses_the_unbiased_variance_for_updates()
    {
        using var _ = NewGraph();
        var data = new float[4, 1, 1, 2];
        for (int i = 0; i < 4; i++) for (int c = 0; c < 2; c++) data[i, 0, 0, c] = Data[i, c];
        var x = tf.constant(data);
        var y = tf.layers.batch_normalization(x, training: true, momentum: 0.9);
        Assert.IsTrue(tf.get_default_graph().get_operations().Any(o => o.type == "FusedBatchNormV3" && o.name.StartsWith("batch_normalization/")));
        var composed = tf.layers.batch_normalization(x, training: true, momentum: 0.9, fused: false);
        var updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS).Cast<Tensor>().ToArray();
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        AssertClose(Normalized(1e-3), sess.run(y).ToArray<float>());
        AssertClose(Normalized(1e-3), sess.run(composed).ToArray<float>());
        var fusedVar = sess.run(updates[1]).ToArray<float>();
        AssertClose([1 - (1 - 5f / 3) * 0.1f, 1 - (1 - 16f / 3) * 0.1f], fusedVar);
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.layers.batch_normalization(tf.constant(Data), fused: true));
    }

    [TestMethod]
    public void A_training_tensor_selects_batch_or_moving_statistics_at_run_time()
    {
        using var _ = NewGraph();
        var x = tf.constant(Data);
        var training = tf.placeholder(tf.@bool, TensorShape.Scalar);
        var y = tf.layers.batch_normalization(x, training: training, momentum: 0.5);
        var updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS).Cast<Tensor>().ToArray();
        var mm = tf.global_variables().Single(v => v.name == "batch_normalization/moving_mean:0");
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        var inference = sess.run(y, (training, false)).ToArray<float>();
        AssertClose([.. Enumerable.Range(0, 8).Select(i => (float)(Data[i / 2, i % 2] / Math.Sqrt(1 + 1e-3)))], inference);
        sess.run(updates, (training, false));
        AssertClose([0f, 0f], sess.run(mm).ToArray<float>(), 0f);
        AssertClose(Normalized(1e-3), sess.run(y, (training, true)).ToArray<float>());
        sess.run(updates, (training, true));
        AssertClose([1.25f, 1f], sess.run(mm).ToArray<float>());
    }

    [TestMethod]
    public void Axis_1_of_nchw_inputs_and_bad_arguments()
    {
        using var _ = NewGraph();
        var data = new float[4, 2, 1, 1];
        for (int i = 0; i < 4; i++) for (int c = 0; c < 2; c++) data[i, c, 0, 0] = Data[i, c];
        var y = tf.layers.batch_normalization(tf.constant(data), axis: 1, training: true);
        using (var sess = tf.Session())
        {
            sess.run(tf.global_variables_initializer());
            AssertClose(Normalized(1e-3), sess.run(y).ToArray<float>());
        }
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.layers.batch_normalization(tf.constant(Data), axis: 2));
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.layers.batch_normalization(tf.placeholder(tf.float32, new[] { 3, -1 })));
    }

    [TestMethod]
    public void Dropout_layer_follows_the_training_flag()
    {
        using var _ = NewGraph();
        var x = tf.ones(new[] { 50, 40 });
        var off = tf.layers.dropout(x, 0.5);
        var on = tf.layers.dropout(x, 0.5, training: true, seed: 1);
        var flag = tf.placeholder(tf.@bool, TensorShape.Scalar);
        var dynamic = tf.layers.dropout(x, 0.5, training: flag, seed: 2);
        Assert.AreEqual("dropout/Identity:0", off.name);
        Assert.IsTrue(on.name.StartsWith("dropout_1/dropout/"), on.name);
        using var sess = tf.Session();
        Assert.IsTrue(sess.run(off).ToArray<float>().All(v => v == 1));
        var dropped = sess.run(on).ToArray<float>();
        Assert.IsTrue(dropped.All(v => v == 0 || v == 2));
        Assert.AreEqual(0.5, dropped.Count(v => v == 2) / 2000.0, 0.05);
        Assert.IsTrue(sess.run(dynamic, (flag, false)).ToArray<float>().All(v => v == 1));
        var live = sess.run(dynamic, (flag, true)).ToArray<float>();
        Assert.IsTrue(live.All(v => v == 0 || v == 2) && live.Any(v => v == 0));
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.layers.dropout(x, 1.0));
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.layers.dropout(x, 0.5, training: tf.constant(1f)));
    }

    [TestMethod]
    public void A_batch_normalization_object_shares_its_statistics_between_training_and_inference_calls()
    {
        using var _ = NewGraph();
        var bn = new tf.layers.BatchNormalization(momentum: 0.9);
        var x = tf.constant(Data);
        var train = bn.apply(x, training: true);
        var infer = bn.apply(x);
        Assert.AreEqual(4, tf.global_variables().Count);
        Assert.AreEqual(2, bn.updates.Count, "only the training call updates");
        Assert.AreEqual("batch_normalization/moving_mean:0", bn.moving_mean!.name);
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        AssertClose(Normalized(1e-3), sess.run(train).ToArray<float>());
        sess.run(bn.updates.ToArray());
        AssertClose([0.25f, 0.2f], sess.run(bn.moving_mean).ToArray<float>());
        Assert.AreEqual((1 - 0.25) / Math.Sqrt(1.025 + 1e-3), sess.run(infer).ToArray<float>()[0], 1e-5);
        Assert.ThrowsExactly<InvalidArgumentException>(() => bn.apply(tf.constant(new float[,] { { 1, 2, 3 } })));
    }
}
