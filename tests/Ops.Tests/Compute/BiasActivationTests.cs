using GraphEngine.Ops.Compute;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Compute;

/// <summary>The fused bias + ReLU pass and its backward equal the naive two-step references bit for bit.</summary>
[TestClass]
public sealed class BiasActivationTests
{
    private static float Naive(float x, float b, bool relu)
    {
        float v = x + b;
        return relu && v < 0 ? 0 : v;
    }

    [TestMethod]
    [DataRow(1, 1)]
    [DataRow(1, 37)]
    [DataRow(29, 1)]
    [DataRow(5, 8)]
    [DataRow(7, 17)]
    [DataRow(300, 515)]   // split across cores
    public void Float_matches_the_naive_reference(int rows, int channels)
    {
        var r = new System.Random(rows * 1000 + channels);
        var x = new float[rows * channels];
        var b = new float[channels];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(r.NextDouble() * 4 - 2);
        for (int i = 0; i < b.Length; i++) b[i] = (float)(r.NextDouble() * 2 - 1);
        x[0] = float.NaN;
        if (x.Length > 2) (x[1], x[2]) = (-0f, float.NegativeInfinity);
        if (b.Length > 1) b[1] = -0f;
        foreach (bool relu in new[] { false, true })
        {
            var y = new float[x.Length];
            BiasActivation.Apply<float>(x, b, y, relu);
            var inPlace = (float[])x.Clone();
            BiasActivation.Apply<float>(inPlace, b, inPlace, relu);
            for (int i = 0; i < x.Length; i++)
            {
                int expected = BitConverter.SingleToInt32Bits(Naive(x[i], b[i % channels], relu));
                Assert.AreEqual(expected, BitConverter.SingleToInt32Bits(y[i]), $"relu={relu} element {i}");
                Assert.AreEqual(expected, BitConverter.SingleToInt32Bits(inPlace[i]), $"in place, relu={relu} element {i}");
            }
        }
    }

    [TestMethod]
    public void Double_matches_the_naive_reference()
    {
        var r = new System.Random(3);
        var x = Enumerable.Range(0, 9 * 13).Select(_ => r.NextDouble() * 4 - 2).ToArray();
        var b = Enumerable.Range(0, 13).Select(_ => r.NextDouble() - 0.5).ToArray();
        var y = new double[x.Length];
        BiasActivation.Apply<double>(x, b, y, relu: true);
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i] + b[i % 13];
            Assert.AreEqual(BitConverter.DoubleToInt64Bits(v < 0 ? 0 : v), BitConverter.DoubleToInt64Bits(y[i]));
        }
    }

    [TestMethod]
    [DataRow(1, 1)]
    [DataRow(3, 17)]
    [DataRow(64, 40)]
    public void ReluGrad_and_bias_gradient_match_the_two_kernels_reference(int rows, int channels)
    {
        var r = new System.Random(rows + channels);
        var g = Enumerable.Range(0, rows * channels).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
        var f = Enumerable.Range(0, rows * channels).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
        f[0] = 0f;   // ReluGrad passes g only where features > 0
        var dz = new float[g.Length];
        var db = Enumerable.Repeat(float.NaN, channels).ToArray();   // must be overwritten
        BiasActivation.ReluGradBiasGrad<float>(g, f, dz, db);
        var expectedDb = new float[channels];
        for (int i = 0; i < g.Length; i++)
        {
            float e = f[i] > 0 ? g[i] : 0f;
            Assert.AreEqual(BitConverter.SingleToInt32Bits(e), BitConverter.SingleToInt32Bits(dz[i]), $"dz {i}");
            expectedDb[i % channels] += e;   // row by row, in order, from +0: BiasAddGrad's order
        }
        CollectionAssert.AreEqual(expectedDb.Select(BitConverter.SingleToInt32Bits).ToArray(), db.Select(BitConverter.SingleToInt32Bits).ToArray());
    }

    [TestMethod]
    public void Elements_that_are_not_whole_rows_are_refused()
    {
        Assert.ThrowsExactly<ArgumentException>(() => BiasActivation.Apply<float>(new float[7], new float[3], new float[7], true));
        Assert.ThrowsExactly<ArgumentException>(() => BiasActivation.Apply<float>(new float[6], new float[3], new float[5], true));
        Assert.ThrowsExactly<ArgumentException>(() => BiasActivation.ReluGradBiasGrad<float>(new float[7], new float[7], new float[7], new float[3]));
    }
}
