using System.Buffers;
using System.Numerics;
using System.Runtime.Intrinsics.X86;

namespace GraphEngine.Ops.Compute;

/// <summary>
/// A register-tile micro-kernel and the cache blocking that feeds it. Static abstract members so the
/// packed driver is compiled once per kernel struct with the tile sizes as constants.
/// </summary>
internal unsafe interface IGemmKernel<T> where T : unmanaged
{
    /// <summary>Rows of the register tile (A panel height).</summary>
    static abstract int MR { get; }
    /// <summary>Columns of the register tile (B panel width).</summary>
    static abstract int NR { get; }
    /// <summary>Depth of one packed panel: a B micro-panel (KC×NR) stays in L1.</summary>
    static abstract int KC { get; }
    /// <summary>Rows of A packed per block: the MC×KC block stays in L2.</summary>
    static abstract int MC { get; }
    /// <summary>Columns of B packed per panel: the KC×NC panel stays in L3.</summary>
    static abstract int NC { get; }

    /// <summary>
    /// C[0..mr, 0..nr] (+)= Apanel·Bpanel over kc, Apanel[p*MR + r], Bpanel[p*NR + j] (zero padded),
    /// C row-major with stride ldc; without accumulate C is overwritten.
    /// </summary>
    static abstract void Run(int kc, T* ap, T* bp, T* c, int ldc, int mr, int nr, bool accumulate);
}

/// <summary>
/// Goto/BLIS-style packed GEMM over strided operands: A(i,p) = transA ? a[p*lda+i] : a[i*lda+p],
/// B(p,j) = transB ? b[j*ldb+p] : b[p*ldb+j], C(i,j) = c[i*ldc+j] (overwritten). Threads each take
/// their own share of C's rows or columns and pack their own panels, so no thread waits on another's
/// packing and each core's panels stay in its own L2.
/// </summary>
internal static unsafe class GemmPacked
{
    /// <summary>Below this many multiply-adds a second thread costs more than it brings.</summary>
    internal const long ParallelFlops = 1L << 21;

    /// <summary>
    /// Fewest columns (or rows) of C per chunk: every chunk packs the whole of A (or B) for itself, which only
    /// its own width pays back. Quiet 2-thread runs of the AVX2 kernel (2026-11-23): 32- and 128-column chunks
    /// gave 0.78× and 0.96× libtorch at n = 256 and 1024; at least 512 columns gave 1.10× and 1.04×.
    /// </summary>
    private const int MinShare = 512;

    public static void Multiply<T, K>(T* a, int lda, bool transA, T* b, int ldb, bool transB, T* c, int ldc,
        int m, int n, int k, int maxThreads) where T : unmanaged, INumber<T> where K : struct, IGemmKernel<T>
    {
        int threads = (long)m * n * k >= ParallelFlops ? maxThreads : 1;
        // Split the longer side of C in whole register tiles: each share is a GEMM of its own. A few
        // chunks per thread so a core slowed by other work hands its last chunks to the other one, but
        // each chunk packs the whole of the other operand again, so none is narrower than MinShare.
        bool splitN = n >= m;
        int unit = splitN ? K.NR : K.MR;
        int length = splitN ? n : m;
        int units = (length + unit - 1) / unit;
        int chunks = System.Math.Min(units, System.Math.Max(threads, System.Math.Min(4 * threads, length / MinShare)));
        if (threads <= 1 || chunks <= 1)
        {
            Serial<T, K>(a, lda, transA, b, ldb, transB, c, ldc, m, n, k);
            return;
        }
        var job = GemmJobCache<Job<T, K>>.Get();
        job.A = a; job.B = b; job.C = c;
        (job.Lda, job.TransA, job.Ldb, job.TransB, job.Ldc) = (lda, transA, ldb, transB, ldc);
        (job.M, job.N, job.Depth, job.SplitN, job.Unit, job.Units, job.Chunks) = (m, n, k, splitN, unit, units, chunks);
        job.Go(System.Math.Min(threads, chunks) - 1);
    }

    /// <summary>One share of C's columns (or rows) per chunk, each packed and multiplied independently.</summary>
    private sealed class Job<T, K> : GemmParallel where T : unmanaged, INumber<T> where K : struct, IGemmKernel<T>
    {
        public T* A, B, C;
        public int Lda, Ldb, Ldc, M, N, Depth, Unit, Units, Chunks;
        public bool TransA, TransB, SplitN;

        public void Go(int helpers) => Run(Chunks, helpers);

        protected override void RunChunk(int t)
        {
            int from = (int)((long)Units * t / Chunks) * Unit;
            int to = System.Math.Min((int)((long)Units * (t + 1) / Chunks) * Unit, SplitN ? N : M);
            if (SplitN)
                Serial<T, K>(A, Lda, TransA, B + (TransB ? (long)from * Ldb : from), Ldb, TransB, C + from, Ldc, M, to - from, Depth);
            else
                Serial<T, K>(A + (TransA ? from : (long)from * Lda), Lda, TransA, B, Ldb, TransB, C + (long)from * Ldc, Ldc, to - from, N, Depth);
        }
    }

    /// <summary>One thread's GEMM: loops jc (NC) → pc (KC) → ic (MC) → jr (NR) → ir (MR) → micro-kernel.</summary>
    private static void Serial<T, K>(T* a, int lda, bool transA, T* b, int ldb, bool transB, T* c, int ldc, int m, int n, int k)
        where T : unmanaged, INumber<T> where K : struct, IGemmKernel<T>
    {
        int mr = K.MR, nr = K.NR;
        int kcMax = System.Math.Min(K.KC, k);
        int ncMax = System.Math.Min(K.NC, RoundUp(n, nr));
        int mcMax = System.Math.Min(K.MC, RoundUp(m, mr));
        int pad = 64 / sizeof(T);
        var bArr = ArrayPool<T>.Shared.Rent(kcMax * ncMax + pad);
        var aArr = ArrayPool<T>.Shared.Rent(kcMax * mcMax + pad);
        try
        {
            fixed (T* bRaw = bArr)
            fixed (T* aRaw = aArr)
            {
                // 64-byte aligned panels: every vector load in the micro-kernel stays within one cache line.
                T* bp = Align64(bRaw), ap = Align64(aRaw);
                for (int jc = 0; jc < n; jc += K.NC)
                {
                    int nc = System.Math.Min(K.NC, n - jc);
                    for (int pc = 0; pc < k; pc += K.KC)
                    {
                        int kc = System.Math.Min(K.KC, k - pc);
                        PackB(b, ldb, transB, pc, kc, jc, nc, bp, nr);
                        for (int ic = 0; ic < m; ic += K.MC)
                        {
                            int mc = System.Math.Min(K.MC, m - ic);
                            PackA(a, lda, transA, ic, mc, pc, kc, ap, mr);
                            for (int jr = 0; jr < nc; jr += nr)
                            {
                                int nrEff = System.Math.Min(nr, nc - jr);
                                T* bPanel = bp + (long)(jr / nr) * kc * nr;
                                T* cCol = c + jc + jr;
                                for (int ir = 0; ir < mc; ir += mr)
                                    K.Run(kc, ap + (long)(ir / mr) * kc * mr, bPanel, cCol + (long)(ic + ir) * ldc, ldc,
                                        System.Math.Min(mr, mc - ir), nrEff, pc > 0);
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(bArr);
            ArrayPool<T>.Shared.Return(aArr);
        }
    }

    private static int RoundUp(int x, int unit) => (x + unit - 1) / unit * unit;

    private static T* Align64<T>(T* p) where T : unmanaged => (T*)(((nint)p + 63) & ~(nint)63);

    /// <summary>A(i,p) for i in [ic, ic+mc), p in [pc, pc+kc) into MR-row panels: panel[p*MR + r], zero padded.</summary>
    private static void PackA<T>(T* a, int lda, bool transA, int ic, int mc, int pc, int kc, T* ap, int mr) where T : unmanaged, INumber<T>
    {
        for (int ir = 0; ir < mc; ir += mr)
        {
            T* panel = ap + (long)(ir / mr) * kc * mr;
            int rows = System.Math.Min(mr, mc - ir);
            if (transA)
            {
                // Column p of op(A) is contiguous in a: copy MR-long runs.
                for (int p = 0; p < kc; p++)
                {
                    T* src = a + (long)(pc + p) * lda + ic + ir;
                    T* dst = panel + p * mr;
                    for (int r = 0; r < rows; r++) dst[r] = src[r];
                    for (int r = rows; r < mr; r++) dst[r] = T.Zero;
                }
                continue;
            }
            int r0 = 0;
            if (typeof(T) == typeof(float) && Sse.IsSupported)
                for (; r0 + 4 <= rows; r0 += 4)
                    PackRows4((float*)(a + (long)(ic + ir + r0) * lda + pc), lda, kc, (float*)panel + r0, mr);
            for (int r = r0; r < mr; r++)
            {
                if (r >= rows)
                {
                    for (int p = 0; p < kc; p++) panel[p * mr + r] = T.Zero;
                    continue;
                }
                T* row = a + (long)(ic + ir + r) * lda + pc;
                for (int p = 0; p < kc; p++) panel[p * mr + r] = row[p];
            }
        }
    }

    /// <summary>
    /// Four rows of A (stride lda) into panel columns r..r+3: dst[p*mr + 0..3] = A(0..3, p). 4×4 blocks are
    /// transposed in registers (4 loads, 8 shuffles, 4 stores per 16 elements) instead of 16 scalar moves.
    /// </summary>
    private static void PackRows4(float* a, int lda, int kc, float* dst, int mr)
    {
        float* a0 = a, a1 = a + lda, a2 = a + 2 * (long)lda, a3 = a + 3 * (long)lda;
        int p = 0;
        for (; p + 4 <= kc; p += 4)
        {
            var v0 = Sse.LoadVector128(a0 + p);
            var v1 = Sse.LoadVector128(a1 + p);
            var v2 = Sse.LoadVector128(a2 + p);
            var v3 = Sse.LoadVector128(a3 + p);
            var lo01 = Sse.UnpackLow(v0, v1);    // a0[p] a1[p] a0[p+1] a1[p+1]
            var hi01 = Sse.UnpackHigh(v0, v1);   // a0[p+2] a1[p+2] a0[p+3] a1[p+3]
            var lo23 = Sse.UnpackLow(v2, v3);
            var hi23 = Sse.UnpackHigh(v2, v3);
            float* d = dst + (long)p * mr;
            Sse.Store(d, Sse.MoveLowToHigh(lo01, lo23));
            Sse.Store(d + mr, Sse.MoveHighToLow(lo23, lo01));
            Sse.Store(d + 2 * mr, Sse.MoveLowToHigh(hi01, hi23));
            Sse.Store(d + 3 * mr, Sse.MoveHighToLow(hi23, hi01));
        }
        for (; p < kc; p++)
        {
            float* d = dst + (long)p * mr;
            d[0] = a0[p]; d[1] = a1[p]; d[2] = a2[p]; d[3] = a3[p];
        }
    }

    /// <summary>B(p,j) for p in [pc, pc+kc), j in [jc, jc+nc) into NR-column panels: panel[p*NR + j], zero padded.</summary>
    private static void PackB<T>(T* b, int ldb, bool transB, int pc, int kc, int jc, int nc, T* bp, int nr) where T : unmanaged, INumber<T>
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            T* panel = bp + (long)(jr / nr) * kc * nr;
            int w = System.Math.Min(nr, nc - jr);
            if (transB)
            {
                // Row j of op(B)ᵀ is contiguous in b: read along p, write with stride NR.
                for (int j = 0; j < w; j++)
                {
                    T* src = b + (long)(jc + jr + j) * ldb + pc;
                    for (int p = 0; p < kc; p++) panel[p * nr + j] = src[p];
                }
                if (w < nr)
                    for (int p = 0; p < kc; p++) new Span<T>(panel + p * nr + w, nr - w).Clear();
                continue;
            }
            for (int p = 0; p < kc; p++)
            {
                T* dst = panel + p * nr;
                new ReadOnlySpan<T>(b + (long)(pc + p) * ldb + jc + jr, w).CopyTo(new Span<T>(dst, w));
                if (w < nr) new Span<T>(dst + w, nr - w).Clear();
            }
        }
    }
}
