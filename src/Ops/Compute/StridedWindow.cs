using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace GraphEngine.Ops.Compute;

/// <summary>
/// Copies (or adds) a strided window of one buffer into a strided window of another: for every
/// index i over <c>dims</c>, <c>dst[dstOffset + Σ i_d·dstStrides_d] = src[srcOffset + Σ i_d·srcStrides_d]</c>.
/// Strides may be negative (reversed slices) or zero (broadcast reads). Slice, StridedSlice and its
/// gradient, Split, Pad and MirrorPad are all such windows. Dims that run on contiguously in both
/// buffers are merged, so the innermost loop is one span copy per contiguous run.
/// </summary>
public static class StridedWindow
{
    /// <summary>Raw-bytes form of <see cref="Copy{T}"/> for elements of 1, 2, 4, 8 or 16 bytes.</summary>
    public static void CopyBytes(int elementSize, ReadOnlySpan<byte> src, long srcOffset, ReadOnlySpan<long> srcStrides,
        Span<byte> dst, long dstOffset, ReadOnlySpan<long> dstStrides, ReadOnlySpan<long> dims)
    {
        switch (elementSize)
        {
            case 1: Copy(src, srcOffset, srcStrides, dst, dstOffset, dstStrides, dims); break;
            case 2: Copy(MemoryMarshal.Cast<byte, ushort>(src), srcOffset, srcStrides, MemoryMarshal.Cast<byte, ushort>(dst), dstOffset, dstStrides, dims); break;
            case 4: Copy(MemoryMarshal.Cast<byte, uint>(src), srcOffset, srcStrides, MemoryMarshal.Cast<byte, uint>(dst), dstOffset, dstStrides, dims); break;
            case 8: Copy(MemoryMarshal.Cast<byte, ulong>(src), srcOffset, srcStrides, MemoryMarshal.Cast<byte, ulong>(dst), dstOffset, dstStrides, dims); break;
            case 16: Copy(MemoryMarshal.Cast<byte, UInt128>(src), srcOffset, srcStrides, MemoryMarshal.Cast<byte, UInt128>(dst), dstOffset, dstStrides, dims); break;
            default: throw new ArgumentException($"Unsupported element size {elementSize}.", nameof(elementSize));
        }
    }

    /// <summary>dst window = src window. The two windows may share a buffer only if they do not overlap.</summary>
    public static void Copy<T>(ReadOnlySpan<T> src, long srcOffset, ReadOnlySpan<long> srcStrides,
        Span<T> dst, long dstOffset, ReadOnlySpan<long> dstStrides, ReadOnlySpan<long> dims) where T : unmanaged
    {
        var plan = Plan.Make(src.Length, srcOffset, srcStrides, dst.Length, dstOffset, dstStrides, dims);
        if (plan.Rows == 0) return;
        Span<long> idx = stackalloc long[plan.Count];
        long s = srcOffset, d = dstOffset;
        int inner = (int)plan.Inner;
        for (long row = 0; row < plan.Rows; row++)
        {
            if (plan.InnerSrc == 1 && plan.InnerDst == 1) src.Slice((int)s, inner).CopyTo(dst.Slice((int)d, inner));
            else if (plan.InnerSrc == 0 && plan.InnerDst == 1) dst.Slice((int)d, inner).Fill(src[(int)s]);
            else
                for (long k = 0, si = s, di = d; k < inner; k++, si += plan.InnerSrc, di += plan.InnerDst)
                    dst[(int)di] = src[(int)si];
            plan.Step(idx, ref s, ref d);
        }
    }

    /// <summary>dst window += src window (the adjoint of a window read); used by gradients that fold regions back.</summary>
    public static void Add<T>(ReadOnlySpan<T> src, long srcOffset, ReadOnlySpan<long> srcStrides,
        Span<T> dst, long dstOffset, ReadOnlySpan<long> dstStrides, ReadOnlySpan<long> dims) where T : unmanaged, INumber<T>
    {
        var plan = Plan.Make(src.Length, srcOffset, srcStrides, dst.Length, dstOffset, dstStrides, dims);
        if (plan.Rows == 0) return;
        Span<long> idx = stackalloc long[plan.Count];
        long s = srcOffset, d = dstOffset;
        int inner = (int)plan.Inner;
        for (long row = 0; row < plan.Rows; row++)
        {
            if (plan.InnerSrc == 1 && plan.InnerDst == 1)
            {
                var to = dst.Slice((int)d, inner);
                TensorPrimitives.Add(to, src.Slice((int)s, inner), to);
            }
            else
                for (long k = 0, si = s, di = d; k < inner; k++, si += plan.InnerSrc, di += plan.InnerDst)
                    dst[(int)di] += src[(int)si];
            plan.Step(idx, ref s, ref d);
        }
    }

    /// <summary>
    /// The loop nest after merging: dims of extent 1 dropped, a dim folded into its inner neighbour
    /// when stepping it equals running the inner one on in both buffers. Bounds are checked once here.
    /// </summary>
    private ref struct Plan
    {
        public int Count;
        public long Inner, InnerSrc, InnerDst, Rows;
        private Span<long> _n, _s, _d;

        public static Plan Make(int srcLength, long srcOffset, ReadOnlySpan<long> srcStrides, int dstLength, long dstOffset,
            ReadOnlySpan<long> dstStrides, ReadOnlySpan<long> dims)
        {
            int rank = dims.Length;
            if (srcStrides.Length != rank || dstStrides.Length != rank)
                throw new ArgumentException("One source and one destination stride per dim are required.");
            var p = new Plan { _n = new long[rank + 1], _s = new long[rank + 1], _d = new long[rank + 1] };
            long total = 1;
            foreach (var n in dims)
            {
                if (n < 0) throw new ArgumentException("Window dims must be non-negative.", nameof(dims));
                total *= n;
            }
            if (total == 0) return p;
            for (int i = rank - 1; i >= 0; i--)
            {
                long n = dims[i];
                if (n == 1) continue;
                int c = p.Count;
                if (c > 0 && srcStrides[i] == p._s[c - 1] * p._n[c - 1] && dstStrides[i] == p._d[c - 1] * p._n[c - 1])
                {
                    p._n[c - 1] *= n;
                    continue;
                }
                p._n[c] = n;
                p._s[c] = srcStrides[i];
                p._d[c] = dstStrides[i];
                p.Count++;
            }
            CheckBounds(srcLength, srcOffset, p._n[..p.Count], p._s[..p.Count], "source");
            CheckBounds(dstLength, dstOffset, p._n[..p.Count], p._d[..p.Count], "destination");
            if (p.Count == 0)
            {
                p.Count = 1;
                p._n[0] = 1;
                p._s[0] = 0;
                p._d[0] = 0;
            }
            p.Inner = p._n[0];
            p.InnerSrc = p._s[0];
            p.InnerDst = p._d[0];
            p.Rows = total / p.Inner;
            return p;
        }

        private static void CheckBounds(int length, long offset, ReadOnlySpan<long> n, ReadOnlySpan<long> strides, string which)
        {
            long lo = offset, hi = offset;
            for (int k = 0; k < n.Length; k++)
            {
                long reach = (n[k] - 1) * strides[k];
                if (reach < 0) lo += reach;
                else hi += reach;
            }
            if (lo < 0 || hi >= length)
                throw new ArgumentException($"The {which} window [{lo}, {hi}] reaches outside its buffer of {length} elements.");
        }

        /// <summary>Advances the outer (row) counters, odometer style, moving both offsets.</summary>
        public readonly void Step(scoped Span<long> idx, ref long s, ref long d)
        {
            for (int k = 1; k < Count; k++)
            {
                s += _s[k];
                d += _d[k];
                if (++idx[k] < _n[k]) return;
                s -= _s[k] * _n[k];
                d -= _d[k] * _n[k];
                idx[k] = 0;
            }
        }
    }
}
