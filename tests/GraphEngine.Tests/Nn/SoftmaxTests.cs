using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Nn;

/// <summary>Builders of the softmax family, losses and bias: TF1 op names, compositions and values.</summary>
[TestClass]
public sealed class SoftmaxTests
{
    private static IDisposable NewGraph() => new GraphEngine.Graph().as_default();

    [TestMethod]
    public void Softmax_on_another_axis_transposes_there_and_back()
    {
        using var _ = NewGraph();
        var x = tf.constant(new double[,] { { 1, 2 }, { 3, 5 } });
        var y1 = tf.nn.softmax(x);
        var y0 = tf.nn.softmax(x, axis: 0);
        Assert.AreEqual("Softmax", y1.op.name);
        Assert.AreEqual("Transpose", y0.op.type);
        Assert.AreEqual("[2,2]", y0.shape.ToString());
        using var sess = tf.Session();
        var v = sess.run(y0).ToArray<double>();
        double a = 1 / (1 + System.Math.Exp(2)), b = 1 / (1 + System.Math.Exp(3));
        Assert.AreEqual(a, v[0], 1e-15);
        Assert.AreEqual(b, v[1], 1e-15);
        Assert.AreEqual(1 - a, v[2], 1e-15);
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.nn.softmax(x, axis: 2));
        StringAssert.Contains(e.Message, "Dimension (2) must be in the range [-2, 2) where 2 is the number of dimensions in the input.");
    }

    [TestMethod]
    public void Xent_builders_name_and_compute_like_tf()
    {
        using var _ = NewGraph();
        var logits = tf.constant(new double[,] { { 1, 2, 3 }, { 0, 0, 0 } });
        var labels = tf.constant(new double[,] { { 0, 0, 1 }, { 0.5, 0.5, 0 } });
        var dense = tf.nn.softmax_cross_entropy_with_logits_v2(labels, logits);
        Assert.AreEqual("softmax_cross_entropy_with_logits", dense.op.name);
        Assert.AreEqual("SoftmaxCrossEntropyWithLogits", dense.op.type);
        var sparse = tf.nn.sparse_softmax_cross_entropy_with_logits(tf.constant(new[] { 2, 1 }), logits);
        Assert.AreEqual("SparseSoftmaxCrossEntropyWithLogits/SparseSoftmaxCrossEntropyWithLogits", sparse.op.name);
        var rank3 = tf.nn.softmax_cross_entropy_with_logits_v2(tf.reshape(labels, new[] { 1, 2, 3 }), tf.reshape(logits, new[] { 1, 2, 3 }));
        Assert.AreEqual("[1,2]", rank3.shape.ToString());
        using var sess = tf.Session();
        double lse = System.Math.Log(System.Math.Exp(1) + System.Math.Exp(2) + System.Math.Exp(3));
        var d = sess.run(dense).ToArray<double>();
        Assert.AreEqual(lse - 3, d[0], 1e-14);
        Assert.AreEqual(System.Math.Log(3), d[1], 1e-14);
        var s = sess.run(sparse).ToArray<double>();
        Assert.AreEqual(lse - 3, s[0], 1e-14);
        Assert.AreEqual(System.Math.Log(3), s[1], 1e-14);
        CollectionAssert.AreEqual(d, sess.run(rank3).ToArray<double>());
    }

    [TestMethod]
    public void Sigmoid_xent_is_tfs_stable_composition()
    {
        using var _ = NewGraph();
        var x = tf.constant(new double[] { -800, -1, 0, 2, 800 });
        var z = tf.constant(new double[] { 1, 0, 0.5, 1, 0 });
        var loss = tf.nn.sigmoid_cross_entropy_with_logits(z, x);
        Assert.AreEqual("logistic_loss", loss.op.name);
        Assert.AreEqual("Add", loss.op.type);
        using var sess = tf.Session();
        var v = sess.run(loss).ToArray<double>();
        double[] xs = [-800, -1, 0, 2, 800], zs = [1, 0, 0.5, 1, 0];
        for (int i = 0; i < 5; i++)
        {
            double want = System.Math.Max(xs[i], 0) - xs[i] * zs[i] + System.Math.Log(1 + System.Math.Exp(-System.Math.Abs(xs[i])));
            Assert.AreEqual(want, v[i], 1e-12 * System.Math.Max(1, want), $"x={xs[i]}");
        }
    }

    [TestMethod]
    public void Bias_add_l2_loss_and_clip_by_value_builders()
    {
        using var _ = NewGraph();
        var x = tf.constant(new float[,] { { 1, 2 }, { 3, 4 } });
        var y = tf.nn.bias_add(x, tf.constant(new float[] { 10, 20 }));
        Assert.AreEqual("BiasAdd", y.op.name);
        Assert.AreEqual("NHWC", y.op.get_attr("data_format").S);
        Assert.AreEqual("NCHW", tf.nn.bias_add(tf.zeros(new[] { 1, 2, 3 }), tf.constant(new float[] { 1, 2 }), data_format: "NCW").op.get_attr("data_format").S);
        var c = tf.clip_by_value(x, 1.5, 3.5);
        Assert.AreEqual("clip_by_value", c.op.name);
        Assert.AreEqual("Maximum", c.op.type, "TF 1.15 builds Minimum then Maximum, not ClipByValue");
        Assert.AreEqual("Minimum", c.op.inputs[0].op.type);
        var l2 = tf.nn.l2_loss(x);
        Assert.AreEqual("L2Loss", l2.op.name);
        using var sess = tf.Session();
        CollectionAssert.AreEqual(new float[] { 11, 22, 13, 24 }, sess.run(y).ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 1.5f, 2, 3, 3.5f }, sess.run(c).ToArray<float>());
        Assert.AreEqual(15f, sess.run(l2).ToArray<float>()[0]);
    }

    [TestMethod]
    public void Activation_builders_use_tf1_names()
    {
        using var _ = NewGraph();
        var x = tf.constant(new float[] { -1, 2 });
        Assert.AreEqual("Relu6", tf.nn.relu6(x).op.name);
        Assert.AreEqual("Elu", tf.nn.elu(x).op.name);
        Assert.AreEqual("Selu", tf.nn.selu(x).op.name);
        Assert.AreEqual("Softplus", tf.nn.softplus(x).op.name);
        Assert.AreEqual("Softsign", tf.nn.softsign(x).op.name);
        Assert.AreEqual("Sigmoid", tf.nn.sigmoid(x).op.name);
        Assert.AreEqual("Tanh", tf.nn.tanh(x).op.name);
        var lr = tf.nn.leaky_relu(tf.constant(new[] { -10, 4 }));
        Assert.AreEqual("LeakyRelu", lr.op.name);
        Assert.AreEqual(DType.Float, lr.dtype, "integer features are cast to float32 as in TF 1.15");
        Assert.AreEqual(0.2f, lr.op.get_attr("alpha").F);
        using var sess = tf.Session();
        CollectionAssert.AreEqual(new float[] { -2, 4 }, sess.run(lr).ToArray<float>());
        var r = tf.round(tf.constant(new[] { 1, 2 }));
        Assert.AreEqual("Const", r.op.type, "tf.round returns integer tensors unchanged");
    }
}
