using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace GraphEngine.Ops.Compute;

/// <summary>
/// Elementwise max(x, y). TensorPrimitives.Max propagates NaN and orders -0 below +0, which is
/// what TF's Maximum does (Eigen's NaN-propagating max) for floating types.
/// </summary>
public readonly struct MaximumOp<T> : IBinaryOp<T> where T : unmanaged, INumber<T>
{
    public static T Invoke(T x, T y) => T.Max(x, y);
    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> z) => TensorPrimitives.Max(x, y, z);
    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> z) => TensorPrimitives.Max(x, y, z);
    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> z) => TensorPrimitives.Max(y, x, z);
}

/// <summary>Elementwise min(x, y), NaN-propagating like <see cref="MaximumOp{T}"/>.</summary>
public readonly struct MinimumOp<T> : IBinaryOp<T> where T : unmanaged, INumber<T>
{
    public static T Invoke(T x, T y) => T.Min(x, y);
    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> z) => TensorPrimitives.Min(x, y, z);
    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> z) => TensorPrimitives.Min(x, y, z);
    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> z) => TensorPrimitives.Min(y, x, z);
}

/// <summary>Shared integer/float helpers for floor division and modulo.</summary>
internal static class FloorMath<T> where T : unmanaged, INumber<T>
{
    public static bool IsInteger => typeof(T) != typeof(float) && typeof(T) != typeof(double) && typeof(T) != typeof(Half);

    /// <summary>Integer quotient rounded toward negative infinity; MinValue / -1 wraps as in TF's kernels.</summary>
    public static T IntFloorDiv(T x, T y)
    {
        if (y == T.Zero) throw new Core.InvalidArgumentException("Integer division by zero");
        if (T.IsNegative(y) && y == -T.One) return T.Zero - x;   // C# would throw OverflowException for MinValue / -1
        var q = x / y;
        // Truncation rounded toward zero; step down when the exact quotient was negative and inexact.
        if (q * y != x && (T.IsNegative(x) != T.IsNegative(y))) q -= T.One;
        return q;
    }

    /// <summary>Remainder with the divisor's sign (Python's %), so x == FloorDiv(x, y) * y + FloorMod(x, y).</summary>
    public static T IntFloorMod(T x, T y)
    {
        if (y == T.Zero) throw new Core.InvalidArgumentException("Integer division by zero");
        if (T.IsNegative(y) && y == -T.One) return T.Zero;
        var r = x % y;
        if (r != T.Zero && (T.IsNegative(r) != T.IsNegative(y))) r += y;
        return r;
    }

    /// <summary>fmod adjusted to the divisor's sign (TF's floor_fmod); NaN for a zero divisor.</summary>
    public static T FloatFloorMod(T x, T y)
    {
        var r = x % y;   // IEEE fmod for float and double
        if (r != T.Zero && (y < T.Zero) != (r < T.Zero)) r += y;
        return r;
    }
}

/// <summary>FloorDiv: floor(x / y) for floats, floor-rounded integer division for integers.</summary>
public readonly struct FloorDivOp<T> : IBinaryOp<T> where T : unmanaged, INumber<T>
{
    public static T Invoke(T x, T y) => FloorMath<T>.IsInteger ? FloorMath<T>.IntFloorDiv(x, y) : T.CreateTruncating(System.Math.Floor(double.CreateTruncating(x / y)));

    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> z)
    {
        // Floats vectorise as a divide then a floor; integers need the per-element zero check.
        if (typeof(T) == typeof(float))
        {
            var zf = MemoryMarshal.Cast<T, float>(z);
            TensorPrimitives.Divide(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y), zf);
            TensorPrimitives.Floor(zf[..x.Length], zf);
            return;
        }
        if (typeof(T) == typeof(double))
        {
            var zd = MemoryMarshal.Cast<T, double>(z);
            TensorPrimitives.Divide(MemoryMarshal.Cast<T, double>(x), MemoryMarshal.Cast<T, double>(y), zd);
            TensorPrimitives.Floor(zd[..x.Length], zd);
            return;
        }
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
}

/// <summary>FloorMod: the remainder of floor division, carrying the divisor's sign.</summary>
public readonly struct FloorModOp<T> : IBinaryOp<T> where T : unmanaged, INumber<T>
{
    public static T Invoke(T x, T y) => FloorMath<T>.IsInteger ? FloorMath<T>.IntFloorMod(x, y) : FloorMath<T>.FloatFloorMod(x, y);

    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> z)
    {
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
}
