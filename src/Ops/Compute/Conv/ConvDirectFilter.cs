using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace GraphEngine.Ops.Compute;

public static unsafe partial class ConvDirect
{
    /// <summary>
    /// df[KH,KW,C,oc] = Σ over images and output pixels of x(window tap, channel) · dy(pixel, ·); df is
    /// overwritten. Rows of the tile are (tap, channel) pairs read through offsets into the padded image,
    /// so a one-channel input (LeNet's conv1) still fills whole tiles. Fixed ranges of images are summed
    /// into partials, which are added in a fixed order at the end.
    /// </summary>
    public static bool BackwardFilter<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> df, in ConvGeometry g, int oc)
        where T : unmanaged, INumber<T>
    {
        if (!IsSupported<T>() || !Fits(g, oc)) return false;
        if (g.N == 0 || g.OH == 0 || g.OW == 0)
        {
            df.Clear();
            return true;
        }
        var pass = new Pass(g.N, g.H, g.W, g.C, g.PadTop, g.PadLeft,
            (g.OH - 1) * g.SH + (g.KH - 1) * g.DH + 1, (g.OW - 1) * g.SW + (g.KW - 1) * g.DW + 1,
            g.OH, g.OW, oc, g.SH, g.SW, g.DH, g.DW, g.KH, g.KW);
        int ldd = PackedStride<T>(oc);
        int rows = g.KH * g.KW * g.C;
        // Tiles add whole 12-row blocks: the partial has room for the rows past the last real one.
        int accLen = (rows + ConvTiles.MaxRows) * ldd;
        // dy rows are copied per image into an aligned block, padded to ldd (see FilterImage).
        int dyLen = g.OH * g.OW * ldd + AlignSlack<T>();
        // Images go to a fixed number of contiguous ranges, each summed in order into its own partial, and
        // the partials are added in range order: the result is bit-identical run to run (training with a
        // fixed seed must be) whatever the thread scheduling or core count.
        int parts = System.Math.Min(g.N, Partitions);
        var partials = ArrayPool<T>.Shared.Rent(parts * accLen + AlignSlack<T>());
        try
        {
            fixed (T* px = x)
            fixed (T* pdy = dy)
            fixed (T* pinned = partials)
            fixed (T* pdf = df)
            {
                T* pacc = Align(pinned);
                int next = 0;
                var body = new FilterParts<T>
                {
                    P = pass, X = px, Dy = pdy, Acc = pacc, AccLen = accLen, DyLen = dyLen, Ldd = ldd, Rows = rows, Parts = parts, Next = &next,
                };
                if (pass.Flops < ParallelFlops || parts == 1 || Environment.ProcessorCount == 1) body.Run(0, parts);
                else ParallelRange.Run(body, parts, 1);
                for (int r = 0; r < rows; r++)
                {
                    T* row = pdf + (long)r * oc;
                    new ReadOnlySpan<T>(pacc + (long)r * ldd, oc).CopyTo(new Span<T>(row, oc));
                    for (int part = 1; part < parts; part++) AddTo(row, pacc + (long)part * accLen + (long)r * ldd, oc);
                }
            }
        }
        finally { ArrayPool<T>.Shared.Return(partials); }
        return true;
    }

    // Partial sums of the filter gradient: a few more than 2 cores, so a worker slowed by other load
    // holds up less, and few enough that zeroing and adding the partials stays cheap.
    private const int Partitions = 4;

    /// <summary>
    /// A worker's share of the partitions, claimed one at a time from a shared counter: partition k sums
    /// its fixed image range into partial k. The padded image and dy scratch are rented once per worker.
    /// </summary>
    private struct FilterParts<T> : IRangeBody where T : unmanaged, INumber<T>
    {
        public Pass P;
        public T* X, Dy, Acc;
        public int AccLen, DyLen, Ldd, Rows, Parts;
        public int* Next;

        public readonly void Run(int start, int end)
        {
            var image = ArrayPool<T>.Shared.Rent((int)P.PaddedSize + 1);
            var dyPad = ArrayPool<T>.Shared.Rent(DyLen);
            try
            {
                for (int part; (part = Interlocked.Increment(ref *Next) - 1) < Parts;)
                {
                    T* acc = Acc + (long)part * AccLen;
                    new Span<T>(acc, AccLen).Clear();
                    int n0 = (int)((long)P.N * part / Parts), n1 = (int)((long)P.N * (part + 1) / Parts);
                    for (int n = n0; n < n1; n++) FilterImage(P, X, Dy, Ldd, Rows, image, dyPad, acc, n);
                }
            }
            finally
            {
                ArrayPool<T>.Shared.Return(image);
                ArrayPool<T>.Shared.Return(dyPad);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FilterImage<T>(Pass p, T* x, T* dy, int ldd, int rows, T[] image, T[] dyPad, T* acc, int n) where T : unmanaged, INumber<T>
    {
        int pixels = p.OutH * p.OutW, oc = p.Cout;
        T* dyImg = dy + (long)n * pixels * oc;
        fixed (T* xp = image)
        fixed (T* dpinned = dyPad)
        {
            PadImage(x + (long)n * p.SrcH * p.SrcW * p.Cin, p.SrcH, p.SrcW, p.Cin, xp, p.PH, p.PW, p.PadTop, p.PadLeft);
            // The tiles' vector operand is dy: a 64-byte aligned copy makes each load one cache line, and whole-vector
            // loads need rows padded to ldd (the pad lanes only feed discarded columns).
            // Tensors from the engine's allocator are aligned already, so this copies only for other callers.
            T* d = Align(dpinned);
            if (ldd == oc && IsAligned(dyImg)) d = dyImg;
            else if (ldd == oc) new ReadOnlySpan<T>(dyImg, pixels * oc).CopyTo(new Span<T>(d, pixels * ldd));
            else
            {
                new Span<T>(d, pixels * ldd).Clear();
                for (int i = 0; i < pixels; i++)
                    new ReadOnlySpan<T>(dyImg + (long)i * oc, oc).CopyTo(new Span<T>(d + (long)i * ldd, oc));
            }
            long* o = stackalloc long[ConvTiles.MaxRows];
            long rowStep = (long)p.SH * p.PW * p.Cin, colStep = (long)p.SW * p.Cin;
            int v = ConvTiles.Lanes<T>();
            // Output rows are taken in chunks whose dy rows fit in L2, so every row tile reuses them from there.
            int chunk = System.Math.Clamp(DyChunkBytes / System.Math.Max(1, p.OutW * ldd * sizeof(T)), 1, p.OutH);
            for (int i0 = 0; i0 < p.OutH; i0 += chunk)
            {
                int ih = System.Math.Min(chunk, p.OutH - i0);
                T* xc = xp + i0 * rowStep, dc = d + (long)i0 * p.OutW * ldd;
                for (int ob = 0; ob < ldd; )
                {
                    int nv = ConvTiles.BlockVectors<T>(ldd, ob);
                    int mr = ConvTiles.RowsFor(nv);
                    for (int r0 = 0; r0 < rows; r0 += mr)
                    {
                        for (int r = 0; r < mr; r++)
                        {
                            // Row k = (tap, channel); rows past the end repeat the last one and land in the slack.
                            int k = System.Math.Min(r0 + r, rows - 1);
                            int tap = k / p.Cin, c = k - tap * p.Cin;
                            int kh = tap / p.KW, kw = tap - kh * p.KW;
                            o[r] = ((long)kh * p.DH * p.PW + (long)kw * p.DW) * p.Cin + c;
                        }
                        T* a = acc + (long)r0 * ldd + ob;
                        ConvTiles.Outer(nv, xc, o, ih, p.OutW, rowStep, colStep, dc + ob, ldd, a, ldd);
                    }
                    ob += nv * v;
                }
            }
        }
    }
}
