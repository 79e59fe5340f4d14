using System.Numerics;
using System.Numerics.Tensors;

namespace GraphEngine.Ops.Compute;

/// <summary>A scalar function of one element; <see cref="MapOp{T, TFn}"/> turns it into a span op.</summary>
public interface IScalarUnary<T> where T : unmanaged
{
    static abstract T Invoke(T x);
}

/// <summary>A scalar function of two same-index elements (the *Grad ops).</summary>
public interface IScalarBinary<T> where T : unmanaged
{
    static abstract T Invoke(T a, T b);
}

/// <summary>Applies a scalar function over a span; the JIT specialises the loop per function struct.</summary>
public readonly struct MapOp<T, TFn> : IUnaryOp<T> where T : unmanaged where TFn : IScalarUnary<T>
{
    public static void Invoke(ReadOnlySpan<T> x, Span<T> y)
    {
        if (y.Length < x.Length) throw new ArgumentException("Destination too short.", nameof(y));
        for (int i = 0; i < x.Length; i++) y[i] = TFn.Invoke(x[i]);
    }
}

/// <summary>Same-shape binary map: z[i] = f(a[i], b[i]).</summary>
public static class ZipMap
{
    public static void Invoke<T, TFn>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> z) where T : unmanaged where TFn : IScalarBinary<T>
    {
        if (b.Length != a.Length || z.Length < a.Length) throw new ArgumentException("Span lengths differ.");
        for (int i = 0; i < a.Length; i++) z[i] = TFn.Invoke(a[i], b[i]);
    }
}

// ---- TensorPrimitives-backed ops (vectorised) ----

public readonly struct ExpOp<T> : IUnaryOp<T> where T : unmanaged, IExponentialFunctions<T>
{
    public static void Invoke(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Exp(x, y);
}

public readonly struct LogOp<T> : IUnaryOp<T> where T : unmanaged, ILogarithmicFunctions<T>
{
    public static void Invoke(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Log(x, y);
}

public readonly struct SqrtOp<T> : IUnaryOp<T> where T : unmanaged, IRootFunctions<T>
{
    public static void Invoke(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Sqrt(x, y);
}

/// <summary>1/sqrt(x) computed as a division of the rounded sqrt, so Rsqrt(4) is exactly 0.5 (no estimate instructions).</summary>
public readonly struct RsqrtOp<T> : IUnaryOp<T> where T : unmanaged, IRootFunctions<T>, IFloatingPointIeee754<T>
{
    public static void Invoke(ReadOnlySpan<T> x, Span<T> y)
    {
        TensorPrimitives.Sqrt(x, y);
        TensorPrimitives.Divide(T.One, y[..x.Length], y);
    }
}

public readonly struct ReciprocalOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Invoke(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Divide(T.One, x, y);
}

public readonly struct SinOp<T> : IUnaryOp<T> where T : unmanaged, ITrigonometricFunctions<T>
{
    public static void Invoke(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Sin(x, y);
}

public readonly struct CosOp<T> : IUnaryOp<T> where T : unmanaged, ITrigonometricFunctions<T>
{
    public static void Invoke(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Cos(x, y);
}

/// <summary>
/// tanh through the scalar BCL function: TensorPrimitives.Tanh's float path evaluates
/// (e^2x − 1)/(e^2x + 1) and loses 4e-5 relative near 0 (caught by UnaryTests), far from TF's accuracy.
/// </summary>
public readonly struct TanhFn<T> : IScalarUnary<T> where T : unmanaged, IHyperbolicFunctions<T>
{
    public static T Invoke(T x) => T.Tanh(x);
}

/// <summary>1 / (1 + exp(-x)): saturates to 0 and 1 without overflow trouble (exp(-x) = inf gives 0).</summary>
public readonly struct SigmoidOp<T> : IUnaryOp<T> where T : unmanaged, IExponentialFunctions<T>
{
    public static void Invoke(ReadOnlySpan<T> x, Span<T> y)
    {
        if (x.Length > 0) TensorPrimitives.Sigmoid(x, y);   // it rejects empty spans
    }
}

public readonly struct FloorOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPoint<T>
{
    public static void Invoke(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Floor(x, y);
}

public readonly struct CeilOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPoint<T>
{
    public static void Invoke(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Ceiling(x, y);
}

/// <summary>Round half to even (TF's Round is banker's rounding; TensorPrimitives.Round defaults to ToEven).</summary>
public readonly struct RoundOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPoint<T>
{
    public static void Invoke(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Round(x, y);
}

/// <summary>Round, Floor-like ops on integers are the identity.</summary>
public readonly struct CopyOp<T> : IUnaryOp<T> where T : unmanaged
{
    public static void Invoke(ReadOnlySpan<T> x, Span<T> y)
    {
        if (!SpanAlias.AreSame(x, y)) x.CopyTo(y);
    }
}

internal static class SpanAlias
{
    public static bool AreSame<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged =>
        x.Length > 0 && y.Length > 0 && System.Runtime.CompilerServices.Unsafe.AreSame(
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x), ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y));
}

/// <summary>|x|. Floats through TensorPrimitives; integers wrap at MinValue as C++ does (TensorPrimitives.Abs would throw).</summary>
public readonly struct AbsOp<T> : IUnaryOp<T> where T : unmanaged, INumber<T>
{
    public static void Invoke(ReadOnlySpan<T> x, Span<T> y)
    {
        if (typeof(T) == typeof(float) || typeof(T) == typeof(double)) { TensorPrimitives.Abs(x, y); return; }
        for (int i = 0; i < x.Length; i++) y[i] = x[i] < T.Zero ? T.Zero - x[i] : x[i];
    }
}

/// <summary>
/// -1, 0 or 1; NaN stays NaN and ±0 gives +0 ((x &gt; 0) - (x &lt; 0), as Eigen's sign for reals,
/// with NaN propagated). Math.Sign would throw on NaN.
/// </summary>
public readonly struct SignFn<T> : IScalarUnary<T> where T : unmanaged, INumber<T>
{
    public static T Invoke(T x) => T.IsNaN(x) ? x : x > T.Zero ? T.One : x < T.Zero ? -T.One : T.Zero;
}

public readonly struct Log1pFn<T> : IScalarUnary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x) => ScalarMath.Log1p(x);
}

public readonly struct Expm1Fn<T> : IScalarUnary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x) => ScalarMath.Expm1(x);
}

public readonly struct ErfFn<T> : IScalarUnary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x) => T.CreateTruncating(ScalarMath.Erf(double.CreateTruncating(x)));
}

// ---- gradient helpers of the unary math ops: (y, dy) → z, as TF's *Grad kernels ----

/// <summary>TanhGrad: dy · (1 − y²).</summary>
public readonly struct TanhGradFn<T> : IScalarBinary<T> where T : unmanaged, INumber<T>
{
    public static T Invoke(T y, T dy) => dy * (T.One - y * y);
}

/// <summary>SigmoidGrad: dy · y · (1 − y).</summary>
public readonly struct SigmoidGradFn<T> : IScalarBinary<T> where T : unmanaged, INumber<T>
{
    public static T Invoke(T y, T dy) => dy * (y * (T.One - y));
}

/// <summary>SqrtGrad: dy · 0.5 / y.</summary>
public readonly struct SqrtGradFn<T> : IScalarBinary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly T Half = T.One / (T.One + T.One);
    public static T Invoke(T y, T dy) => dy * Half / y;
}

/// <summary>RsqrtGrad: dy · (−0.5 · y³).</summary>
public readonly struct RsqrtGradFn<T> : IScalarBinary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly T MinusHalf = -T.One / (T.One + T.One);
    public static T Invoke(T y, T dy) => dy * (MinusHalf * (y * y * y));
}

/// <summary>ReciprocalGrad: dy · (−y²).</summary>
public readonly struct ReciprocalGradFn<T> : IScalarBinary<T> where T : unmanaged, INumber<T>
{
    public static T Invoke(T y, T dy) => dy * -(y * y);
}
