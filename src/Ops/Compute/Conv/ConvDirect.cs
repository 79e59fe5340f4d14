using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GraphEngine.Ops.Compute;

/// <summary>
/// Direct (implicit-GEMM) 2-D convolutions in NHWC for CPUs with AVX-512 or AVX2/FMA, float and double. Each image
/// is copied once into a zero-padded scratch image (so every window is in bounds), and register tiles
/// of <see cref="ConvTiles"/> read the windows straight from it: no im2col matrix, no col2im scatter.
/// The HWIO filter already is the GEMM's packed right-hand side (rows (tap, channel), columns = output
/// depth), so it is used in place unless its depth needs padding to whole vectors.
/// <list type="bullet">
/// <item>Forward: rows = output pixels, any stride and dilation.</item>
/// <item>Input gradient (stride 1): the forward convolution of dy with the flipped, transposed filter.</item>
/// <item>Filter gradient: rows = (tap, channel) pairs, summed over pixels; one partial per worker thread.</item>
/// </list>
/// Work is split by image (and by pixel range when there are fewer images than cores). Callers fall back
/// to the im2col path of <see cref="Conv2d"/> when <see cref="IsSupported{T}"/> is false.
/// </summary>
public static unsafe partial class ConvDirect
{
    private const long ParallelFlops = 1L << 20;
    // Filter bytes one forward tap group may take: half of Zen 3's 512 KiB L2 (Zen 4/5 have 1 MiB).
    private const int L2FilterBytes = 256 * 1024;
    // dy bytes of one pixel chunk of the filter gradient: measured on Zen 5, chunks that stay in L2 beat
    // L1-sized ones (fewer partial-sum updates per image; the dy rows stream well from L2).
    private const int DyChunkBytes = 128 * 1024;

    public static bool IsSupported<T>() where T : unmanaged => ConvTiles.IsSupported<T>();

    /// <summary>Input gradient as a direct convolution needs unit strides (other strides take the col2im path).</summary>
    public static bool SupportsBackwardInput<T>(in ConvGeometry g) where T : unmanaged => IsSupported<T>() && g.SH == 1 && g.SW == 1;

    /// <summary>
    /// Whether the per-image scratch (padded image, tap offsets on the stack) stays small; huge images or
    /// filters take the chunked im2col path instead of risking an oversized buffer or stack overflow.
    /// </summary>
    private static bool Fits(in ConvGeometry g, int oc)
    {
        long taps = (long)g.KH * g.KW;
        long padded = ((long)g.H + (long)(g.KH - 1) * g.DH + 1) * ((long)g.W + (long)(g.KW - 1) * g.DW + 1) * System.Math.Max(g.C, oc);
        return taps <= 4096 && padded <= 1L << 28 && taps * g.C * (oc + 64) <= 1L << 28;
    }

    /// <summary>Row stride of a packed right-hand side with <paramref name="cols"/> columns: whole vectors.</summary>
    private static int PackedStride<T>(int cols) where T : unmanaged
    {
        int w = ConvTiles.Lanes<T>();
        return (cols + w - 1) / w * w;
    }

    /// <summary>
    /// dst[0..len) += src[0..len), in the widest vectors that fit and then narrower ones: the scatter's runs
    /// are short (a kernel row of LeNet-5's conv2 is 30 floats), so the tail must not fall to scalar code.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo<T>(T* dst, T* src, int len) where T : unmanaged, INumber<T>
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; j + Vector512<T>.Count <= len; j += Vector512<T>.Count)
                (Vector512.Load(dst + j) + Vector512.Load(src + j)).Store(dst + j);
        for (; j + Vector256<T>.Count <= len; j += Vector256<T>.Count)
            (Vector256.Load(dst + j) + Vector256.Load(src + j)).Store(dst + j);
        if (j + Vector128<T>.Count <= len)
        {
            (Vector128.Load(dst + j) + Vector128.Load(src + j)).Store(dst + j);
            j += Vector128<T>.Count;
        }
        for (; j < len; j++) dst[j] += src[j];
    }

    /// <summary>One convolution pass: src images [N, SrcH, SrcW, Cin] → dst [N, OutH, OutW, Cout].</summary>
    private readonly record struct Pass(int N, int SrcH, int SrcW, int Cin, int PadTop, int PadLeft, int PH, int PW,
        int OutH, int OutW, int Cout, int SH, int SW, int DH, int DW, int KH, int KW)
    {
        public long PaddedSize => (long)PH * PW * Cin;
        public long Flops => 2L * N * OutH * OutW * Cout * KH * KW * Cin;
    }

    /// <summary>y[N,OH,OW,oc] = conv(x, f[KH,KW,C,oc]); false when this CPU/type has no direct kernel.</summary>
    public static bool Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> f, Span<T> y, in ConvGeometry g, int oc) where T : unmanaged, INumber<T>
    {
        if (!IsSupported<T>() || !Fits(g, oc)) return false;
        if (y.Length == 0) return true;
        var pass = new Pass(g.N, g.H, g.W, g.C, g.PadTop, g.PadLeft,
            (g.OH - 1) * g.SH + (g.KH - 1) * g.DH + 1, (g.OW - 1) * g.SW + (g.KW - 1) * g.DW + 1,
            g.OH, g.OW, oc, g.SH, g.SW, g.DH, g.DW, g.KH, g.KW);
        int ldb = PackedStride<T>(oc);
        int rows = g.KH * g.KW * g.C;
        // The tiles read the filter from a 64-byte aligned block with rows padded to whole vectors: every b
        // load is then one cache line, where a misaligned one would touch two. The engine's tensors are
        // aligned, so they are used in place unless their rows need padding.
        fixed (T* px = x)
        fixed (T* pf = f)
        fixed (T* py = y)
        {
            if (ldb == oc && IsAligned(pf))
            {
                Run(pass, px, pf, ldb, py);
                return true;
            }
            var packed = ArrayPool<T>.Shared.Rent(rows * ldb + AlignSlack<T>());
            try
            {
                fixed (T* pp = packed)
                {
                    T* b = Align(pp);
                    if (ldb == oc) new ReadOnlySpan<T>(pf, rows * oc).CopyTo(new Span<T>(b, rows * ldb));
                    else
                    {
                        new Span<T>(b, rows * ldb).Clear();
                        for (int r = 0; r < rows; r++) new ReadOnlySpan<T>(pf + (long)r * oc, oc).CopyTo(new Span<T>(b + (long)r * ldb, oc));
                    }
                    Run(pass, px, b, ldb, py);
                }
            }
            finally { ArrayPool<T>.Shared.Return(packed); }
        }
        return true;
    }

    /// <summary>Extra elements to rent so a block can start on a 64-byte boundary inside the array.</summary>
    private static int AlignSlack<T>() where T : unmanaged => 64 / sizeof(T);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsAligned<T>(T* p) where T : unmanaged => ((nint)p & 63) == 0;

    /// <summary>The first 64-byte aligned address at or after <paramref name="p"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T* Align<T>(T* p) where T : unmanaged => (T*)(((nint)p + 63) & ~(nint)63);

    /// <summary>dx[N,H,W,C] from dy[N,OH,OW,oc] for unit strides (see <see cref="SupportsBackwardInput{T}"/>); dx is overwritten.</summary>
    public static bool BackwardInput<T>(ReadOnlySpan<T> f, ReadOnlySpan<T> dy, Span<T> dx, in ConvGeometry g, int oc) where T : unmanaged, INumber<T>
    {
        if (!SupportsBackwardInput<T>(g) || !Fits(g, oc)) return false;
        if (dx.Length == 0) return true;
        if (dy.Length == 0) { dx.Clear(); return true; }
        int effH = (g.KH - 1) * g.DH, effW = (g.KW - 1) * g.DW;
        // dx[ih] = Σ_kh dy[ih + padTop − kh·DH]·f[kh]: a correlation of dy, padded by effH − padTop before,
        // with the filter flipped in both spatial axes and its in/out depths swapped.
        var pass = new Pass(g.N, g.OH, g.OW, oc, effH - g.PadTop, effW - g.PadLeft, g.H + effH, g.W + effW,
            g.H, g.W, g.C, 1, 1, g.DH, g.DW, g.KH, g.KW);
        int ldb = PackedStride<T>(g.C);
        int taps = g.KH * g.KW;
        var packed = ArrayPool<T>.Shared.Rent(taps * oc * ldb + AlignSlack<T>());
        try
        {
            fixed (T* pdy = dy)
            fixed (T* pf = f)
            fixed (T* pp = packed)
            fixed (T* pdx = dx)
            {
                T* pb = Align(pp);
                if (ldb != g.C) new Span<T>(pb, taps * oc * ldb).Clear(); // the lanes past C must read as 0
                for (int kh = 0; kh < g.KH; kh++)
                    for (int kw = 0; kw < g.KW; kw++)
                    {
                        int flipped = (g.KH - 1 - kh) * g.KW + (g.KW - 1 - kw);
                        // Written in order, read with stride oc (the filter is small next to the pass).
                        T* src = pf + (long)(kh * g.KW + kw) * g.C * oc;
                        T* dst = pb + (long)flipped * oc * ldb;
                        for (int o = 0; o < oc; o++)
                            for (int c = 0; c < g.C; c++) dst[(long)o * ldb + c] = src[(long)c * oc + o];
                    }
                Run(pass, pdy, pb, ldb, pdx);
            }
        }
        finally { ArrayPool<T>.Shared.Return(packed); }
        return true;
    }

    /// <summary>Pixel-range work items: whole images, or slices of them when there are fewer images than cores.</summary>
    private static int SlicesPerImage(int n, int pixels, long flops)
    {
        int cores = Environment.ProcessorCount;
        if (cores == 1 || flops < ParallelFlops || n >= cores) return 1;
        int want = (2 * cores + n - 1) / n;
        return System.Math.Max(1, System.Math.Min(want, pixels / ConvTiles.MaxRows));
    }

    private static void Run<T>(Pass p, T* src, T* b, int ldb, T* dst) where T : unmanaged, INumber<T>
    {
        int pixels = p.OutH * p.OutW;
        int slices = SlicesPerImage(p.N, pixels, p.Flops);
        int per = (pixels + slices - 1) / slices;
        per = (per + ConvTiles.MaxRows - 1) / ConvTiles.MaxRows * ConvTiles.MaxRows;
        int next = 0;
        var body = new ForwardItems<T>
        {
            P = p, Src = src, B = b, Ldb = ldb, Dst = dst, Slices = slices, Per = per, Items = p.N * slices, Next = &next,
        };
        if (body.Items == 1 || p.Flops < ParallelFlops || Environment.ProcessorCount == 1) body.Run(0, 1);
        else ParallelRange.Run(body, body.Items, 1);
    }

    /// <summary>
    /// One worker's share of a pass: items (image, pixel slice) are claimed one at a time from a shared
    /// counter, so a core slowed by other load does fewer of them; the padded-image scratch is rented once
    /// per worker (ArrayPool's per-thread cache: no allocation once warm). A struct, so the split allocates nothing.
    /// </summary>
    private struct ForwardItems<T> : IRangeBody where T : unmanaged, INumber<T>
    {
        public Pass P;
        public T* Src, B, Dst;
        public int Ldb, Slices, Per, Items;
        public int* Next;

        public readonly void Run(int start, int end)
        {
            var buf = ArrayPool<T>.Shared.Rent((int)P.PaddedSize + 1);
            try
            {
                for (int i; (i = Interlocked.Increment(ref *Next) - 1) < Items;)
                    RunItem(P, Src, B, Ldb, Dst, buf, i / Slices, (i % Slices) * Per, Per);
            }
            finally { ArrayPool<T>.Shared.Return(buf); }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunItem<T>(Pass p, T* src, T* b, int ldb, T* dst, T[] buf, int n, int p0, int count) where T : unmanaged, INumber<T>
    {
        int pixels = p.OutH * p.OutW;
        int p1 = System.Math.Min(pixels, p0 + count);
        if (p0 >= p1) return;
        fixed (T* xp = buf)
        {
            PadImage(src + (long)n * p.SrcH * p.SrcW * p.Cin, p.SrcH, p.SrcW, p.Cin, xp, p.PH, p.PW, p.PadTop, p.PadLeft);
            int taps = p.KH * p.KW;
            int* tapOff = stackalloc int[taps];
            for (int kh = 0; kh < p.KH; kh++)
                for (int kw = 0; kw < p.KW; kw++)
                    tapOff[kh * p.KW + kw] = (kh * p.DH * p.PW + kw * p.DW) * p.Cin;
            long* o = stackalloc long[ConvTiles.MaxRows];
            int v = ConvTiles.Lanes<T>();
            T* tile = stackalloc T[ConvTiles.MaxRows * 2 * v];
            T* y = dst + (long)n * pixels * p.Cout;
            // The whole filter is one group when it fits in L2 (streaming it from there keeps the FMAs fed, and
            // every tile then holds its full sum in registers); bigger filters go in tap groups whose later
            // groups add onto the output they find.
            int group = System.Math.Clamp(L2FilterBytes / System.Math.Max(1, p.Cin * ldb * sizeof(T)), 1, taps);
            for (int t0 = 0; t0 < taps; t0 += group)
            {
                int tg = System.Math.Min(group, taps - t0);

                T* bg = b + (long)t0 * p.Cin * ldb;
                for (int ob = 0; ob < p.Cout; )
                {
                    int nv = ConvTiles.BlockVectors<T>(ldb, ob);
                    int mr = ConvTiles.RowsFor(nv), width = nv * v;
                    int cols = System.Math.Min(width, p.Cout - ob);
                    for (int r0 = p0; r0 < p1; r0 += mr)
                    {
                        mr = ConvTiles.RowsFor(nv, p1 - r0);
                        int valid = System.Math.Min(mr, p1 - r0);
                        for (int r = 0; r < mr; r++)
                        {
                            int px = r0 + System.Math.Min(r, valid - 1);
                            int oh = px / p.OutW, ow = px - oh * p.OutW;
                            o[r] = ((long)oh * p.SH * p.PW + (long)ow * p.SW) * p.Cin;
                        }
                        T* rows = y + (long)r0 * p.Cout + ob;
                        if (valid == mr && cols == width)
                        {
                            // A whole tile of whole vectors: registers straight to the output rows (added to them after the first group).
                            ConvTiles.Rows(nv, mr, xp, o, tapOff + t0, tg, p.Cin, bg + ob, ldb, rows, p.Cout, add: t0 > 0);
                            continue;
                        }
                        ConvTiles.Rows(nv, mr, xp, o, tapOff + t0, tg, p.Cin, bg + ob, ldb, tile, width);
                        for (int r = 0; r < valid; r++)
                        {
                            T* part = tile + r * width, row = rows + (long)r * p.Cout;
                            if (t0 == 0) new ReadOnlySpan<T>(part, cols).CopyTo(new Span<T>(row, cols));
                            else AddTo(row, part, cols);
                        }
                    }
                    ob += width;
                }
            }
        }
    }

    /// <summary>dst[PH, PW, c] = src[ph − padTop, pw − padLeft] where that is inside src, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PadImage<T>(T* src, int h, int w, int c, T* dst, int ph, int pw, int padTop, int padLeft) where T : unmanaged
    {
        int rowLen = pw * c;
        int w0 = System.Math.Max(0, padLeft), w1 = System.Math.Min(pw, padLeft + w);
        for (int r = 0; r < ph; r++)
        {
            var row = new Span<T>(dst + (long)r * rowLen, rowLen);
            int ih = r - padTop;
            if ((uint)ih >= (uint)h || w1 <= w0) { row.Clear(); continue; }
            row[..(w0 * c)].Clear();
            new ReadOnlySpan<T>(src + ((long)ih * w + (w0 - padLeft)) * c, (w1 - w0) * c).CopyTo(row.Slice(w0 * c));
            row[(w1 * c)..].Clear();
        }
    }
}
