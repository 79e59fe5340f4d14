using GraphEngine.Data;
using GraphEngine.TestKit;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Examples;

/// <summary>
/// The MNIST examples train the same way every time for a fixed seed: same initial weights, same
/// batches, bit-identical losses and weights after several steps (the kernels' parallel splits
/// do not change summation order).
/// </summary>
[TestClass]
public sealed class MnistDeterminismTests
{
    private static (float[] Losses, float[] Weights) TrainMlp(int seed, int steps)
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var net = MnistMlp.Mlp.Build(seed);
        var mnist = Mnist.read_data_sets(BundledMnist.Dir(), one_hot: true, validation_size: 0, seed: seed);
        using var sess = tf.Session(g);
        sess.run(tf.global_variables_initializer());
        var losses = new float[steps];
        for (int i = 0; i < steps; i++)
        {
            var (xs, ys) = mnist.train.next_batch(128, shuffle: true, drop_last: true);
            losses[i] = sess.run(new ITensorOrOperation[] { net.Loss, net.TrainOp }, (net.X, xs), (net.Labels, ys))[0]!.GetSingle();
        }
        return (losses, sess.run("dense_1/kernel:0")!.ToArray<float>());
    }

    [TestMethod]
    public void Mnist_mlp_training_is_bit_identical_for_a_fixed_seed()
    {
        var a = TrainMlp(seed: 1, steps: 4);
        var b = TrainMlp(seed: 1, steps: 4);
        CollectionAssert.AreEqual(a.Losses, b.Losses);
        CollectionAssert.AreEqual(a.Weights, b.Weights);
        Assert.IsTrue(a.Losses[^1] < a.Losses[0], $"loss should fall: {string.Join(", ", a.Losses)}");

        var other = TrainMlp(seed: 2, steps: 1);
        Assert.AreNotEqual(a.Losses[0], other.Losses[0], "another seed gives other weights and batches");
    }

    private static (float[] Losses, float[] Weights) TrainCnn(int seed, int steps)
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var net = MnistCnn.LeNet.Build(seed);
        var mnist = Mnist.read_data_sets(BundledMnist.Dir(), one_hot: true, validation_size: 0, seed: seed);
        using var sess = tf.Session(g);
        sess.run(tf.global_variables_initializer());
        var losses = new float[steps];
        for (int i = 0; i < steps; i++)
        {
            var (xs, ys) = mnist.train.next_batch(64, shuffle: true, drop_last: true);
            losses[i] = sess.run(new ITensorOrOperation[] { net.Loss, net.TrainOp }, (net.X, xs), (net.Labels, ys), (net.KeepProb, 0.5f))[0]!.GetSingle();
        }
        return (losses, sess.run("conv2/W:0")!.ToArray<float>());
    }

    [TestMethod]
    public void Mnist_cnn_training_with_dropout_is_bit_identical_for_a_fixed_seed()
    {
        var a = TrainCnn(seed: 1, steps: 3);
        var b = TrainCnn(seed: 1, steps: 3);
        CollectionAssert.AreEqual(a.Losses, b.Losses);
        CollectionAssert.AreEqual(a.Weights, b.Weights);
        var other = TrainCnn(seed: 2, steps: 1);
        Assert.AreNotEqual(a.Losses[0], other.Losses[0], "another seed gives other weights, batches and dropout masks");
    }
}
