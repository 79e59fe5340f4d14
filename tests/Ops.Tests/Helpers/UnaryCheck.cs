using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Helpers;

/// <summary>
/// Runs an elementwise unary kernel for float and double over every length 0–67 (each vector tail)
/// and over IEEE special values, against a double-precision scalar reference.
/// </summary>
internal static class UnaryCheck
{
    public static readonly double[] Specials =
        [0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, double.Epsilon, -double.Epsilon, 1e-300, -1e-300, 1.0, -1.0, 0.5, -0.5, 2.5, -2.5];

    public static void Run(OpDef op, Func<double, double> reference, double lo = -4, double hi = 4,
        double floatRtol = 4e-6, double doubleRtol = 1e-13, bool specials = true)
    {
        for (int n = 0; n <= 67; n++)
        {
            var x = Tn.RandomD(n * 7 + 1, [n], lo, hi).ToArray<double>();
            Compare(op, x, reference, floatRtol, doubleRtol, $"n={n}");
        }
        if (specials) Compare(op, Specials, reference, floatRtol, doubleRtol, "specials");
    }

    public static void Compare(OpDef op, double[] x, Func<double, double> reference, double floatRtol, double doubleRtol, string what)
    {
        var yd = KernelRunner.Run1(op, [Tn.D(x, x.Length)]).ToArray<double>();
        var xf = x.Select(v => (float)v).ToArray();
        var yf = KernelRunner.Run1(op, [Tn.F(xf, x.Length)]).ToArray<float>();
        Assert.AreEqual(x.Length, yd.Length);
        for (int i = 0; i < x.Length; i++)
        {
            Close(reference(x[i]), yd[i], doubleRtol, $"{op.Name} double {what} x={x[i]:R}");
            // The float reference is the double function of the float input, rounded to float.
            Close((float)reference(xf[i]), yf[i], floatRtol, $"{op.Name} float {what} x={xf[i]:R}");
        }
    }

    public static void Close(double expected, double actual, double rtol, string message)
    {
        if (double.IsNaN(expected)) { Assert.IsTrue(double.IsNaN(actual), $"{message}: expected NaN, got {actual:R}"); return; }
        if (double.IsInfinity(expected) || expected == 0) { Assert.AreEqual(expected, actual, 1e-300, $"{message}"); return; }
        Assert.AreEqual(expected, actual, rtol * System.Math.Abs(expected) + 1e-300, message);
    }

    /// <summary>log(1 + x): a Taylor series where 1 + x would lose digits, else the plain formula.</summary>
    public static double Log1pRef(double x) => System.Math.Abs(x) < 1e-4 ? x - x * x / 2 + x * x * x / 3 - x * x * x * x / 4 : System.Math.Log(1 + x);

    public static double Expm1Ref(double x) => System.Math.Abs(x) < 1e-4 ? x + x * x / 2 + x * x * x / 6 + x * x * x * x / 24 : System.Math.Exp(x) - 1;
}
