using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Layers;

[TestClass]
public sealed class ConvLayerTests
{
    private static IDisposable NewGraph() => new GraphEngine.Graph().as_default();

    private static string ShapeText(Tensor t) => t.shape.ToString().Replace(" ", "").Replace("?", "-1");

    [TestMethod]
    public void Conv2d_names_shapes_and_padding()
    {
        using var _ = NewGraph();
        var x = tf.placeholder(tf.float32, new[] { -1, 8, 8, 3 });
        var same = tf.layers.conv2d(x, 4, 3, padding: "same", activation: t => tf.nn.relu(t));
        var valid = tf.layers.conv2d(same, 5, new[] { 3, 2 }, strides: 2);
        Assert.AreEqual("conv2d/Relu:0", same.name);
        Assert.AreEqual("conv2d_1/BiasAdd:0", valid.name);
        Assert.AreEqual("Conv2D", tf.get_default_graph().get_operation_by_name("conv2d/Conv2D").type);
        CollectionAssert.AreEqual(new[] { "conv2d/kernel:0", "conv2d/bias:0", "conv2d_1/kernel:0", "conv2d_1/bias:0" },
            tf.trainable_variables().Select(v => v.name).ToArray());
        Assert.AreEqual("[3,3,3,4]", tf.trainable_variables()[0].shape.ToString().Replace(" ", ""));
        Assert.AreEqual("[3,2,4,5]", tf.trainable_variables()[2].shape.ToString().Replace(" ", ""));
        Assert.AreEqual("[-1,8,8,4]", ShapeText(same));
        Assert.AreEqual("[-1,3,4,5]", ShapeText(valid));
    }

    [TestMethod]
    public void Conv2d_values_match_a_direct_sum_in_both_layouts()
    {
        using var _ = NewGraph();
        // 1×3×3×1 input 1..9, 2×2 kernel of ones, bias 0.5, VALID: sums of 2×2 windows + 0.5.
        var data = new float[1, 3, 3, 1];
        for (int i = 0; i < 9; i++) data[0, i / 3, i % 3, 0] = i + 1;
        var x = tf.constant(data);
        var y = tf.layers.conv2d(x, 1, 2, kernel_initializer: tf.ones_initializer(), bias_initializer: tf.constant_initializer(0.5));
        var nchwInput = tf.constant(new float[1, 1, 3, 3] { { { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } } } });
        var yc = tf.layers.conv2d(nchwInput, 1, 2, data_format: "channels_first", kernel_initializer: tf.ones_initializer(),
            bias_initializer: tf.constant_initializer(0.5));
        var dilated = tf.layers.conv2d(x, 1, 2, dilation_rate: 2, kernel_initializer: tf.ones_initializer(), use_bias: false);
        Assert.AreEqual("[1,1,2,2]", ShapeText(yc));
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        var expected = new float[] { 12.5f, 16.5f, 24.5f, 28.5f };
        CollectionAssert.AreEqual(expected, sess.run(y).ToArray<float>());
        CollectionAssert.AreEqual(expected, sess.run(yc).ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 1 + 3 + 7 + 9 }, sess.run(dilated).ToArray<float>(), "dilation 2 samples the corners");
    }

    [TestMethod]
    public void Conv2d_rejects_bad_arguments()
    {
        using var _ = NewGraph();
        var x = tf.placeholder(tf.float32, new[] { 1, 5, 5, 2 });
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.layers.conv2d(x, 2, 3, padding: "full"));
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.layers.conv2d(x, 2, 3, data_format: "NHWC"));
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.layers.conv2d(x, 2, 3, strides: 2, dilation_rate: 2));
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.layers.conv2d(x, 2, new[] { 1, 2, 3 }));
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.layers.conv2d(tf.placeholder(tf.float32, new[] { 1, 5, 5 }), 2, 3));
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.layers.conv2d(tf.placeholder(tf.float32, new[] { 1, 5, 5, -1 }), 2, 3));
        StringAssert.Contains(e.Message, "channel dimension");
    }

    [TestMethod]
    public void Pooling_layers_name_their_scopes_and_compute_max_and_average()
    {
        using var _ = NewGraph();
        var data = new float[1, 4, 4, 1];
        for (int i = 0; i < 16; i++) data[0, i / 4, i % 4, 0] = i;
        var x = tf.constant(data);
        var mx = tf.layers.max_pooling2d(x, 2, 2);
        var avg = tf.layers.average_pooling2d(x, 2, 2);
        var same = tf.layers.max_pooling2d(x, 3, 2, padding: "same");
        Assert.AreEqual("max_pooling2d/MaxPool:0", mx.name);
        Assert.AreEqual("average_pooling2d/AvgPool:0", avg.name);
        Assert.AreEqual("max_pooling2d_1/MaxPool:0", same.name);
        Assert.AreEqual("[1,2,2,1]", ShapeText(same));
        Assert.AreEqual("pool/MaxPool:0", tf.layers.max_pooling2d(x, 2, 2, name: "pool").name);
        Assert.AreEqual("pool_1/MaxPool:0", tf.layers.max_pooling2d(x, 2, 2, name: "pool").name, "no variables, so a repeated name only needs a fresh name scope");
        using var sess = tf.Session();
        CollectionAssert.AreEqual(new float[] { 5, 7, 13, 15 }, sess.run(mx).ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 2.5f, 4.5f, 10.5f, 12.5f }, sess.run(avg).ToArray<float>());
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.layers.max_pooling2d(tf.constant(new float[] { 1 }), 2, 2));
    }

    [TestMethod]
    public void Three_layer_convnet_gives_scores_of_shape_64_by_10()
    {
        using var _ = NewGraph();
        var x = tf.placeholder(tf.float32, new[] { 64, 32, 32, 3 });
        var c1 = tf.layers.conv2d(x, 6, 5, activation: t => tf.nn.relu(t));
        var p1 = tf.layers.max_pooling2d(c1, 2, 2);
        var c2 = tf.layers.conv2d(p1, 8, 3, padding: "same", activation: t => tf.nn.relu(t));
        var flat = tf.layers.flatten(c2);
        var scores = tf.layers.dense(flat, 10);
        Assert.AreEqual("[64,10]", ShapeText(scores));
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        var value = sess.run(scores, (x, new float[64, 32, 32, 3]));
        CollectionAssert.AreEqual(new long[] { 64, 10 }, value.shape);
    }
}
