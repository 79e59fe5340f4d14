using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Math;

[TestClass]
public sealed class IntegerDivisionTests
{
    private static readonly int[] Xs = [7, -7, 7, -7, 6, -6, 0, int.MinValue, int.MinValue, 1];
    private static readonly int[] Ys = [2, 2, -2, -2, 3, 3, 5, -1, 3, int.MinValue];

    /// <summary>Python's // and % (floor semantics), in 128-bit arithmetic so MinValue / -1 is visible.</summary>
    private static (long Q, long R) PyDivMod(long x, long y)
    {
        long q = (long)System.Math.Floor((decimal)x / y);
        return (q, x - q * y);
    }

    [TestMethod]
    public void Integer_floor_division_and_modulo_follow_python()
    {
        var q = KernelRunner.Run1(MathOps.FloorDiv, [Tn.I(Xs), Tn.I(Ys)]).ToArray<int>();
        var r = KernelRunner.Run1(MathOps.FloorMod, [Tn.I(Xs), Tn.I(Ys)]).ToArray<int>();
        var ql = KernelRunner.Run1(MathOps.FloorDiv, [Tn.L(Xs.Select(v => (long)v).ToArray()), Tn.L(Ys.Select(v => (long)v).ToArray())]).ToArray<long>();
        var rl = KernelRunner.Run1(MathOps.FloorMod, [Tn.L(Xs.Select(v => (long)v).ToArray()), Tn.L(Ys.Select(v => (long)v).ToArray())]).ToArray<long>();
        for (int i = 0; i < Xs.Length; i++)
        {
            var (wq, wr) = PyDivMod(Xs[i], Ys[i]);
            Assert.AreEqual(unchecked((int)wq), q[i], $"int32 {Xs[i]} // {Ys[i]}");   // MinValue // -1 wraps, as in TF
            Assert.AreEqual((int)wr, r[i], $"int32 {Xs[i]} % {Ys[i]}");
            Assert.AreEqual(wq, ql[i], $"int64 {Xs[i]} // {Ys[i]}");
            Assert.AreEqual(wr, rl[i], $"int64 {Xs[i]} % {Ys[i]}");
        }
    }

    [TestMethod]
    public void Broadcasts_a_scalar_divisor()
    {
        var q = KernelRunner.Run1(MathOps.FloorDiv, [Tn.I([-5, -4, 4, 5], 2, 2), Tn.Scalar(-3)]);
        CollectionAssert.AreEqual(new[] { 1, 1, -2, -2 }, q.ToArray<int>());
        var r = KernelRunner.Run1(MathOps.FloorMod, [Tn.Scalar(7L), Tn.L([3, -3, 4])]);
        CollectionAssert.AreEqual(new long[] { 1, -2, 3 }, r.ToArray<long>());
    }

    [TestMethod]
    public void Floats_use_floor_of_the_quotient()
    {
        var x = new[] { 7.5, -7.5, 7.5, -7.5, 1, 0.1 };
        var y = new[] { 2.0, 2, -2, -2, 0, 0.03 };
        var q = KernelRunner.Run1(MathOps.FloorDiv, [Tn.D(x), Tn.D(y)]).ToArray<double>();
        var r = KernelRunner.Run1(MathOps.FloorMod, [Tn.D(x), Tn.D(y)]).ToArray<double>();
        var qf = KernelRunner.Run1(MathOps.FloorDiv, [Tn.F(x.Select(v => (float)v).ToArray()), Tn.F(y.Select(v => (float)v).ToArray())]).ToArray<float>();
        for (int i = 0; i < x.Length; i++)
        {
            Assert.AreEqual(System.Math.Floor(x[i] / y[i]), q[i], $"{x[i]} // {y[i]}");
            Assert.AreEqual((float)System.Math.Floor((float)x[i] / (float)y[i]), qf[i], $"float {x[i]} // {y[i]}");
            if (y[i] == 0) { Assert.IsTrue(double.IsNaN(r[i])); continue; }
            double m = x[i] % y[i];
            if (m != 0 && (m < 0) != (y[i] < 0)) m += y[i];
            Assert.AreEqual(m, r[i], 1e-15, $"{x[i]} % {y[i]}");
        }
        CollectionAssert.AreEqual(new[] { 1.5, 0.5, -0.5, -1.5 }, r[..4]);   // Python: 7.5 % 2, -7.5 % 2, 7.5 % -2, -7.5 % -2
    }

    [TestMethod]
    public void Integer_division_by_zero_is_an_invalid_argument()
    {
        foreach (var op in new[] { MathOps.FloorDiv, MathOps.FloorMod })
        {
            var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(op, [Tn.I([1, 2, 3]), Tn.I([1, 0, 1])]));
            StringAssert.Contains(e.Message, "Integer division by zero");
            Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(op, [Tn.L([1, 2]), Tn.Scalar(0L)]));
        }
        ShapeDsl.Infer(MathOps.FloorMod, "[2,?];[3]").Is("[2,3]");
    }
}
