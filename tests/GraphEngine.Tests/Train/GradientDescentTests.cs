using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Train;

[TestClass]
public sealed class GradientDescentTests
{
    private static IDisposable NewGraph() => new GraphEngine.Graph().as_default();

    [TestMethod]
    public void Minimize_applies_var_minus_lr_times_grad_through_ApplyGradientDescent()
    {
        using var _ = NewGraph();
        var w = tf.Variable(new float[] { 1, -2 }, name: "w");
        var loss = tf.reduce_sum(tf.square(w.value()));          // grad = 2w
        var train = tf.train.GradientDescentOptimizer(0.25).minimize(loss);
        Assert.AreEqual("GradientDescent", train.name);
        var update = tf.get_default_graph().get_operation_by_name("GradientDescent/update_w/ApplyGradientDescent");
        Assert.AreEqual("ApplyGradientDescent", update.type);
        CollectionAssert.Contains(tf.get_collection(tf.GraphKeys.TRAIN_OP), train);
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        sess.run(train);
        CollectionAssert.AreEqual(new float[] { 0.5f, -1f }, sess.run(w).ToArray<float>());   // w − 0.25·2w = w/2
        sess.run(train);
        CollectionAssert.AreEqual(new float[] { 0.25f, -0.5f }, sess.run(w).ToArray<float>());
    }

    [TestMethod]
    public void Apply_gradients_increments_global_step_after_the_updates()
    {
        using var _ = NewGraph();
        var w = tf.Variable(1.0, name: "w");
        var step = tf.Variable(0L, trainable: false, name: "global_step");
        var opt = tf.train.GradientDescentOptimizer(tf.constant(0.5f));
        var loss = w.value() * 3.0;
        var grads = opt.compute_gradients(loss);
        Assert.AreEqual(1, grads.Count, "only trainable variables");
        var train = opt.apply_gradients(grads, global_step: step);
        Assert.AreEqual("AssignAdd", train.type);
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        sess.run(train);
        sess.run(train);
        Assert.AreEqual(2L, sess.run(step).GetInt64());
        Assert.AreEqual(-2.0, sess.run(w).GetDouble(), 1e-12);
    }

    [TestMethod]
    public void All_null_gradients_is_an_error_naming_the_variables()
    {
        using var _ = NewGraph();
        var a = tf.Variable(1f, name: "a");
        var b = tf.Variable(1f, name: "b");
        var loss = tf.constant(2f) * 3;
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.train.GradientDescentOptimizer(0.1).minimize(loss));
        StringAssert.Contains(e.Message, "No gradients provided for any variable: [a:0, b:0]");
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.train.GradientDescentOptimizer(0.1).minimize(loss, var_list: []));
    }

    [TestMethod]
    public void Var_list_trains_only_the_listed_variables_and_null_gradients_are_skipped()
    {
        using var _ = NewGraph();
        var a = tf.Variable(1f, name: "a");
        var b = tf.Variable(1f, name: "b");
        var c = tf.Variable(1f, name: "c");
        var loss = a.value() * b.value();
        var train = tf.train.GradientDescentOptimizer(1.0).minimize(loss, var_list: [a, c]);
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        sess.run(train);
        Assert.AreEqual(0f, sess.run(a).GetSingle());
        Assert.AreEqual(1f, sess.run(b).GetSingle());
        Assert.AreEqual(1f, sess.run(c).GetSingle());
    }

    [TestMethod]
    public void Classic_tf1_pattern_without_an_optimizer_makes_the_loss_fall()
    {
        using var _ = NewGraph();
        tf.set_random_seed(0);
        var x = tf.placeholder(tf.float32, new[] { -1, 2 });
        var y = tf.placeholder(tf.float32, new[] { -1, 1 });
        var w1 = tf.Variable(tf.random_normal(new[] { 2, 8 }, stddev: 0.5));
        var w2 = tf.Variable(tf.random_normal(new[] { 8, 1 }, stddev: 0.5));
        var pred = tf.matmul(tf.nn.relu(tf.matmul(x, w1)), w2);
        var loss = tf.reduce_mean(tf.square(pred - y));
        var grads = tf.gradients(loss, [w1, w2]);
        var lr = 0.05;
        var new_w1 = w1.assign(w1 - lr * grads[0]!);
        var new_w2 = w2.assign(w2 - lr * grads[1]!);
        var updates = tf.group(new_w1, new_w2);
        var xs = new float[,] { { 0, 1 }, { 1, 0 }, { 1, 1 }, { 2, 1 }, { -1, 2 } };
        var ys = new float[,] { { 1 }, { 1 }, { 2 }, { 3 }, { 1 } };
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        float first = 0, last = 0;
        for (int i = 0; i < 200; i++)
        {
            var r = sess.run(new ITensorOrOperation[] { loss, updates }, (x, xs), (y, ys));
            if (i == 0) first = r[0]!.GetSingle();
            last = r[0]!.GetSingle();
        }
        Assert.IsLessThan(first * 0.1f, last, $"loss {first} → {last}");
    }
}
