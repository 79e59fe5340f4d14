using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using M = System.Math;

namespace GraphEngine.Ops.Tests.Math;

[TestClass]
public sealed class BinaryTests
{
    [TestMethod]
    public void Pow_and_SquaredDifference_match_reference_for_lengths_0_to_67()
    {
        for (int n = 0; n <= 67; n++)
        {
            var x = Tn.RandomD(n, [n], 0.1, 3).ToArray<double>();
            var y = Tn.RandomD(99 + n, [n], -3, 3).ToArray<double>();
            var p = KernelRunner.Run1(MathOps.Pow, [Tn.D(x, n), Tn.D(y, n)]).ToArray<double>();
            var pf = KernelRunner.Run1(MathOps.Pow, [Tn.F(x.Select(v => (float)v).ToArray(), n), Tn.F(y.Select(v => (float)v).ToArray(), n)]).ToArray<float>();
            var s = KernelRunner.Run1(MathOps.SquaredDifference, [Tn.D(x, n), Tn.D(y, n)]).ToArray<double>();
            for (int i = 0; i < n; i++)
            {
                UnaryCheck.Close(M.Pow(x[i], y[i]), p[i], 1e-14, $"pow n={n}");
                UnaryCheck.Close(M.Pow((float)x[i], (float)y[i]), pf[i], 4e-6, $"pow float n={n}");
                Assert.AreEqual((x[i] - y[i]) * (x[i] - y[i]), s[i], 0.0, $"squared difference n={n}");
            }
        }
        // Broadcast scalar exponent.
        CollectionAssert.AreEqual(new[] { 1.0, 4.0, 9.0 }, KernelRunner.Run1(MathOps.Pow, [Tn.D([1, 2, 3]), Tn.Scalar(2.0)]).ToArray<double>());
    }

    [TestMethod]
    public void Integer_pow_is_exact_and_rejects_negative_exponents()
    {
        CollectionAssert.AreEqual(new[] { 1, 8, -27, 1024, 0 }, KernelRunner.Run1(MathOps.Pow, [Tn.I([5, 2, -3, 2, 0]), Tn.I([0, 3, 3, 10, 4])]).ToArray<int>());
        CollectionAssert.AreEqual(new long[] { 1L << 62 }, KernelRunner.Run1(MathOps.Pow, [Tn.L([2]), Tn.L([62])]).ToArray<long>());
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(MathOps.Pow, [Tn.I([2]), Tn.I([-1])]));
        StringAssert.Contains(e.Message, "Integers to negative integer powers are not allowed");
        CollectionAssert.AreEqual(new[] { 9, 1 }, KernelRunner.Run1(MathOps.SquaredDifference, [Tn.I([1, 2]), Tn.I([4, 3])]).ToArray<int>());
    }

    [TestMethod]
    public void ClipByValue_scalar_and_elementwise_bounds()
    {
        var y = KernelRunner.Run1(MathOps.ClipByValue, [Tn.F([-3, -1, 0, 1, 3]), Tn.Scalar(-1f), Tn.Scalar(2f)]).ToArray<float>();
        CollectionAssert.AreEqual(new[] { -1f, -1f, 0f, 1f, 2f }, y);
        var z = KernelRunner.Run1(MathOps.ClipByValue, [Tn.D([5.0, 5.0]), Tn.D([0.0, 6.0]), Tn.D([1.0, 7.0])]).ToArray<double>();
        CollectionAssert.AreEqual(new[] { 1.0, 6.0 }, z);
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() =>
            KernelRunner.Run1(MathOps.ClipByValue, [Tn.F([1, 2, 3]), Tn.F([0, 1]), Tn.Scalar(2f)]));
        StringAssert.Contains(e.Message, "clip_value_min and clip_value_max must be either scalars or have the same shape as the input t");
    }
}
