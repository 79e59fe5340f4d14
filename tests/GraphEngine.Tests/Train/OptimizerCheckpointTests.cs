using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Train;

/// <summary>A Saver writes the optimizer's state under the keys TF1 writes, and a restore continues training exactly.</summary>
[TestClass]
public sealed class OptimizerCheckpointTests
{
    private static (Operation Train, Variable W, Variable Step) Build()
    {
        var w = tf.Variable(new float[] { 1, -2 }, name: "w");
        var b = tf.Variable(0.5f, name: "b");
        var step = tf.train.get_or_create_global_step();
        var loss = tf.reduce_sum(tf.square(w.value() - b.value()));
        return (tf.train.AdamOptimizer(0.1).minimize(loss, global_step: step), w, step);
    }

    [TestMethod]
    public void Adam_state_is_saved_under_tf1_names_and_restores_exactly()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ge-optim-ckpt-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        string path;
        float[] afterFour;
        using (new GraphEngine.Graph().as_default())
        {
            var (train, w, _) = Build();
            var saver = tf.train.Saver();
            using var sess = tf.Session();
            sess.run(tf.global_variables_initializer());
            sess.run(train);
            sess.run(train);
            path = saver.save(sess, Path.Combine(dir, "model"));
            sess.run(train);
            sess.run(train);
            afterFour = sess.run(w).ToArray<float>();
        }
        var names = tf.train.list_variables(path).Select(v => v.name).ToArray();
        CollectionAssert.AreEqual(new[] { "b", "b/Adam", "b/Adam_1", "beta1_power", "beta2_power", "global_step", "w", "w/Adam", "w/Adam_1" }, names);
        Assert.AreEqual(0.9f * 0.9f * 0.9f, tf.train.load_variable(path, "beta1_power").GetSingle(), 1e-7f);
        Assert.AreEqual(2L, tf.train.load_variable(path, "global_step").GetInt64());

        using (new GraphEngine.Graph().as_default())
        {
            var (train, w, step) = Build();
            var saver = tf.train.Saver();
            using var sess = tf.Session();
            saver.restore(sess, path);
            Assert.AreEqual(2L, tf.train.global_step(sess, step));
            sess.run(train);
            sess.run(train);
            CollectionAssert.AreEqual(afterFour, sess.run(w).ToArray<float>(), "m, v and the β powers came back, so steps 3–4 repeat bit for bit");
        }
    }
}
