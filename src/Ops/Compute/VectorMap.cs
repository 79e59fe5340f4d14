using System.Numerics;
using System.Runtime.Intrinsics;

namespace GraphEngine.Ops.Compute;

/// <summary>A scalar function with a 256-bit vector form (same formula, lane-wise selects for the branches).</summary>
public interface IVectorUnary<T> : IScalarUnary<T> where T : unmanaged
{
    static abstract Vector256<T> Invoke(Vector256<T> x);
}

/// <summary>Vector256 body plus scalar tail; falls back to the scalar loop where Vector256 is not accelerated.</summary>
public readonly struct VectorMapOp<T, TFn> : IUnaryOp<T> where T : unmanaged where TFn : IVectorUnary<T>
{
    public static void Invoke(ReadOnlySpan<T> x, Span<T> y)
    {
        if (y.Length < x.Length) throw new ArgumentException("Destination too short.", nameof(y));
        int i = 0;
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            int w = Vector256<T>.Count;
            for (; i <= x.Length - w; i += w) TFn.Invoke(Vector256.Create(x.Slice(i, w))).CopyTo(y.Slice(i, w));
        }
        for (; i < x.Length; i++) y[i] = TFn.Invoke(x[i]);
    }
}

/// <summary>Vector exp/log for float and double behind a generic T (the BCL has them per type only).</summary>
internal static class V
{
    public static Vector256<T> Exp<T>(Vector256<T> v) where T : unmanaged =>
        typeof(T) == typeof(float) ? Vector256.Exp(v.AsSingle()).As<float, T>() : Vector256.Exp(v.AsDouble()).As<double, T>();

    public static Vector256<T> Log<T>(Vector256<T> v) where T : unmanaged =>
        typeof(T) == typeof(float) ? Vector256.Log(v.AsSingle()).As<float, T>() : Vector256.Log(v.AsDouble()).As<double, T>();

    /// <summary>Lane-wise <see cref="ScalarMath.Expm1{T}"/> (Kahan's form with the same special cases).</summary>
    public static Vector256<T> Expm1<T>(Vector256<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var one = Vector256<T>.One;
        var u = Exp(x);
        var um1 = u - one;
        var r = um1 * x / Log(u);
        r = Vector256.ConditionalSelect(Vector256.Equals(u, Vector256.Create(T.PositiveInfinity)), u, r);
        r = Vector256.ConditionalSelect(Vector256.Equals(um1, -one), -one, r);
        return Vector256.ConditionalSelect(Vector256.Equals(u, one), x, r);
    }

    /// <summary>Lane-wise <see cref="ScalarMath.Log1p{T}"/> (Goldberg's form with the same special cases).</summary>
    public static Vector256<T> Log1p<T>(Vector256<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var one = Vector256<T>.One;
        var u = one + x;
        var r = Log(u) * (x / (u - one));
        r = Vector256.ConditionalSelect(Vector256.Equals(u, Vector256.Create(T.PositiveInfinity)), u, r);
        return Vector256.ConditionalSelect(Vector256.Equals(u, one), x, r);
    }
}

public readonly struct Log1pVec<T> : IVectorUnary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x) => ScalarMath.Log1p(x);
    public static Vector256<T> Invoke(Vector256<T> x) => V.Log1p(x);
}

public readonly struct Expm1Vec<T> : IVectorUnary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x) => ScalarMath.Expm1(x);
    public static Vector256<T> Invoke(Vector256<T> x) => V.Expm1(x);
}

public readonly struct EluVec<T> : IVectorUnary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x) => EluFn<T>.Invoke(x);
    public static Vector256<T> Invoke(Vector256<T> x) =>
        Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<T>.Zero), V.Expm1(x), x);
}

public readonly struct SeluVec<T> : IVectorUnary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly T Scale = T.CreateTruncating(SeluConstants.Scale);
    private static readonly T ScaleAlpha = T.CreateTruncating(SeluConstants.ScaleAlpha);
    public static T Invoke(T x) => SeluFn<T>.Invoke(x);
    public static Vector256<T> Invoke(Vector256<T> x) =>
        Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<T>.Zero), Vector256.Create(ScaleAlpha) * V.Expm1(x), Vector256.Create(Scale) * x);
}

public readonly struct SoftplusVec<T> : IVectorUnary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x) => SoftplusFn<T>.Invoke(x);
    public static Vector256<T> Invoke(Vector256<T> x)
    {
        var th = Vector256.Create(SoftplusFn<T>.Threshold);
        var e = V.Exp(x);
        var mid = V.Log1p(e);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(x, -th), x, Vector256.ConditionalSelect(Vector256.LessThan(x, th), e, mid));
    }
}

public readonly struct SoftsignVec<T> : IVectorUnary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x) => SoftsignFn<T>.Invoke(x);
    public static Vector256<T> Invoke(Vector256<T> x) => x / (Vector256.Abs(x) + Vector256<T>.One);
}
