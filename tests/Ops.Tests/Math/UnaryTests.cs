using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using M = System.Math;

namespace GraphEngine.Ops.Tests.Math;

[TestClass]
public sealed class UnaryTests
{
    [TestMethod] public void Abs_matches_reference() => UnaryCheck.Run(MathOps.Abs, M.Abs, doubleRtol: 0, floatRtol: 0);
    [TestMethod] public void Sign_matches_reference() => UnaryCheck.Run(MathOps.Sign, x => double.IsNaN(x) ? x : x > 0 ? 1 : x < 0 ? -1 : 0, doubleRtol: 0, floatRtol: 0);
    [TestMethod] public void Exp_matches_reference() => UnaryCheck.Run(MathOps.Exp, M.Exp, -80, 80);
    [TestMethod] public void Log_matches_reference() => UnaryCheck.Run(MathOps.Log, M.Log, 1e-3, 50);
    [TestMethod] public void Log1p_matches_reference() => UnaryCheck.Run(MathOps.Log1p, UnaryCheck.Log1pRef, -0.999, 3, doubleRtol: 1e-11);
    [TestMethod] public void Log1p_keeps_every_digit_of_tiny_inputs() => UnaryCheck.Run(MathOps.Log1p, UnaryCheck.Log1pRef, -1e-6, 1e-6, doubleRtol: 1e-15, specials: false);
    [TestMethod] public void Expm1_matches_reference() => UnaryCheck.Run(MathOps.Expm1, UnaryCheck.Expm1Ref, -30, 30, doubleRtol: 1e-11);
    [TestMethod] public void Expm1_keeps_every_digit_of_tiny_inputs() => UnaryCheck.Run(MathOps.Expm1, UnaryCheck.Expm1Ref, -1e-6, 1e-6, doubleRtol: 1e-15, specials: false);
    [TestMethod] public void Sqrt_matches_reference() => UnaryCheck.Run(MathOps.Sqrt, M.Sqrt, 0, 100);
    [TestMethod] public void Rsqrt_matches_reference() => UnaryCheck.Run(MathOps.Rsqrt, x => 1 / M.Sqrt(x), 1e-3, 100);
    [TestMethod] public void Reciprocal_matches_reference() => UnaryCheck.Run(MathOps.Reciprocal, x => 1 / x);
    [TestMethod] public void Floor_matches_reference() => UnaryCheck.Run(MathOps.Floor, M.Floor, doubleRtol: 0, floatRtol: 0);
    [TestMethod] public void Ceil_matches_reference() => UnaryCheck.Run(MathOps.Ceil, M.Ceiling, doubleRtol: 0, floatRtol: 0);
    [TestMethod] public void Round_matches_reference() => UnaryCheck.Run(MathOps.Round, x => M.Round(x, MidpointRounding.ToEven), doubleRtol: 0, floatRtol: 0);
    [TestMethod] public void Sin_matches_reference() => UnaryCheck.Run(MathOps.Sin, M.Sin, -10, 10);
    [TestMethod] public void Cos_matches_reference() => UnaryCheck.Run(MathOps.Cos, M.Cos, -10, 10);
    [TestMethod] public void Tanh_matches_reference() => UnaryCheck.Run(MathOps.Tanh, M.Tanh, -20, 20);
    [TestMethod] public void Sigmoid_matches_reference() => UnaryCheck.Run(MathOps.Sigmoid, x => 1 / (1 + M.Exp(-x)), -40, 40);

    [TestMethod]
    public void Erf_matches_tabulated_values_and_is_odd()
    {
        // erf values from Abramowitz & Stegun table 7.1 / high-precision evaluation (17 digits).
        double[] x = [0.0, 0.1, 0.5, 1.0, 1.5, 2.0, 3.0, 3.5, 4.0, 5.0, 6.5];
        double[] want = [0.0, 0.11246291601828489, 0.52049987781304654, 0.84270079294971487, 0.96610514647531073, 0.99532226501895273,
            0.99997790950300141, 0.99999925690162766, 0.99999998458274210, 0.99999999999846260, 1.0];
        var y = KernelRunner.Run1(MathOps.Erf, [Tn.D(x, x.Length)]).ToArray<double>();
        var yn = KernelRunner.Run1(MathOps.Erf, [Tn.D(x.Select(v => -v).ToArray(), x.Length)]).ToArray<double>();
        for (int i = 0; i < x.Length; i++)
        {
            Assert.AreEqual(want[i], y[i], 2e-15, $"erf({x[i]})");
            Assert.AreEqual(-y[i], yn[i], 0.0, $"erf(-{x[i]})");
        }
        UnaryCheck.Run(MathOps.Erf, ScalarMath.Erf, -7, 7);   // float and every tail against the double kernel
        var sp = KernelRunner.Run1(MathOps.Erf, [Tn.D([double.PositiveInfinity, double.NegativeInfinity, double.NaN, -0.0])]).ToArray<double>();
        Assert.AreEqual(1.0, sp[0]);
        Assert.AreEqual(-1.0, sp[1]);
        Assert.IsTrue(double.IsNaN(sp[2]));
        Assert.IsTrue(double.IsNegative(sp[3]) && sp[3] == 0);
    }

    [TestMethod]
    public void Round_is_bankers_rounding()
    {
        var y = KernelRunner.Run1(MathOps.Round, [Tn.F([0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 2.4f, 2.6f])]).ToArray<float>();
        CollectionAssert.AreEqual(new[] { 0f, 2f, 2f, -0f, -2f, -2f, 2f, 3f }, y);
        CollectionAssert.AreEqual(new[] { 3, -4 }, KernelRunner.Run1(MathOps.Round, [Tn.I([3, -4])]).ToArray<int>());
    }

    [TestMethod]
    public void Integer_abs_and_sign_wrap_like_cpp()
    {
        CollectionAssert.AreEqual(new[] { 3, 0, 5, int.MinValue }, KernelRunner.Run1(MathOps.Abs, [Tn.I([-3, 0, 5, int.MinValue])]).ToArray<int>());
        CollectionAssert.AreEqual(new long[] { 1, 0, -1 }, KernelRunner.Run1(MathOps.Sign, [Tn.L([7, 0, -9])]).ToArray<long>());
        CollectionAssert.AreEqual(new[] { -1, 0, 1 }, KernelRunner.Run1(MathOps.Sign, [Tn.I([-2, 0, 9])]).ToArray<int>());
    }

    [TestMethod]
    public void IsNan_and_IsFinite_give_bool()
    {
        var x = Tn.D([1.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, double.Epsilon]);
        var nan = KernelRunner.Run1(MathOps.IsNan, [x]);
        Assert.AreEqual(DType.Bool, nan.DType);
        CollectionAssert.AreEqual(new[] { false, true, false, false, false, false }, nan.ToArray<bool>());
        CollectionAssert.AreEqual(new[] { true, false, false, false, true, true }, KernelRunner.Run1(MathOps.IsFinite, [x]).ToArray<bool>());
        CollectionAssert.AreEqual(new[] { false, true }, KernelRunner.Run1(MathOps.IsNan, [Tn.F([0f, float.NaN])]).ToArray<bool>());
    }

    [TestMethod]
    public void Grad_ops_match_their_formulas_for_all_lengths()
    {
        (Ops.Model.OpDef Op, Func<double, double, double> Ref)[] cases =
        [
            (MathOps.TanhGrad, (y, dy) => dy * (1 - y * y)),
            (MathOps.SigmoidGrad, (y, dy) => dy * y * (1 - y)),
            (MathOps.SqrtGrad, (y, dy) => dy * 0.5 / y),
            (MathOps.RsqrtGrad, (y, dy) => dy * -0.5 * y * y * y),
            (MathOps.ReciprocalGrad, (y, dy) => dy * -y * y),
        ];
        foreach (var (op, reference) in cases)
            for (int n = 0; n <= 67; n++)
            {
                var y = Tn.RandomD(n, [n], 0.1, 2).ToArray<double>();
                var dy = Tn.RandomD(500 + n, [n]).ToArray<double>();
                var zd = KernelRunner.Run1(op, [Tn.D(y, n), Tn.D(dy, n)]).ToArray<double>();
                var zf = KernelRunner.Run1(op, [Tn.F(y.Select(v => (float)v).ToArray(), n), Tn.F(dy.Select(v => (float)v).ToArray(), n)]).ToArray<float>();
                for (int i = 0; i < n; i++)
                {
                    UnaryCheck.Close(reference(y[i], dy[i]), zd[i], 1e-14, $"{op.Name} double n={n}");
                    Assert.AreEqual(reference((float)y[i], (float)dy[i]), zf[i], 1e-5 * System.Math.Max(1, System.Math.Abs(zf[i])), $"{op.Name} float n={n}");
                }
            }
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(MathOps.TanhGrad, [Tn.D([1, 2]), Tn.D([1, 2, 3])]));
        StringAssert.Contains(e.Message, "must have same number elements, got 2 and 3");
    }

    [TestMethod]
    public void Shapes()
    {
        ShapeDsl.Infer(MathOps.Exp, "[1,?,3]").Is("[1,?,3]");
        ShapeDsl.Infer(MathOps.IsNan, "?").Is("?");
        ShapeDsl.Infer(MathOps.TanhGrad, "[2,?];[?,3]").Is("[2,?]");
        ShapeDsl.Infer(MathOps.Pow, "[2,1];[3]").Is("[2,3]");
        ShapeDsl.Infer(MathOps.SquaredDifference, "[2,4];[3]").Fails("Dimensions must be equal, but are 4 and 3");
        ShapeDsl.Infer(MathOps.ClipByValue, "[2,3];[];[]").Is("[2,3]");
    }
}
