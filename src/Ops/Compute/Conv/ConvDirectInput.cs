using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace GraphEngine.Ops.Compute;

public static unsafe partial class ConvDirect
{
    /// <summary>
    /// Input gradient where the direct form does not fit: strides above 1, or an input depth below one
    /// vector (LeNet's conv1 has 1, LeNet-5's 6), where tiles over input channels would be mostly padding.
    /// Each tile computes dy rows · filterᵀ with the (tap, channel) pairs as vector lanes, and adds the
    /// tile straight onto the windows of a padded dx image (col2im fused into the GEMM's output), so the
    /// col matrix exists only as a register tile.
    /// </summary>
    public static bool BackwardInputScatter<T>(ReadOnlySpan<T> f, ReadOnlySpan<T> dy, Span<T> dx, in ConvGeometry g, int oc)
        where T : unmanaged, INumber<T>
    {
        if (!IsSupported<T>() || !Fits(g, oc)) return false;
        dx.Clear();
        if (dx.Length == 0 || dy.Length == 0) return true;
        int taps = g.KH * g.KW, cols = taps * g.C;
        int ldb = PackedStride<T>(cols);
        // filterᵀ: row o holds f[tap, c, o] for every (tap, c).
        var packed = ArrayPool<T>.Shared.Rent(oc * ldb);
        try
        {
            var b = packed.AsSpan(0, oc * ldb);
            b.Clear();
            for (int k = 0; k < cols; k++)
                for (int o = 0; o < oc; o++) b[o * ldb + k] = f[k * oc + o];
            var pass = new Pass(g.N, g.H, g.W, g.C, g.PadTop, g.PadLeft,
                (g.OH - 1) * g.SH + (g.KH - 1) * g.DH + 1, (g.OW - 1) * g.SW + (g.KW - 1) * g.DW + 1,
                g.OH, g.OW, oc, g.SH, g.SW, g.DH, g.DW, g.KH, g.KW);
            fixed (T* pdy = dy)
            fixed (T* pb = packed)
            fixed (T* pdx = dx)
            {
                int next = 0;
                var body = new ScatterImages<T> { P = pass, Dy = pdy, B = pb, Ldb = ldb, Dx = pdx, Next = &next };
                if (pass.Flops < ParallelFlops || g.N == 1 || Environment.ProcessorCount == 1) body.Run(0, g.N);
                else ParallelRange.Run(body, g.N, 1);
            }
        }
        finally { ArrayPool<T>.Shared.Return(packed); }
        return true;
    }

    /// <summary>A worker's share of the images, claimed one at a time; its padded-image scratch is rented once (see ForwardItems).</summary>
    private struct ScatterImages<T> : IRangeBody where T : unmanaged, INumber<T>
    {
        public Pass P;
        public T* Dy, B, Dx;
        public int Ldb;
        public int* Next;

        public readonly void Run(int start, int end)
        {
            var buf = ArrayPool<T>.Shared.Rent((int)P.PaddedSize + 1);
            try
            {
                for (int n; (n = Interlocked.Increment(ref *Next) - 1) < P.N;) ScatterImage(P, Dy, B, Ldb, Dx, buf, n);
            }
            finally { ArrayPool<T>.Shared.Return(buf); }
        }
    }

    /// <summary>One image: dxPad (forward's padded geometry) accumulates every pixel's window, then its interior is dx.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScatterImage<T>(Pass p, T* dy, T* b, int ldb, T* dx, T[] buf, int n) where T : unmanaged, INumber<T>
    {
        int pixels = p.OutH * p.OutW, oc = p.Cout, c = p.Cin;
        int taps = p.KH * p.KW, cols = taps * c;
        T* dyImg = dy + (long)n * pixels * oc;
        fixed (T* pad = buf)
        {
            new Span<T>(pad, (int)p.PaddedSize).Clear();
            int* tapOff = stackalloc int[taps];
            for (int kh = 0; kh < p.KH; kh++)
                for (int kw = 0; kw < p.KW; kw++)
                    tapOff[kh * p.KW + kw] = (kh * p.DH * p.PW + kw * p.DW) * c;
            // Columns (tap, channel) as runs that are contiguous in the padded image: with unit column
            // dilation a whole kernel row (KW·C values) is one run.
            int* segStart = stackalloc int[taps + 1];
            int* segOff = stackalloc int[taps];
            int segs = 0;
            for (int t = 0; t < taps; t++)
            {
                if (segs > 0 && segOff[segs - 1] + (t * c - segStart[segs - 1]) == tapOff[t]) continue;
                segStart[segs] = t * c;
                segOff[segs++] = tapOff[t];
            }
            segStart[segs] = cols;
            int zero = 0;
            long* o = stackalloc long[ConvTiles.MaxRows];
            int v = ConvTiles.Lanes<T>();
            T* tile = stackalloc T[ConvTiles.MaxRows * 2 * v];
            for (int ob = 0; ob < cols; )
            {
                int nv = ConvTiles.BlockVectors<T>(ldb, ob);
                int mr = ConvTiles.RowsFor(nv), width = nv * v;
                int end = System.Math.Min(ob + width, cols);
                for (int r0 = 0; r0 < pixels; r0 += mr)
                {
                    int valid = System.Math.Min(mr, pixels - r0);
                    for (int r = 0; r < mr; r++) o[r] = (long)(r0 + System.Math.Min(r, valid - 1)) * oc;
                    // "Image" = the dy rows themselves: one tap at offset 0, oc channels.
                    ConvTiles.Rows(nv, dyImg, o, &zero, 1, oc, b + ob, ldb, tile, width);
                    for (int r = 0; r < valid; r++)
                    {
                        int px = r0 + r, oh = px / p.OutW, ow = px - oh * p.OutW;
                        T* window = pad + ((long)oh * p.SH * p.PW + (long)ow * p.SW) * c;
                        T* t = tile + r * width - ob;
                        for (int s = 0; s < segs; s++)
                        {
                            int lo = System.Math.Max(segStart[s], ob), hi = System.Math.Min(segStart[s + 1], end);
                            if (lo >= hi) continue;
                            AddTo(window + segOff[s] + (lo - segStart[s]), t + lo, hi - lo);
                        }
                    }
                }
                ob += width;
            }
            // The interior of the padded image is dx; rows/columns of padding (and any the window never reached) are dropped.
            T* dxImg = dx + (long)n * p.SrcH * p.SrcW * c;
            for (int ih = 0; ih < p.SrcH; ih++)
            {
                int ph = ih + p.PadTop;
                if ((uint)ph >= (uint)p.PH) continue;
                for (int iw = 0; iw < p.SrcW; iw++)
                {
                    int pw = iw + p.PadLeft;
                    if ((uint)pw >= (uint)p.PW) continue;
                    new ReadOnlySpan<T>(pad + ((long)ph * p.PW + pw) * c, c).CopyTo(new Span<T>(dxImg + ((long)ih * p.SrcW + iw) * c, c));
                }
            }
        }
    }
}
