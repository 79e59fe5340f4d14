using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Layers;

[TestClass]
public sealed class LayerObjectTests
{
    private static IDisposable NewGraph() => new GraphEngine.Graph().as_default();

    [TestMethod]
    public void A_dense_object_builds_once_and_shares_its_variables_across_calls()
    {
        using var _ = NewGraph();
        var layer = new tf.layers.Dense(2, kernel_initializer: tf.ones_initializer(), bias_initializer: tf.constant_initializer(1.0));
        Assert.IsFalse(layer.built);
        Assert.AreEqual("dense", layer.name);
        var a = layer.apply(tf.constant(new float[,] { { 1, 2 } }));
        var b = layer.apply(tf.constant(new float[,] { { 3, 4 }, { 5, 6 } }));
        Assert.IsTrue(layer.built);
        CollectionAssert.AreEqual(new[] { "dense/kernel:0", "dense/bias:0" }, layer.variables.Select(v => v.name).ToArray());
        Assert.AreEqual(2, tf.global_variables().Count, "the second call creates no variables");
        Assert.AreEqual("dense/BiasAdd:0", a.name);
        Assert.AreEqual("dense/BiasAdd_1:0", b.name, "later calls reuse the name scope");
        Assert.AreEqual(2, layer.trainable_variables.Count);
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        CollectionAssert.AreEqual(new float[] { 4, 4 }, sess.run(a).ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 8, 8, 12, 12 }, sess.run(b).ToArray<float>());
        var bad = Assert.ThrowsExactly<InvalidArgumentException>(() => layer.apply(tf.constant(new float[,] { { 1, 2, 3 } })));
        StringAssert.Contains(bad.Message, "expected axis -1 of input shape to have value 2");
        Assert.ThrowsExactly<InvalidArgumentException>(() => new tf.layers.Dense(0));
    }

    [TestMethod]
    public void Objects_and_functions_draw_names_from_the_same_counters()
    {
        using var _ = NewGraph();
        var x = tf.placeholder(tf.float32, new[] { -1, 3 });
        tf.layers.dense(x, 4);
        var obj = new tf.layers.Dense(4, trainable: false);
        obj.apply(x);
        Assert.AreEqual("dense_1", obj.name);
        Assert.AreEqual(0, obj.trainable_variables.Count);
        Assert.AreEqual(2, obj.non_trainable_variables.Count);
        var named = new tf.layers.Dense(1, name: "head");
        named.apply(x);
        Assert.AreEqual("head/kernel:0", named.kernel!.name);
    }

    [TestMethod]
    public void A_conv2d_object_shares_its_kernel_and_trains_with_summed_gradients()
    {
        using var _ = NewGraph();
        var conv = new tf.layers.Conv2D(1, 1, kernel_initializer: tf.ones_initializer(), use_bias: false);
        var x1 = tf.constant(new float[1, 2, 2, 1] { { { { 1 }, { 1 } }, { { 1 }, { 1 } } } });
        var x2 = tf.constant(new float[1, 2, 2, 1] { { { { 2 }, { 2 } }, { { 2 }, { 2 } } } });
        var loss = tf.reduce_sum(conv.apply(x1)) + tf.reduce_sum(conv.apply(x2));   // d/dk = 4·1 + 4·2
        Assert.AreEqual(1, tf.trainable_variables().Count);
        Assert.AreEqual("conv2d/kernel:0", conv.kernel!.name);
        var train = tf.train.GradientDescentOptimizer(0.01).minimize(loss);
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        sess.run(train);
        Assert.AreEqual(1 - 0.01f * 12, sess.run(conv.kernel).ToArray<float>()[0], 1e-6f);
        Assert.ThrowsExactly<InvalidArgumentException>(() => conv.apply(tf.constant(new float[1, 2, 2, 3])));
        Assert.ThrowsExactly<InvalidArgumentException>(() => new tf.layers.Conv2D(1, 3, padding: "causal"));
    }

    [TestMethod]
    public void Pooling_and_dropout_objects_keep_one_scope_and_follow_the_training_flag()
    {
        using var _ = NewGraph();
        var data = new float[1, 4, 4, 1];
        for (int i = 0; i < 16; i++) data[0, i / 4, i % 4, 0] = i;
        var x = tf.constant(data);
        var pool = new tf.layers.MaxPooling2D(2, 2);
        var first = pool.apply(x);
        var second = pool.apply(x);
        Assert.AreEqual("max_pooling2d/MaxPool:0", first.name);
        Assert.AreEqual("max_pooling2d/MaxPool_1:0", second.name);
        var avg = new tf.layers.AveragePooling2D(2, 2, name: "avg").apply(x);
        var drop = new tf.layers.Dropout(0.5, seed: 1);
        var off = drop.apply(x);
        var on = drop.apply(tf.ones(new[] { 40, 50 }), training: true);
        Assert.AreEqual("dropout/Identity:0", off.name);
        using var sess = tf.Session();
        CollectionAssert.AreEqual(new float[] { 5, 7, 13, 15 }, sess.run(second).ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 2.5f, 4.5f, 10.5f, 12.5f }, sess.run(avg).ToArray<float>());
        Assert.IsTrue(sess.run(on).ToArray<float>().All(v => v == 0 || v == 2));
        Assert.ThrowsExactly<InvalidArgumentException>(() => new tf.layers.Dropout(1.5));
        Assert.ThrowsExactly<InvalidArgumentException>(() => pool.apply(tf.constant(new float[] { 1 })));
    }
}
