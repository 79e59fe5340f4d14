using GraphEngine.Ops.Core;
using GraphEngine.Ops.Nn;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Nn;

[TestClass]
public sealed class BiasAddTests
{
    [TestMethod]
    public void BiasAdd_and_grad_match_reference_in_both_formats()
    {
        foreach (var format in new[] { "NHWC", "NCHW" })
            for (int c = 1; c <= 9; c += 4)
            {
                long[] dims = format == "NHWC" ? [2, 3, c] : [2, c, 3];
                var x = Tn.RandomD(c, dims);
                var b = Tn.RandomD(50 + c, [c]);
                var y = KernelRunner.Run1(NnOps.BiasAdd, [x, b], ("data_format", format)).ToArray<double>();
                var g = KernelRunner.Run1(NnOps.BiasAddGrad, [x], ("data_format", format)).ToArray<double>();
                var xs = x.ToArray<double>();
                var bs = b.ToArray<double>();
                var sums = new double[c];
                for (int i = 0; i < xs.Length; i++)
                {
                    int ch = format == "NHWC" ? i % c : i / 3 % c;
                    Assert.AreEqual(xs[i] + bs[ch], y[i], 0.0, $"{format} c={c}");
                    sums[ch] += xs[i];
                }
                for (int k = 0; k < c; k++) Assert.AreEqual(sums[k], g[k], 1e-14);
            }
        CollectionAssert.AreEqual(new[] { 11, 22, 13, 24 }, KernelRunner.Run1(NnOps.BiasAdd, [Tn.I([1, 2, 3, 4], 2, 2), Tn.I([10, 20])]).ToArray<int>());
    }

    [TestMethod]
    public void BiasAdd_errors_and_shapes()
    {
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(NnOps.BiasAdd, [Tn.F([1, 2, 3, 4], 2, 2), Tn.F([1, 2, 3])]));
        StringAssert.Contains(e.Message, "Must provide as many biases as the channel dimension of the input tensor");
        ShapeDsl.Infer(NnOps.BiasAdd, "[2,?];[3]").Is("[2,3]");
        ShapeDsl.Infer(NnOps.BiasAdd, "[2,?,4];[3]", ("data_format", "NCHW")).Is("[2,3,4]");
        ShapeDsl.Infer(NnOps.BiasAdd, "[2,4];[3]").Fails("Dimensions must be equal, but are 4 and 3");
        ShapeDsl.Infer(NnOps.BiasAdd, "[3];[3]").Fails("Shape must be at least rank 2 but is rank 1");
        ShapeDsl.Infer(NnOps.BiasAddGrad, "[2,5,7]", ("data_format", "NCHW")).Is("[5]");
        ShapeDsl.Infer(NnOps.BiasAddGrad, "[2,5,7]").Is("[7]");
        ShapeDsl.Infer(NnOps.L2Loss, "[2,5]").Is("[]");
    }

    [TestMethod]
    public void L2Loss_is_half_the_sum_of_squares()
    {
        for (int n = 0; n <= 67; n++)
        {
            var x = Tn.RandomD(n, [n]).ToArray<double>();
            Assert.AreEqual(x.Sum(v => v * v) / 2, KernelRunner.Run1(NnOps.L2Loss, [Tn.D(x, n)]).ToArray<double>()[0], 1e-13 * (1 + n));
        }
        Assert.AreEqual(12.5f, KernelRunner.Run1(NnOps.L2Loss, [Tn.F([3f, 4f])]).ToArray<float>()[0]);
    }
}
