using System.Numerics;
using System.Numerics.Tensors;

namespace GraphEngine.Ops.Compute;

/// <summary>An associative, commutative reduction: an identity, a whole-row fold and a rowwise combine.</summary>
public interface IReduceOp<T>
{
    static abstract T Identity { get; }
    static abstract T Combine(T a, T b);
    /// <summary>Fold of a non-empty contiguous row.</summary>
    static abstract T Fold(ReadOnlySpan<T> row);
    /// <summary>acc[i] = Combine(acc[i], row[i]).</summary>
    static abstract void CombineRows(Span<T> acc, ReadOnlySpan<T> row);
}

public readonly struct ProdReduce<T> : IReduceOp<T> where T : unmanaged, INumber<T>
{
    public static T Identity => T.One;
    public static T Combine(T a, T b) => a * b;
    public static T Fold(ReadOnlySpan<T> row) => TensorPrimitives.Product(row);
    public static void CombineRows(Span<T> acc, ReadOnlySpan<T> row) => TensorPrimitives.Multiply(acc, row, acc);
}

/// <summary>Max with NaN propagation; the empty max is -inf for floats and MinValue for integers, as TF.</summary>
public readonly struct MaxReduce<T> : IReduceOp<T> where T : unmanaged, INumber<T>, IMinMaxValue<T>
{
    public static T Identity => typeof(T) == typeof(float) ? (T)(object)float.NegativeInfinity
        : typeof(T) == typeof(double) ? (T)(object)double.NegativeInfinity : T.MinValue;
    public static T Combine(T a, T b) => T.Max(a, b);
    public static T Fold(ReadOnlySpan<T> row) => TensorPrimitives.Max(row);
    public static void CombineRows(Span<T> acc, ReadOnlySpan<T> row) => TensorPrimitives.Max(acc, row, acc);
}

public readonly struct MinReduce<T> : IReduceOp<T> where T : unmanaged, INumber<T>, IMinMaxValue<T>
{
    public static T Identity => typeof(T) == typeof(float) ? (T)(object)float.PositiveInfinity
        : typeof(T) == typeof(double) ? (T)(object)double.PositiveInfinity : T.MaxValue;
    public static T Combine(T a, T b) => T.Min(a, b);
    public static T Fold(ReadOnlySpan<T> row) => TensorPrimitives.Min(row);
    public static void CombineRows(Span<T> acc, ReadOnlySpan<T> row) => TensorPrimitives.Min(acc, row, acc);
}

public readonly struct AllReduce : IReduceOp<bool>
{
    public static bool Identity => true;
    public static bool Combine(bool a, bool b) => a & b;
    public static bool Fold(ReadOnlySpan<bool> row) => !row.Contains(false);
    public static void CombineRows(Span<bool> acc, ReadOnlySpan<bool> row)
    {
        for (int i = 0; i < acc.Length; i++) acc[i] &= row[i];
    }
}

public readonly struct AnyReduce : IReduceOp<bool>
{
    public static bool Identity => false;
    public static bool Combine(bool a, bool b) => a | b;
    public static bool Fold(ReadOnlySpan<bool> row) => row.Contains(true);
    public static void CombineRows(Span<bool> acc, ReadOnlySpan<bool> row)
    {
        for (int i = 0; i < acc.Length; i++) acc[i] |= row[i];
    }
}

/// <summary>
/// Reduction by any <see cref="IReduceOp{T}"/> over a set of axes, with the same plan as
/// <see cref="Reduce.Sum{T}"/>: size-1 dims dropped, neighbours with the same role merged, then an
/// innermost reduced block folds a contiguous row and an innermost kept block combines whole rows.
/// </summary>
public static class ReduceGeneric
{
    public static void Run<T, TOp>(ReadOnlySpan<T> input, ReadOnlySpan<long> dims, ReadOnlySpan<bool> reduce, Span<T> output)
        where TOp : IReduceOp<T>
    {
        if (dims.Length != reduce.Length) throw new ArgumentException("One reduce flag per dim is required.");
        long inCount = 1, outCount = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            inCount *= dims[i];
            if (!reduce[i]) outCount *= dims[i];
        }
        if (input.Length != inCount || output.Length < outCount) throw new ArgumentException("Span lengths do not match the shape.");
        output[..(int)outCount].Fill(TOp.Identity);
        if (inCount == 0 || outCount == 0) return;

        int rank = dims.Length;
        Span<long> n = stackalloc long[rank + 1];
        Span<bool> red = stackalloc bool[rank + 1];
        int cnt = Reduce.Collapse(dims, reduce, n, red);
        if (cnt == 0)
        {
            output[0] = input[0];
            return;
        }
        Span<long> inStride = stackalloc long[cnt], outStride = stackalloc long[cnt];
        Reduce.Strides(n[..cnt], red[..cnt], inStride, outStride);
        Accumulate<T, TOp>(input, output, n[..cnt], red[..cnt], inStride, outStride, 0, 0, 0);
    }

    private static void Accumulate<T, TOp>(ReadOnlySpan<T> input, Span<T> output, ReadOnlySpan<long> n, ReadOnlySpan<bool> red,
        ReadOnlySpan<long> inStride, ReadOnlySpan<long> outStride, int d, long inOff, long outOff) where TOp : IReduceOp<T>
    {
        if (d == n.Length - 1)
        {
            int len = checked((int)n[d]);
            var row = input.Slice(checked((int)inOff), len);
            if (red[d]) output[(int)outOff] = TOp.Combine(output[(int)outOff], TOp.Fold(row));
            else TOp.CombineRows(output.Slice((int)outOff, len), row);
            return;
        }
        for (long i = 0; i < n[d]; i++)
            Accumulate<T, TOp>(input, output, n, red, inStride, outStride, d + 1, inOff + i * inStride[d], outOff + i * outStride[d]);
    }
}
