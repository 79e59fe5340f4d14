using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Losses;

[TestClass]
public sealed class LossesTests
{
    private static IDisposable NewGraph() => new GraphEngine.Graph().as_default();

    private static float Run(Tensor t)
    {
        using var sess = tf.Session();
        return sess.run(t).ToArray<float>()[0];
    }

    private static Tensor P() => tf.constant(new float[,] { { 1, 2 }, { 3, 4 } });
    private static Tensor Y() => tf.constant(new float[,] { { 1.5f, 2 }, { 1, 6 } });

    [TestMethod]
    public void Mean_squared_error_and_absolute_difference_average_over_elements()
    {
        using var _ = NewGraph();
        var mse = tf.losses.mean_squared_error(Y(), P());
        Assert.AreEqual("mean_squared_error/value:0", mse.name);
        Assert.AreEqual(0, mse.shape.Rank);
        Assert.AreEqual(8.25f / 4, Run(mse), 1e-6f);
        Assert.AreEqual(4.5f / 4, Run(tf.losses.absolute_difference(Y(), P())), 1e-6f);
        var collected = tf.losses.get_losses().Select(t => t.name).ToArray();
        CollectionAssert.AreEqual(new[] { "mean_squared_error/value:0", "absolute_difference/value:0" }, collected);
    }

    [TestMethod]
    public void Every_reduction_mode_with_tensor_weights()
    {
        using var _ = NewGraph();
        var w = tf.constant(new float[,] { { 1, 0 }, { 2, 0 } });
        // Weighted squared errors: 0.25·1, 0, 4·2, 0 → sum 8.25; 2 non-zero weights; weight sum 3; 4 elements.
        Assert.AreEqual(8.25f / 2, Run(tf.losses.mean_squared_error(Y(), P(), w)), 1e-6f);
        Assert.AreEqual(8.25f / 3, Run(tf.losses.mean_squared_error(Y(), P(), w, reduction: tf.losses.Reduction.MEAN)), 1e-6f);
        Assert.AreEqual(8.25f, Run(tf.losses.mean_squared_error(Y(), P(), w, reduction: tf.losses.Reduction.SUM)), 1e-6f);
        Assert.AreEqual(8.25f / 4, Run(tf.losses.mean_squared_error(Y(), P(), w, reduction: tf.losses.Reduction.SUM_OVER_BATCH_SIZE)), 1e-6f);
        var none = tf.losses.mean_squared_error(Y(), P(), w, reduction: tf.losses.Reduction.NONE);
        using (var sess = tf.Session())
            CollectionAssert.AreEqual(new float[] { 0.25f, 0, 8, 0 }, sess.run(none).ToArray<float>());
        // Per-row weights [2, 1] broadcast over columns.
        var rows = tf.constant(new float[,] { { 2 }, { 1 } });
        Assert.AreEqual((0.25f * 2 + 4 + 4) / 4, Run(tf.losses.mean_squared_error(Y(), P(), rows)), 1e-6f);
        Assert.AreEqual(3f * 8.25f / 4, Run(tf.losses.mean_squared_error(Y(), P(), 3.0)), 1e-6f, "a scalar weight scales the mean");
        Assert.AreEqual(0f, Run(tf.losses.mean_squared_error(Y(), P(), 0.0)), "all weights zero: 0, not NaN");
        Assert.AreEqual(0f, Run(tf.losses.mean_squared_error(Y(), P(), tf.zeros(new[] { 2, 2 }))));
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.losses.mean_squared_error(Y(), P(), reduction: "average"));
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.losses.mean_squared_error(Y(), P(), tf.ones(new[] { 3 })));
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.losses.mean_squared_error(tf.ones(new[] { 3 }), P()));
    }

    [TestMethod]
    public void Huber_log_and_hinge_losses_match_hand_computation()
    {
        using var _ = NewGraph();
        // |e| = 0.5, 0, 2, 2 with δ = 1: 0.125, 0, 1.5, 1.5
        Assert.AreEqual(3.125f / 4, Run(tf.losses.huber_loss(Y(), P())), 1e-6f);
        // δ = 3: all quadratic: 0.125 + 0 + 2 + 2
        Assert.AreEqual(4.125f / 4, Run(tf.losses.huber_loss(Y(), P(), delta: 3.0)), 1e-6f);
        var labels = tf.constant(new float[] { 1, 0 });
        var probs = tf.constant(new float[] { 0.8f, 0.3f });
        double expected = (-Math.Log(0.8 + 1e-7) - Math.Log(1 - 0.3 + 1e-7)) / 2;
        Assert.AreEqual(expected, Run(tf.losses.log_loss(labels, probs)), 1e-6);
        var hingeLabels = tf.constant(new float[] { 0, 1, 1 });
        var logits = tf.constant(new float[] { 0.5f, 0.2f, 2 });
        // (2y − 1)·logits = −0.5, 0.2, 2 → relu(1 − ·) = 1.5, 0.8, 0
        Assert.AreEqual(2.3f / 3, Run(tf.losses.hinge_loss(hingeLabels, logits)), 1e-6f);
    }

    [TestMethod]
    public void Cosine_distance_is_one_minus_the_dot_product_along_the_axis()
    {
        using var _ = NewGraph();
        var labels = tf.constant(new float[,] { { 1, 0 }, { 0.6f, 0.8f } });
        var predictions = tf.constant(new float[,] { { 0, 1 }, { 0.6f, 0.8f } });
        // Row 0 orthogonal (distance 1), row 1 identical (distance 0).
        Assert.AreEqual(0.5f, Run(tf.losses.cosine_distance(labels, predictions, axis: 1)), 1e-6f);
        var none = tf.losses.cosine_distance(labels, predictions, axis: 1, reduction: tf.losses.Reduction.NONE);
        Assert.AreEqual("[2,1]", none.shape.ToString().Replace(" ", ""));
    }

    private static double SigmoidXent(double x, double z) => Math.Max(x, 0) - x * z + Math.Log(1 + Math.Exp(-Math.Abs(x)));

    [TestMethod]
    public void Cross_entropies_with_label_smoothing()
    {
        using var _ = NewGraph();
        var logits = tf.constant(new float[] { 0, 2 });
        var labels = tf.constant(new float[] { 1, 0 });
        Assert.AreEqual((SigmoidXent(0, 1) + SigmoidXent(2, 0)) / 2, Run(tf.losses.sigmoid_cross_entropy(labels, logits)), 1e-6);
        // smoothing 0.2: labels·0.8 + 0.1 → 0.9, 0.1
        Assert.AreEqual((SigmoidXent(0, 0.9) + SigmoidXent(2, 0.1)) / 2, Run(tf.losses.sigmoid_cross_entropy(labels, logits, label_smoothing: 0.2)), 1e-6);

        var z = new double[] { 1, 2, 3 };
        double lse = Math.Log(z.Sum(Math.Exp));
        var l3 = tf.constant(new float[,] { { 1, 2, 3 } });
        var onehot = tf.constant(new float[,] { { 0, 0, 1 } });
        var sce = tf.losses.softmax_cross_entropy(onehot, l3);
        Assert.AreEqual("softmax_cross_entropy_loss/value:0", sce.name);
        Assert.AreEqual(lse - 3, Run(sce), 1e-6);
        // smoothing 0.3 over 3 classes: 0.7·y + 0.1 → 0.1, 0.1, 0.8
        double smoothed = 0.1 * (lse - 1) + 0.1 * (lse - 2) + 0.8 * (lse - 3);
        Assert.AreEqual(smoothed, Run(tf.losses.softmax_cross_entropy(onehot, l3, label_smoothing: 0.3)), 1e-6);

        var l2 = tf.constant(new float[,] { { 1, 2, 3 }, { 1, 1, 1 } });
        double sparseExpected = ((lse - 3) + Math.Log(3)) / 2;
        var sparse = tf.losses.sparse_softmax_cross_entropy(tf.constant(new[] { 2, 0 }), l2);
        Assert.AreEqual("sparse_softmax_cross_entropy_loss/value:0", sparse.name);
        Assert.AreEqual("SparseSoftmaxCrossEntropyWithLogits",
            tf.get_default_graph().get_operation_by_name("sparse_softmax_cross_entropy_loss/xentropy/xentropy").type, "as TF1 names it");
        Assert.AreEqual(sparseExpected, Run(tf.losses.sparse_softmax_cross_entropy(tf.constant(new[] { 2, 0 }), l2)), 1e-6);
        Assert.AreEqual(sparseExpected, Run(tf.losses.sparse_softmax_cross_entropy(tf.constant(new[,] { { 2 }, { 0 } }), l2)), 1e-6,
            "labels of shape [N, 1] are squeezed");
        Assert.AreEqual(lse - 3, Run(tf.losses.sparse_softmax_cross_entropy(tf.constant(new[] { 2, 0 }), l2, tf.constant(new float[] { 1, 0 }))), 1e-6);
    }

    [TestMethod]
    public void Float64_inputs_are_computed_in_float32_and_cast_back_as_in_tf()
    {
        using var _ = NewGraph();
        var loss = tf.losses.absolute_difference(tf.constant(new double[] { 0.1 }), tf.constant(new double[] { 0.3 }));
        Assert.AreEqual(DType.Float, loss.dtype, "absolute_difference casts its inputs to float32 (TF1)");
        var sig = tf.losses.sigmoid_cross_entropy(tf.constant(new double[] { 1 }), tf.constant(new double[] { 0 }));
        Assert.AreEqual(DType.Double, sig.dtype, "the cross entropies keep the logits' dtype");
    }

    [TestMethod]
    public void Total_loss_adds_regularization_losses_and_loss_collection_null_skips_the_collection()
    {
        using var _ = NewGraph();
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.losses.get_total_loss());
        Assert.AreEqual(0f, Run(tf.losses.get_regularization_loss()));
        tf.get_variable("w", initializer: new float[] { 2 }, regularizer: tf.contrib.layers.l2_regularizer(1.0));
        var mse = tf.losses.mean_squared_error(Y(), P());
        tf.losses.absolute_difference(Y(), P(), loss_collection: null);
        Assert.AreEqual(1, tf.losses.get_losses().Count);
        var total = tf.losses.get_total_loss();
        Assert.AreEqual("total_loss:0", total.name);
        var onlyLosses = tf.losses.get_total_loss(add_regularization_losses: false, name: "data_loss");
        Assert.AreEqual("data_loss:0", onlyLosses.name, "a single loss becomes an Identity of the name");
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        Assert.AreEqual(8.25f / 4 + 2f, sess.run(total).GetSingle(), 1e-6f, "mse + 1.0·2²/2");
        Assert.AreEqual(8.25f / 4, sess.run(onlyLosses).GetSingle(), 1e-6f);
    }
}
