using Microsoft.VisualStudio.TestTools.UnitTesting;
using Tf1Classics;

namespace GraphEngine.Tests.Examples;

/// <summary>Runs the snippets of examples/Tf1Classics and checks what each one claims to show.</summary>
[TestClass]
[DoNotParallelize]
public sealed class Tf1ClassicsTests
{
    [TestMethod]
    public void Two_layer_fully_connected_net_fits_its_batch()
    {
        var r = Snippets.TwoLayerFullyConnected();
        CollectionAssert.AreEqual(new long[] { 64, 10 }, r.ScoresShape);
        Assert.IsTrue(r.InitialLoss > 2.0f, $"initial loss {r.InitialLoss} should be near ln 10");
        Assert.IsTrue(r.FinalLoss < 0.25f * r.InitialLoss, $"loss {r.InitialLoss} → {r.FinalLoss}");
    }

    [TestMethod]
    public void Three_layer_convnet_fits_its_batch()
    {
        var r = Snippets.ThreeLayerConvNet(steps: 10);
        CollectionAssert.AreEqual(new long[] { 16, 10 }, r.ScoresShape);
        Assert.IsTrue(r.FinalLoss < 0.5f * r.InitialLoss, $"loss {r.InitialLoss} → {r.FinalLoss}");
    }

    [TestMethod]
    public void Stop_gradient_trains_network_B_and_leaves_A_untouched()
    {
        var r = Snippets.StopGradientBetweenNetworks();
        Assert.IsTrue(r.GradientOfLossWithRespectToABlocked);
        CollectionAssert.AreEqual(r.NetABefore, r.NetAAfter);
        Assert.IsTrue(r.NetBAfter.Zip(r.NetBBefore, (a, b) => Math.Abs(a - b)).Max() > 1e-3f);
    }

    [TestMethod]
    public void Per_layer_learning_rates_step_each_layer_by_its_own_rate()
    {
        var r = Snippets.PerLayerLearningRates(rate1: 0.1, rate2: 0.01);
        AssertStep(r.W1Step, r.W1Gradient, r.Rate1);
        AssertStep(r.W2Step, r.W2Gradient, r.Rate2);
        Assert.IsTrue(r.W2Gradient.Any(g => g != 0f), "layer 2 should receive a gradient");
    }

    private static void AssertStep(float[] step, float[] gradient, double rate)
    {
        for (int i = 0; i < step.Length; i++)
            Assert.AreEqual(-rate * gradient[i], step[i], 1e-5 + 1e-4 * Math.Abs(rate * gradient[i]), $"element {i}");
    }
}
