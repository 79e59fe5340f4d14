using System.Numerics;

namespace GraphEngine.Ops.Compute;

/// <summary>
/// Careful scalar math the BCL lacks or gets loose: float.LogP1 is Log(x + 1) and loses every
/// digit of a tiny x, ExpM1 likewise; there is no Erf at all.
/// </summary>
public static class ScalarMath
{
    /// <summary>Machine epsilon (the gap above 1), not T.Epsilon (the smallest subnormal).</summary>
    public static T MachineEpsilon<T>() where T : IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? T.CreateTruncating(1.0 / (1 << 23)) : T.CreateTruncating(System.Math.Pow(2, -52));

    /// <summary>
    /// log(1 + x) to full precision (Goldberg's trick): u = 1 + x is rounded, and log(u)·x/(u − 1)
    /// cancels the rounding of u exactly to first order.
    /// </summary>
    public static T Log1p<T>(T x) where T : IFloatingPointIeee754<T>
    {
        T u = T.One + x;
        if (u == T.One) return x;                  // also keeps -0 as -0
        if (T.IsPositiveInfinity(u)) return u;     // log(inf)·x/inf would be NaN
        return T.Log(u) * (x / (u - T.One));
    }

    /// <summary>exp(x) − 1 to full precision (Kahan's trick): (u − 1)·x/log(u) with u = exp(x).</summary>
    public static T Expm1<T>(T x) where T : IFloatingPointIeee754<T>
    {
        T u = T.Exp(x);
        if (u == T.One) return x;
        T um1 = u - T.One;
        if (um1 == -T.One) return -T.One;
        if (T.IsPositiveInfinity(u)) return u;
        return um1 * x / T.Log(u);
    }

    private static readonly double TwoOverSqrtPi = 2.0 / System.Math.Sqrt(System.Math.PI);

    /// <summary>
    /// The error function to about 1e-15 relative: for |x| &lt; 3 the all-positive series
    /// erf(x) = 2/√π·e^(−x²)·Σ 2ⁿx^(2n+1)/(1·3·…·(2n+1)) (no cancellation); for 3 ≤ |x| &lt; 6
    /// 1 − erfc(x) with erfc from its continued fraction (modified Lentz); beyond, ±1.
    /// </summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double ax = System.Math.Abs(x);
        if (ax >= 6) return double.CopySign(1.0, x);
        double r;
        if (ax < 3)
        {
            double x2 = ax * ax, term = ax, sum = ax;
            for (int n = 1; n < 200; n++)
            {
                term *= 2 * x2 / (2 * n + 1);
                sum += term;
                if (term < sum * 1e-17) break;
            }
            r = TwoOverSqrtPi * System.Math.Exp(-x2) * sum;
        }
        else r = 1 - Erfc(ax);
        return x < 0 ? -r : (x == 0 ? x : r);
    }

    /// <summary>erfc(x) for x ≥ 3: e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))).</summary>
    private static double Erfc(double x)
    {
        // Continued fraction K = x + a1/(x + a2/(x + …)) with a_k = k/2, evaluated by modified Lentz.
        const double tiny = 1e-300;
        double f = x, c = x, d = 0;
        for (int k = 1; k < 300; k++)
        {
            double a = k * 0.5;
            d = x + a * d;
            d = System.Math.Abs(d) < tiny ? tiny : d;
            c = x + a / c;
            c = System.Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (System.Math.Abs(delta - 1) < 1e-16) break;
        }
        return System.Math.Exp(-x * x) / System.Math.Sqrt(System.Math.PI) / f;
    }
}
