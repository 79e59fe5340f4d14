using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Math;

[TestClass]
public sealed class DivTests
{
    [TestMethod]
    public void Real_division_for_floats_truncation_for_integers()
    {
        CollectionAssert.AreEqual(new float[] { 3.5f, -0.5f, float.PositiveInfinity }, KernelRunner.Run1(MathOps.Div, [Tn.F([7, -1, 1]), Tn.F([2, 2, 0])]).ToArray<float>());
        CollectionAssert.AreEqual(new[] { 3, -3, -3, 3 }, KernelRunner.Run1(MathOps.Div, [Tn.I([7, -7, 7, -7]), Tn.I([2, 2, -2, -2])]).ToArray<int>());
        CollectionAssert.AreEqual(new double[] { 0.5, 1, 1.5 }, KernelRunner.Run1(MathOps.Div, [Tn.D([1, 2, 3]), Tn.Scalar(2.0)]).ToArray<double>());
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(MathOps.Div, [Tn.L([1, 2], 2), Tn.L([1, 0], 2)]));
        StringAssert.Contains(e.Message, "Integer division by zero");
        ShapeDsl.Infer(MathOps.Div, "[2,1];[3]").Is("[2,3]");
    }
}
