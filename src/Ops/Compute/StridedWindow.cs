using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
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

    /// <summary>
    /// dst window = src window. The two windows may share a buffer only if they do not overlap.
    /// Any element type: references too (string tensors hold byte[] elements).
    /// </summary>
    public static void Copy<T>(ReadOnlySpan<T> src, long srcOffset, ReadOnlySpan<long> srcStrides,
        Span<T> dst, long dstOffset, ReadOnlySpan<long> dstStrides, ReadOnlySpan<long> dims) =>
        Run<T, CopyRow<T>>(src, srcOffset, srcStrides, dst, dstOffset, dstStrides, dims);

    /// <summary>dst window += src window (the adjoint of a window read); used by gradients that fold regions back.</summary>
    public static void Add<T>(ReadOnlySpan<T> src, long srcOffset, ReadOnlySpan<long> srcStrides,
        Span<T> dst, long dstOffset, ReadOnlySpan<long> dstStrides, ReadOnlySpan<long> dims) where T : unmanaged, INumber<T> =>
        Run<T, AddRow<T>>(src, srcOffset, srcStrides, dst, dstOffset, dstStrides, dims);

    /// <summary>What is done to one run of the innermost dim (specialised per struct by the JIT).</summary>
    private interface IRow<T>
    {
        /// <summary>A unit-stride run in both buffers.</summary>
        static abstract void Contiguous(ReadOnlySpan<T> src, Span<T> dst);

        /// <summary>One element; the caller has checked the bounds of the whole window.</summary>
        static abstract void Element(ref T src, ref T dst);
    }

    private readonly struct CopyRow<T> : IRow<T>
    {
        public static void Contiguous(ReadOnlySpan<T> src, Span<T> dst) => src.CopyTo(dst);

        public static void Element(ref T src, ref T dst) => dst = src;
    }

    private readonly struct AddRow<T> : IRow<T> where T : unmanaged, INumber<T>
    {
        public static void Contiguous(ReadOnlySpan<T> src, Span<T> dst) => TensorPrimitives.Add(dst, src, dst);

        public static void Element(ref T src, ref T dst) => dst += src;
    }

    /// <summary>
    /// The loop nest: the two innermost (merged) dims run inline, the outer ones step odometer style,
    /// so short or reversed inner runs do not pay the odometer per run.
    /// </summary>
    private static void Run<T, TRow>(ReadOnlySpan<T> src, long srcOffset, ReadOnlySpan<long> srcStrides,
        Span<T> dst, long dstOffset, ReadOnlySpan<long> dstStrides, ReadOnlySpan<long> dims) where TRow : struct, IRow<T>
    {
        // The plan's three (rank + 1)-long arrays live on the stack: window copies run every step.
        int planLength = 3 * (dims.Length + 1);
        Span<long> planScratch = planLength <= 64 ? stackalloc long[planLength] : new long[planLength];
        var plan = Plan.Make(src.Length, srcOffset, srcStrides, dst.Length, dstOffset, dstStrides, dims, planScratch);
        if (plan.Rows == 0) return;
        Span<long> idx = stackalloc long[plan.Count];
        ref T s0 = ref MemoryMarshal.GetReference(src);
        ref T d0 = ref MemoryMarshal.GetReference(dst);
        long s = srcOffset, d = dstOffset;
        int inner = (int)plan.Inner;
        long n1 = plan.Count > 1 ? plan.N(1) : 1, s1 = plan.Count > 1 ? plan.S(1) : 0, d1 = plan.Count > 1 ? plan.D(1) : 0;
        long ss = plan.InnerSrc, ds = plan.InnerDst;
        bool contiguous = ss == 1 && ds == 1;
        for (long block = 0, blocks = plan.Rows / n1; block < blocks; block++)
        {
            long si = s, di = d;
            for (long j = 0; j < n1; j++, si += s1, di += d1)
            {
                if (contiguous) TRow.Contiguous(src.Slice((int)si, inner), dst.Slice((int)di, inner));
                else
                    for (long k = 0, a = si, b = di; k < inner; k++, a += ss, b += ds)
                        TRow.Element(ref Unsafe.Add(ref s0, (nint)a), ref Unsafe.Add(ref d0, (nint)b));
            }
            plan.Step(2, idx, ref s, ref d);
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
            ReadOnlySpan<long> dstStrides, ReadOnlySpan<long> dims, Span<long> scratch)
        {
            int rank = dims.Length;
            if (srcStrides.Length != rank || dstStrides.Length != rank)
                throw new ArgumentException("One source and one destination stride per dim are required.");
            // scratch: 3 × (rank + 1) longs from the caller, for the merged extents and strides.
            var p = new Plan { _n = scratch[..(rank + 1)], _s = scratch.Slice(rank + 1, rank + 1), _d = scratch.Slice(2 * (rank + 1), rank + 1) };
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

        public readonly long N(int k) => _n[k];
        public readonly long S(int k) => _s[k];
        public readonly long D(int k) => _d[k];

        /// <summary>Advances the counters of dims from <paramref name="level"/> out, odometer style, moving both offsets.</summary>
        public readonly void Step(int level, scoped Span<long> idx, ref long s, ref long d)
        {
            for (int k = level; k < Count; k++)
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
