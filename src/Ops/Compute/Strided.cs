using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GraphEngine.Ops.Compute;

/// <summary>
/// Data movement over row-major tensors described by strides: one primitive covers Transpose
/// (permuted strides), BroadcastTo (zero strides) and Tile (a broadcast over interleaved dims).
/// Work is done on whole elements of 1, 2, 4, 8 or 16 bytes, so it serves every fixed-size dtype.
/// </summary>
public static class Strided
{
    /// <summary>Row-major strides (in elements) of a shape, into <paramref name="strides"/> (one per dim); allocates nothing.</summary>
    public static void RowMajorStrides(ReadOnlySpan<long> dims, Span<long> strides)
    {
        long acc = 1;
        for (int i = dims.Length - 1; i >= 0; i--)
        {
            strides[i] = acc;
            acc *= dims[i];
        }
    }

    /// <summary>The allocating form of <see cref="RowMajorStrides(ReadOnlySpan{long}, Span{long})"/>.</summary>
    public static long[] RowMajorStrides(ReadOnlySpan<long> dims)
    {
        var s = new long[dims.Length];
        RowMajorStrides(dims, s);
        return s;
    }

    /// <summary>
    /// Strides that read an input of <paramref name="inDims"/> broadcast to <paramref name="outDims"/>
    /// (right-aligned; a size-1 input dim gets stride 0), into <paramref name="strides"/> (one per output
    /// dim). The caller has checked compatibility.
    /// </summary>
    public static void BroadcastStrides(ReadOnlySpan<long> inDims, ReadOnlySpan<long> outDims, Span<long> strides)
    {
        // Right to left: the row-major stride of each input dim, 0 where it broadcasts or is missing.
        int off = outDims.Length - inDims.Length;
        long acc = 1;
        strides[..outDims.Length].Clear();
        for (int i = inDims.Length - 1; i >= 0; i--)
        {
            strides[i + off] = inDims[i] == 1 ? 0 : acc;
            acc *= inDims[i];
        }
    }

    /// <summary>The allocating form of <see cref="BroadcastStrides(ReadOnlySpan{long}, ReadOnlySpan{long}, Span{long})"/>.</summary>
    public static long[] BroadcastStrides(ReadOnlySpan<long> inDims, ReadOnlySpan<long> outDims)
    {
        var s = new long[outDims.Length];
        BroadcastStrides(inDims, outDims, s);
        return s;
    }

    /// <summary>
    /// dst[i] (row-major over <paramref name="outDims"/>) = src[Σ index_d · srcStrides_d], on raw
    /// bytes with elements of <paramref name="elementSize"/> bytes.
    /// </summary>
    public static void CopyBytes(ReadOnlySpan<byte> src, int elementSize, ReadOnlySpan<long> outDims, ReadOnlySpan<long> srcStrides, Span<byte> dst)
    {
        switch (elementSize)
        {
            case 1: Copy(src, outDims, srcStrides, dst); break;
            case 2: Copy(MemoryMarshal.Cast<byte, ushort>(src), outDims, srcStrides, MemoryMarshal.Cast<byte, ushort>(dst)); break;
            case 4: Copy(MemoryMarshal.Cast<byte, uint>(src), outDims, srcStrides, MemoryMarshal.Cast<byte, uint>(dst)); break;
            case 8: Copy(MemoryMarshal.Cast<byte, ulong>(src), outDims, srcStrides, MemoryMarshal.Cast<byte, ulong>(dst)); break;
            case 16: Copy(MemoryMarshal.Cast<byte, UInt128>(src), outDims, srcStrides, MemoryMarshal.Cast<byte, UInt128>(dst)); break;
            default: throw new ArgumentException($"Unsupported element size {elementSize}.", nameof(elementSize));
        }
    }

    /// <summary>Typed form of <see cref="CopyBytes"/>.</summary>
    public static void Copy<T>(ReadOnlySpan<T> src, ReadOnlySpan<long> outDims, ReadOnlySpan<long> srcStrides, Span<T> dst) where T : unmanaged
    {
        if (outDims.Length != srcStrides.Length) throw new ArgumentException("One stride per output dim is required.");
        long total = 1;
        foreach (var d in outDims) total *= d;
        if (dst.Length < total) throw new ArgumentException("Destination too short.", nameof(dst));
        if (total == 0) return;

        // Collapse, innermost first: drop size-1 dims and merge a dim into its inner neighbour when
        // stepping it is the same as running the inner one on (stride = inner stride · inner extent).
        int rank = outDims.Length;
        Span<long> n = stackalloc long[rank + 1], s = stackalloc long[rank + 1];
        int cnt = 0;
        for (int i = rank - 1; i >= 0; i--)
        {
            long d = outDims[i];
            if (d == 1) continue;
            if (cnt > 0 && srcStrides[i] == s[cnt - 1] * n[cnt - 1]) { n[cnt - 1] *= d; continue; }
            n[cnt] = d;
            s[cnt] = srcStrides[i];
            cnt++;
        }
        long maxOffset = 0;
        for (int d = 0; d < cnt; d++) maxOffset += (n[d] - 1) * s[d];
        if (maxOffset >= src.Length) throw new ArgumentException("Strides reach past the end of the source.", nameof(srcStrides));
        if (cnt == 0)
        {
            dst[0] = src[0];
            return;
        }

        long inner = n[0], innerStride = s[0];
        Span<long> idx = stackalloc long[cnt];
        long off = 0;
        for (long row = 0, rows = total / inner; row < rows; row++)
        {
            var d = dst.Slice(checked((int)(row * inner)), (int)inner);
            if (innerStride == 1) src.Slice((int)off, (int)inner).CopyTo(d);
            else if (innerStride == 0) d.Fill(src[(int)off]);
            else
            {
                ref readonly T p = ref src[(int)off];
                for (int k = 0; k < d.Length; k++) d[k] = Unsafe.Add(ref Unsafe.AsRef(in p), (nint)(k * innerStride));
            }
            for (int k = 1; k < cnt; k++)
            {
                off += s[k];
                if (++idx[k] < n[k]) break;
                off -= s[k] * n[k];
                idx[k] = 0;
            }
        }
    }
}
