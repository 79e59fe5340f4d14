using System.Text.Json;
using GraphEngine.Data;
using GraphEngine.TestKit;
using GraphEngine.Ops.Core;
using static GraphEngine.Cli.Tests.CliProcess;

namespace GraphEngine.Cli.Tests;

/// <summary>
/// The tool over a checkpoint written the way examples/MnistMlp writes it: the example's own network
/// (MnistMlp.Mlp), trained a few steps on the bundled data and saved with tf.train.Saver.
/// </summary>
[TestClass]
public sealed class MnistExampleTests
{
    [TestMethod]
    public void Inspect_run_and_freeze_work_on_the_mnist_example_checkpoint()
    {
        var dir = TempDir();
        var g = new Graph();
        string prefix, logits;
        float[] expected;
        var probe = Path.Combine(dir, "images.npy");
        using (g.as_default())
        {
            var net = MnistMlp.Mlp.Build(seed: 1);
            var mnist = Mnist.read_data_sets(BundledMnist.Dir(), one_hot: true, validation_size: 0, seed: 1);
            var saver = tf.train.Saver();
            using var sess = new Session(g);
            sess.run(tf.global_variables_initializer());
            for (int i = 0; i < 5; i++)
            {
                var (xs, ys) = mnist.train.next_batch(128, shuffle: true, drop_last: true);
                sess.run(net.TrainOp, (net.X, xs), (net.Labels, ys));
            }
            var images = mnist.test.images[":3"];
            Npy.save(probe, images);
            expected = sess.run(net.Logits, (net.X, images)).ToArray<float>();
            prefix = saver.save(sess, Path.Combine(dir, "model.ckpt"), global_step: 5);
            logits = net.Logits.name;
        }

        var table = Ok("inspect", dir);
        StringAssert.Contains(table, "dense/kernel");
        StringAssert.Contains(table, "[784, 512]");
        StringAssert.Contains(table, "dense/kernel/Adam_1");
        StringAssert.Contains(table, "beta1_power");
        // 535,818 weights (784·512 + 512 + 512·256 + 256 + 256·10 + 10), ×3 with Adam's two slots, + 2 beta powers.
        StringAssert.Contains(table, "1,607,456 parameters");

        var json = Ok("run", prefix + ".meta", "--input", "x=" + probe, "--output", logits, "--json");
        var values = JsonDocument.Parse(json).RootElement.GetProperty("outputs")[0].GetProperty("values")
            .EnumerateArray().SelectMany(r => r.EnumerateArray()).Select(v => (float)v.GetDouble()).ToArray();
        Assert.AreEqual(expected.Length, values.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], values[i], 1e-4f * Math.Max(1f, Math.Abs(expected[i])), $"logit {i}");

        var frozen = Path.Combine(dir, "frozen.pb");
        Ok("freeze", prefix + ".meta", "--checkpoint", prefix, "--output_node_names", logits.Split(':')[0], "--out", frozen);
        var frozenJson = Ok("run", frozen, "--input", "x=" + probe, "--output", logits, "--json");
        StringAssert.Contains(frozenJson, "\"outputs\"");
        Fails(1, "inspect", dir, "--tensor", "dense/kernal");
    }
}
