using GraphEngine.Ops.Core;
using GraphEngine.Ops.Nn;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Nn;

[TestClass]
public sealed class ActivationsTests
{
    [TestMethod]
    public void Relu_and_ReluGrad_match_reference_for_lengths_0_to_67()
    {
        for (int n = 0; n <= 67; n++)
        {
            var x = Tn.RandomD(n, [n]).ToArray<double>();
            var g = Tn.RandomD(100 + n, [n]).ToArray<double>();
            CollectionAssert.AreEqual(x.Select(v => v < 0 ? 0 : v).ToArray(), KernelRunner.Run1(NnOps.Relu, [Tn.D(x, n)]).ToArray<double>());
            var xf = x.Select(v => (float)v).ToArray();
            CollectionAssert.AreEqual(xf.Select(v => v < 0 ? 0 : v).ToArray(), KernelRunner.Run1(NnOps.Relu, [Tn.F(xf, n)]).ToArray<float>());
            var xi = x.Select(v => (int)(v * 100)).ToArray();
            CollectionAssert.AreEqual(xi.Select(v => System.Math.Max(v, 0)).ToArray(), KernelRunner.Run1(NnOps.Relu, [Tn.I(xi, n)]).ToArray<int>());
            var xl = xi.Select(v => (long)v).ToArray();
            CollectionAssert.AreEqual(xl.Select(v => System.Math.Max(v, 0)).ToArray(), KernelRunner.Run1(NnOps.Relu, [Tn.L(xl, n)]).ToArray<long>());
            CollectionAssert.AreEqual(g.Zip(x, (a, b) => b > 0 ? a : 0).ToArray(),
                KernelRunner.Run1(NnOps.ReluGrad, [Tn.D(g, n), Tn.D(x, n)]).ToArray<double>());
            var gf = g.Select(v => (float)v).ToArray();
            CollectionAssert.AreEqual(gf.Zip(xf, (a, b) => b > 0 ? a : 0).ToArray(),
                KernelRunner.Run1(NnOps.ReluGrad, [Tn.F(gf, n), Tn.F(xf, n)]).ToArray<float>());
            CollectionAssert.AreEqual(xi.Zip(xi, (a, b) => b > 0 ? a : 0).ToArray(),
                KernelRunner.Run1(NnOps.ReluGrad, [Tn.I(xi, n), Tn.I(xi, n)]).ToArray<int>());
        }
    }

    [TestMethod]
    public void Relu_special_values_follow_std_max()
    {
        var y = KernelRunner.Run1(NnOps.Relu, [Tn.F([float.NaN, -0f, float.NegativeInfinity, float.PositiveInfinity, -float.Epsilon, float.Epsilon, 0, 0, 0])]).ToArray<float>();
        Assert.IsTrue(float.IsNaN(y[0]), "NaN propagates");
        Assert.IsTrue(y[1] == 0 && float.IsNegative(y[1]), "-0 stays -0 (std::max(x, 0) returns x when equal)");
        Assert.AreEqual(0f, y[2]);
        Assert.AreEqual(float.PositiveInfinity, y[3]);
        Assert.AreEqual(0f, y[4]);
        Assert.AreEqual(float.Epsilon, y[5]);
        // ReluGrad at exactly 0 passes no gradient, as TF's (features > 0).
        CollectionAssert.AreEqual(new[] { 0f, 0f, 5f }, KernelRunner.Run1(NnOps.ReluGrad, [Tn.F([5, 5, 5]), Tn.F([0, -1, 1])]).ToArray<float>());
    }

    [TestMethod]
    public void ReluGrad_requires_equal_shapes_and_shapes_merge()
    {
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(NnOps.ReluGrad, [Tn.F([1, 2]), Tn.F([1, 2, 3])]));
        StringAssert.Contains(e.Message, "must be the same shape");
        ShapeDsl.Infer(NnOps.Relu, "[1,?,3]").Is("[1,?,3]");
        ShapeDsl.Infer(NnOps.ReluGrad, "[1,?];[?,2]").Is("[1,2]");
        ShapeDsl.Infer(NnOps.ReluGrad, "[1,3];[?,2]").Fails("Dimension 1 in both shapes must be equal, but are 3 and 2");
        CollectionAssert.Contains(NnOps.Relu.FindAttr("T")!.AllowedValues!.ListType, DType.QInt8);
        CollectionAssert.DoesNotContain(NnOps.ReluGrad.FindAttr("T")!.AllowedValues!.ListType, DType.QInt8);
    }
}
