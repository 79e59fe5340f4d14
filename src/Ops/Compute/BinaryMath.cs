using System.Numerics;
using System.Numerics.Tensors;

namespace GraphEngine.Ops.Compute;

/// <summary>
/// x^y. Floats follow C's pow (TensorPrimitives.Pow); integers use exact repeated squaring that
/// wraps like C++, and a negative exponent is TF's InvalidArgument.
/// </summary>
public readonly struct PowOp<T> : IBinaryOp<T> where T : unmanaged, INumber<T>
{
    private static bool IsFloat => typeof(T) == typeof(float) || typeof(T) == typeof(double);

    public static T Invoke(T x, T y)
    {
        if (typeof(T) == typeof(float)) return (T)(object)MathF.Pow((float)(object)x, (float)(object)y);
        if (typeof(T) == typeof(double)) return (T)(object)System.Math.Pow((double)(object)x, (double)(object)y);
        if (y < T.Zero) throw new Core.InvalidArgumentException("Integers to negative integer powers are not allowed");
        T result = T.One, b = x;
        while (y > T.Zero)
        {
            if (T.IsOddInteger(y)) result = unchecked(result * b);
            y /= T.One + T.One;
            if (y > T.Zero) b = unchecked(b * b);
        }
        return result;
    }

    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> z)
    {
        if (typeof(T) == typeof(float)) { TensorPrimitives.Pow(Cast<float>(x), Cast<float>(y), CastW<float>(z)); return; }
        if (typeof(T) == typeof(double)) { TensorPrimitives.Pow(Cast<double>(x), Cast<double>(y), CastW<double>(z)); return; }
        for (int i = 0; i < x.Length; i++) z[i] = Invoke(x[i], y[i]);
    }

    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> z)
    {
        for (int i = 0; i < x.Length; i++) z[i] = Invoke(x[i], y);
    }

    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> z)
    {
        for (int i = 0; i < y.Length; i++) z[i] = Invoke(x, y[i]);
    }

    private static ReadOnlySpan<TE> Cast<TE>(ReadOnlySpan<T> s) where TE : unmanaged => System.Runtime.InteropServices.MemoryMarshal.Cast<T, TE>(s);
    private static Span<TE> CastW<TE>(Span<T> s) where TE : unmanaged => System.Runtime.InteropServices.MemoryMarshal.Cast<T, TE>(s);
}

/// <summary>(x − y)², as TF computes it (difference first, then square).</summary>
public readonly struct SquaredDifferenceOp<T> : IBinaryOp<T> where T : unmanaged, INumber<T>
{
    public static T Invoke(T x, T y)
    {
        T d = x - y;
        return d * d;
    }

    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> z)
    {
        TensorPrimitives.Subtract(x, y, z);
        TensorPrimitives.Multiply(z[..x.Length], z[..x.Length], z);
    }

    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> z)
    {
        TensorPrimitives.Subtract(x, y, z);
        TensorPrimitives.Multiply(z[..x.Length], z[..x.Length], z);
    }

    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> z)
    {
        TensorPrimitives.Subtract(x, y, z);
        TensorPrimitives.Multiply(z[..y.Length], z[..y.Length], z);
    }
}
