using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Layers;

[TestClass]
public sealed class DenseLayerTests
{
    private static IDisposable NewGraph() => new GraphEngine.Graph().as_default();

    [TestMethod]
    public void Dense_creates_tf1_variable_and_op_names()
    {
        using var _ = NewGraph();
        var x = tf.placeholder(tf.float32, new[] { -1, 4 });
        var h = tf.layers.dense(x, 3, activation: t => tf.nn.relu(t));
        var y = tf.layers.dense(h, 2);
        CollectionAssert.AreEqual(new[] { "dense/kernel:0", "dense/bias:0", "dense_1/kernel:0", "dense_1/bias:0" },
            tf.trainable_variables().Select(v => v.name).ToArray());
        Assert.AreEqual("dense/Relu:0", h.name);
        Assert.AreEqual("dense_1/BiasAdd:0", y.name);
        var g = tf.get_default_graph();
        Assert.AreEqual("MatMul", g.get_operation_by_name("dense/MatMul").type);
        Assert.AreEqual("RandomUniform", g.get_operation_by_name("dense/kernel/Initializer/random_uniform/RandomUniform").type,
            "the kernel defaults to glorot_uniform");
        Assert.AreEqual("[4,3]", tf.trainable_variables()[0].shape.ToString().Replace(" ", ""));
        Assert.AreEqual("[-1,2]", y.shape.ToString().Replace(" ", "").Replace("?", "-1"));
        var named = tf.layers.dense(x, 1, name: "out");
        Assert.AreEqual("out/BiasAdd:0", named.name);
        var again = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.layers.dense(x, 1, name: "out"));
        StringAssert.Contains(again.Message, "Variable out/kernel already exists, disallowed", "a named layer opens exactly that scope, as in TF1");
    }

    [TestMethod]
    public void Dense_computes_x_kernel_plus_bias_with_given_initializers()
    {
        using var _ = NewGraph();
        var x = tf.constant(new float[,] { { 1, 2 }, { 3, 4 } });
        var y = tf.layers.dense(x, 3, kernel_initializer: tf.constant_initializer(new float[] { 1, 0, -1, 2, 1, 0 }),
            bias_initializer: tf.constant_initializer(0.5));
        var noBias = tf.layers.dense(x, 1, use_bias: false, kernel_initializer: tf.ones_initializer());
        Assert.AreEqual(3, tf.trainable_variables().Count);
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        // [1 2]·[[1 0 −1],[2 1 0]] = [5 2 −1]; [3 4]· = [11 4 −3]; + 0.5
        CollectionAssert.AreEqual(new float[] { 5.5f, 2.5f, -0.5f, 11.5f, 4.5f, -2.5f }, sess.run(y).ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 3, 7 }, sess.run(noBias).ToArray<float>());
    }

    [TestMethod]
    public void Dense_on_rank_3_inputs_contracts_the_last_axis()
    {
        using var _ = NewGraph();
        var x = tf.constant(new float[,,] { { { 1, 2 } }, { { 3, 4 } } });
        var y = tf.layers.dense(x, 1, kernel_initializer: tf.constant_initializer(new float[] { 1, 10 }), use_bias: false);
        Assert.AreEqual("[2,1,1]", y.shape.ToString().Replace(" ", ""));
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        CollectionAssert.AreEqual(new float[] { 21, 43 }, sess.run(y).ToArray<float>());
    }

    [TestMethod]
    public void Dense_rejects_unknown_last_dimension_and_low_rank()
    {
        using var _ = NewGraph();
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.layers.dense(tf.placeholder(tf.float32, new[] { 2, -1 }), 3));
        StringAssert.Contains(e.Message, "The last dimension of the inputs to `Dense` should be defined");
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.layers.dense(tf.constant(new float[] { 1, 2 }), 3));
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.layers.dense(tf.constant(new[,] { { 1, 2 } }), 3));
    }

    [TestMethod]
    public void Reused_dense_layers_share_variables_and_train_with_summed_gradients()
    {
        using var _ = NewGraph();
        var a = tf.constant(new float[,] { { 1 } });
        var b = tf.constant(new float[,] { { 2 } });
        var ya = tf.layers.dense(a, 1, kernel_initializer: tf.ones_initializer(), name: "shared");
        var yb = tf.layers.dense(b, 1, name: "shared", reuse: true);
        Assert.AreEqual(2, tf.trainable_variables().Count, "the second call reuses shared/kernel and shared/bias");
        Assert.AreEqual("shared_1/BiasAdd:0", yb.name, "ops of the reused layer go to a fresh name scope");
        var loss = ya + yb;                                 // d/dk = 1 + 2, d/db = 1 + 1
        var train = tf.train.GradientDescentOptimizer(0.1).minimize(loss);
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        sess.run(train);
        var kernel = tf.global_variables().Single(v => v.name == "shared/kernel:0");
        var bias = tf.global_variables().Single(v => v.name == "shared/bias:0");
        Assert.AreEqual(1 - 0.1f * 3, sess.run(kernel).ToArray<float>()[0], 1e-6f);
        Assert.AreEqual(-0.1f * 2, sess.run(bias).ToArray<float>()[0], 1e-6f);
        using (tf.variable_scope("model", reuse: tf.AUTO_REUSE))
        {
            tf.layers.dense(a, 1);
        }
        using (tf.variable_scope("model", reuse: tf.AUTO_REUSE))
        {
            tf.layers.dense(a, 1);
        }
        Assert.AreEqual(2, tf.trainable_variables(scope: "model").Count, "a rebuilt model under AUTO_REUSE reuses model/dense");
    }

    [TestMethod]
    public void Dense_regularizers_trainable_flag_and_activity_loss()
    {
        using var _ = NewGraph();
        var x = tf.constant(new float[,] { { 1, 1 } });
        tf.layers.dense(x, 1, kernel_initializer: tf.constant_initializer(2.0), kernel_regularizer: tf.contrib.layers.l2_regularizer(0.1),
            bias_regularizer: tf.contrib.layers.l1_regularizer(1.0), activity_regularizer: tf.contrib.layers.l1_regularizer(0.5), trainable: false);
        Assert.AreEqual(0, tf.trainable_variables().Count);
        Assert.AreEqual(2, tf.global_variables().Count);
        var names = tf.losses.get_regularization_losses().Select(t => t.name).ToArray();
        Assert.AreEqual("dense/kernel/Regularizer/l2_regularizer:0", names[0]);
        Assert.AreEqual("dense/bias/Regularizer/l1_regularizer:0", names[1]);
        Assert.AreEqual(3, names.Length);
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        // kernel: 0.1 · (4 + 4)/2 = 0.4; bias 0; activity: 0.5 · |4| / batch 1 = 2
        Assert.AreEqual(2.4f, sess.run(tf.losses.get_regularization_loss()).GetSingle(), 1e-6f);
    }

    [TestMethod]
    public void Training_a_dense_network_reduces_the_loss()
    {
        using var _ = NewGraph();
        tf.set_random_seed(1);
        var rng = new System.Random(0);
        var xs = new float[64, 3];
        var ys = new float[64, 1];
        for (int i = 0; i < 64; i++)
        {
            for (int j = 0; j < 3; j++) xs[i, j] = (float)(rng.NextDouble() * 2 - 1);
            ys[i, 0] = 2 * xs[i, 0] - xs[i, 1] + 0.5f * xs[i, 2] * xs[i, 2];
        }
        var x = tf.placeholder(tf.float32, new[] { -1, 3 });
        var y = tf.placeholder(tf.float32, new[] { -1, 1 });
        var h = tf.layers.dense(x, 16, activation: t => tf.nn.relu(t), kernel_regularizer: tf.contrib.layers.l2_regularizer(1e-4));
        var pred = tf.layers.dense(h, 1);
        tf.losses.mean_squared_error(y, pred);
        var loss = tf.losses.get_total_loss();
        var train = tf.train.AdamOptimizer(0.01).minimize(loss);
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        float first = sess.run(loss, (x, xs), (y, ys)).GetSingle();
        for (int step = 0; step < 300; step++) sess.run(train, (x, xs), (y, ys));
        float last = sess.run(loss, (x, xs), (y, ys)).GetSingle();
        Assert.IsTrue(last < first * 0.1f, $"loss {first} → {last}");
    }
}
