using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace GraphEngine.Ops.Compute;

/// <summary>
/// y = x + bias (bias along the last dimension), optionally followed by ReLU, in one pass: the
/// epilogue of a fused MatMul/Conv2D + bias-add (+ ReLU) step. Each element gets exactly the unfused
/// ops' arithmetic (one IEEE add, then ReLU's "x &lt; 0 ? 0 : x", so NaN and −0 pass through as in
/// <see cref="ReluOp{T}"/>), hence results are bit-identical to AddV2/BiasAdd followed by Relu.
/// <paramref name="y"/> may be <paramref name="x"/> itself (in place).
/// </summary>
public static unsafe class BiasActivation
{
    /// <summary>Below this many elements one core does the pass (a split costs a pool wake-up).</summary>
    public const int MinPerPart = 1 << 16;

    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> bias, Span<T> y, bool relu) where T : unmanaged, INumber<T>
    {
        int channels = bias.Length;
        if (y.Length < x.Length) throw new ArgumentException("Destination too short.", nameof(y));
        if (x.Length == 0) return;
        if (channels == 0 || x.Length % channels != 0)
            throw new ArgumentException($"{x.Length} elements are not whole rows of {channels} channels.", nameof(bias));
        int rows = x.Length / channels;
        fixed (T* px = x)
        fixed (T* pb = bias)
        fixed (T* py = y)
        {
            var body = new Body<T> { X = px, B = pb, Y = py, Channels = channels, Relu = relu };
            ParallelRange.Run(body, rows, System.Math.Max(1, MinPerPart / channels));
        }
    }

    /// <summary>
    /// The backward of bias add + ReLU in one pass over the rows: dz = ReluGrad(g, f) and db = Σ rows dz,
    /// with the very operations of ReluGrad's and BiasAddGrad's kernels (db starts at +0 and adds the rows
    /// in order), so both results are bit-identical to the two ops. <paramref name="dz"/> may be <paramref name="g"/>.
    /// </summary>
    public static void ReluGradBiasGrad<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> f, Span<T> dz, Span<T> db) where T : unmanaged, INumber<T>
    {
        int channels = db.Length;
        if (f.Length != g.Length || dz.Length < g.Length) throw new ArgumentException("g, features and dz must have the same length.", nameof(f));
        if (channels == 0 ? g.Length != 0 : g.Length % channels != 0)
            throw new ArgumentException($"{g.Length} elements are not whole rows of {channels} channels.", nameof(db));
        db.Clear();
        for (int off = 0; off < g.Length; off += channels)
        {
            var row = dz.Slice(off, channels);
            ReluGradOp<T>.Invoke(g.Slice(off, channels), f.Slice(off, channels), row);
            TensorPrimitives.Add(db, row, db);
        }
    }

    private struct Body<T> : IRangeBody where T : unmanaged, INumber<T>
    {
        public T* X, B, Y;
        public int Channels;
        public bool Relu;

        public readonly void Run(int start, int end)
        {
            for (int r = start; r < end; r++)
            {
                long off = (long)r * Channels;
                if (Relu) Row<Rectify, T>(X + off, B, Y + off, Channels);
                else Row<Identity, T>(X + off, B, Y + off, Channels);
            }
        }
    }

    private interface IActivation
    {
        static abstract Vector256<T> Apply<T>(Vector256<T> v) where T : unmanaged, INumber<T>;
        static abstract T Apply<T>(T v) where T : unmanaged, INumber<T>;
    }

    private readonly struct Identity : IActivation
    {
        public static Vector256<T> Apply<T>(Vector256<T> v) where T : unmanaged, INumber<T> => v;
        public static T Apply<T>(T v) where T : unmanaged, INumber<T> => v;
    }

    /// <summary>ReLU exactly as <see cref="ReluOp{T}"/> computes it.</summary>
    private readonly struct Rectify : IActivation
    {
        public static Vector256<T> Apply<T>(Vector256<T> v) where T : unmanaged, INumber<T> =>
            Vector256.ConditionalSelect(Vector256.LessThan(v, Vector256<T>.Zero), Vector256<T>.Zero, v);

        public static T Apply<T>(T v) where T : unmanaged, INumber<T> => v < T.Zero ? T.Zero : v;
    }

    private static void Row<TAct, T>(T* x, T* b, T* y, int n) where TAct : struct, IActivation where T : unmanaged, INumber<T>
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            int w = Vector256<T>.Count;
            for (; i <= n - w; i += w)
                TAct.Apply(Vector256.Load(x + i) + Vector256.Load(b + i)).Store(y + i);
        }
        for (; i < n; i++) y[i] = TAct.Apply(x[i] + b[i]);
    }
}
