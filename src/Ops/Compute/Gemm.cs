using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GraphEngine.Ops.Compute;

/// <summary>
/// C = op(A) · op(B) over row-major spans, op = optional transpose (read through the packing
/// step, never materialised). Float and double use a packed, cache-blocked GEMM with a 4×(2 vectors)
/// Vector256/FMA micro-kernel (Goto/BLIS layout); other types use a plain loop. Rows of C are
/// split across cores only for large problems. To be replaced by a tuned GEMM later.
/// </summary>
public static unsafe class Gemm
{
    private const int MR = 4;          // rows of the micro-tile
    private const int KC = 256;        // depth of one packed panel (A and B panels stay in L2)
    private const int MC = 64;         // rows of A packed per block (multiple of MR)
    private const int NC = 2048;       // columns of B packed per block
    private const long ParallelFlops = 1L << 21;

    /// <summary>
    /// c[m,n] = op(a)·op(b): a is [m,k] ([k,m] when transA), b is [k,n] ([n,k] when transB). c is overwritten.
    /// </summary>
    public static void Multiply<T>(ReadOnlySpan<T> a, bool transA, ReadOnlySpan<T> b, bool transB, Span<T> c, int m, int n, int k)
        where T : unmanaged, INumber<T>
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentOutOfRangeException(nameof(m), "Negative GEMM dimension.");
        if (a.Length < (long)m * k || b.Length < (long)k * n || c.Length < (long)m * n)
            throw new ArgumentException("Span too short for the GEMM dimensions.");
        if (m == 0 || n == 0) return;
        c[..(m * n)].Clear();
        if (k == 0) return;
        fixed (T* pa = a)
        fixed (T* pb = b)
        fixed (T* pc = c)
        {
            if ((typeof(T) == typeof(float) || typeof(T) == typeof(double)) && Vector256.IsHardwareAccelerated)
                Blocked(pa, transA, pb, transB, pc, m, n, k);
            else
                Naive(pa, transA, pb, transB, pc, m, n, k);
        }
    }

    private static void Naive<T>(T* a, bool transA, T* b, bool transB, T* c, int m, int n, int k) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < m; i++)
        {
            T* crow = c + (long)i * n;
            for (int p = 0; p < k; p++)
            {
                T aip = transA ? a[(long)p * m + i] : a[(long)i * k + p];
                if (transB)
                    for (int j = 0; j < n; j++) crow[j] += aip * b[(long)j * k + p];
                else
                {
                    T* brow = b + (long)p * n;
                    for (int j = 0; j < n; j++) crow[j] += aip * brow[j];
                }
            }
        }
    }

    private static void Blocked<T>(T* a, bool transA, T* b, bool transB, T* c, int m, int n, int k) where T : unmanaged, INumber<T>
    {
        int nr = 2 * Vector256<T>.Count;
        int mPad = (m + MR - 1) / MR * MR;
        int ncMax = System.Math.Min(NC, (n + nr - 1) / nr * nr);
        int kcMax = System.Math.Min(KC, k);
        var bPackArr = ArrayPool<T>.Shared.Rent(kcMax * ncMax + 16);
        var aPackArr = ArrayPool<T>.Shared.Rent(kcMax * mPad + 16);
        bool parallel = (long)m * n * k >= ParallelFlops && m > MC && Environment.ProcessorCount > 1;
        try
        {
            fixed (T* bp0 = bPackArr)
            fixed (T* ap0 = aPackArr)
            {
                nint aAddr = (nint)a, cAddr = (nint)c, apAddr = (nint)ap0, bpAddr = (nint)bp0;
                for (int jc = 0; jc < n; jc += NC)
                {
                    int nc = System.Math.Min(NC, n - jc);
                    for (int pc = 0; pc < k; pc += KC)
                    {
                        int kc = System.Math.Min(KC, k - pc);
                        PackB(b, transB, n, k, pc, kc, jc, nc, bp0, nr);
                        int blocks = (m + MC - 1) / MC;
                        if (parallel)
                        {
                            int kcL = kc, ncL = nc, pcL = pc, jcL = jc;
                            Parallel.For(0, blocks, blk => Block<T>((T*)aAddr, transA, (T*)cAddr, m, n, k, blk * MC, pcL, kcL, jcL, ncL,
                                (T*)apAddr + (long)blk * MC * kcL, (T*)bpAddr, nr));
                        }
                        else
                        {
                            for (int blk = 0; blk < blocks; blk++)
                                Block(a, transA, c, m, n, k, blk * MC, pc, kc, jc, nc, ap0 + (long)blk * MC * kc, bp0, nr);
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(bPackArr);
            ArrayPool<T>.Shared.Return(aPackArr);
        }
    }

    // One MC-row block: pack its slice of A, then run the micro-kernel over every micro-tile.
    private static void Block<T>(T* a, bool transA, T* c, int m, int n, int k, int ic, int pc, int kc, int jc, int nc, T* ap, T* bp, int nr)
        where T : unmanaged, INumber<T>
    {
        int mc = System.Math.Min(MC, m - ic);
        PackA(a, transA, m, k, ic, mc, pc, kc, ap);
        for (int jr = 0; jr < nc; jr += nr)
        {
            int nrEff = System.Math.Min(nr, nc - jr);
            T* bpanel = bp + (long)(jr / nr) * kc * nr;
            for (int ir = 0; ir < mc; ir += MR)
            {
                int mrEff = System.Math.Min(MR, mc - ir);
                MicroKernel(kc, ap + (long)(ir / MR) * kc * MR, bpanel, c + (long)(ic + ir) * n + jc + jr, n, mrEff, nrEff);
            }
        }
    }

    // A(i,p) for i in [ic, ic+mc), p in [pc, pc+kc) into MR-row panels: panel[p*MR + r], zero padded.
    private static void PackA<T>(T* a, bool transA, int m, int k, int ic, int mc, int pc, int kc, T* ap) where T : unmanaged, INumber<T>
    {
        for (int ir = 0; ir < mc; ir += MR)
        {
            T* panel = ap + (long)(ir / MR) * kc * MR;
            for (int r = 0; r < MR; r++)
            {
                int i = ic + ir + r;
                if (ir + r >= mc)
                {
                    for (int p = 0; p < kc; p++) panel[p * MR + r] = T.Zero;
                    continue;
                }
                if (transA)
                    for (int p = 0; p < kc; p++) panel[p * MR + r] = a[(long)(pc + p) * m + i];
                else
                {
                    T* row = a + (long)i * k + pc;
                    for (int p = 0; p < kc; p++) panel[p * MR + r] = row[p];
                }
            }
        }
    }

    // B(p,j) for p in [pc, pc+kc), j in [jc, jc+nc) into nr-column panels: panel[p*nr + j], zero padded.
    private static void PackB<T>(T* b, bool transB, int n, int k, int pc, int kc, int jc, int nc, T* bp, int nr) where T : unmanaged, INumber<T>
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            T* panel = bp + (long)(jr / nr) * kc * nr;
            int w = System.Math.Min(nr, nc - jr);
            for (int p = 0; p < kc; p++)
            {
                T* dst = panel + p * nr;
                if (transB)
                    for (int j = 0; j < w; j++) dst[j] = b[(long)(jc + jr + j) * k + pc + p];
                else
                    new ReadOnlySpan<T>(b + (long)(pc + p) * n + jc + jr, w).CopyTo(new Span<T>(dst, w));
                for (int j = w; j < nr; j++) dst[j] = T.Zero;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> MulAdd<T>(Vector256<T> x, Vector256<T> y, Vector256<T> acc) where T : unmanaged
    {
        if (Fma.IsSupported)
        {
            if (typeof(T) == typeof(float)) return Fma.MultiplyAdd(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>();
            if (typeof(T) == typeof(double)) return Fma.MultiplyAdd(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();
        }
        return x * y + acc;
    }

    // C[0..mr, 0..nr] += Apanel · Bpanel over kc; the 4×2 vector accumulators live in registers.
    private static void MicroKernel<T>(int kc, T* ap, T* bp, T* c, int ldc, int mr, int nr) where T : unmanaged, INumber<T>
    {
        int w = Vector256<T>.Count;
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default,
            c20 = default, c21 = default, c30 = default, c31 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(bp);
            var b1 = Vector256.Load(bp + w);
            var a0 = Vector256.Create(ap[0]);
            var a1 = Vector256.Create(ap[1]);
            c00 = MulAdd(a0, b0, c00); c01 = MulAdd(a0, b1, c01);
            c10 = MulAdd(a1, b0, c10); c11 = MulAdd(a1, b1, c11);
            var a2 = Vector256.Create(ap[2]);
            var a3 = Vector256.Create(ap[3]);
            c20 = MulAdd(a2, b0, c20); c21 = MulAdd(a2, b1, c21);
            c30 = MulAdd(a3, b0, c30); c31 = MulAdd(a3, b1, c31);
            ap += MR;
            bp += 2 * w;
        }
        if (mr == MR && nr == 2 * w)
        {
            Store(c, c00, c01, w);
            Store(c + ldc, c10, c11, w);
            Store(c + 2 * ldc, c20, c21, w);
            Store(c + 3 * ldc, c30, c31, w);
            return;
        }
        // Edge tile: spill to a scratch tile and add only the valid part.
        T* tile = stackalloc T[MR * 2 * w];
        int tw = 2 * w;
        c00.Store(tile); c01.Store(tile + w);
        c10.Store(tile + tw); c11.Store(tile + tw + w);
        c20.Store(tile + 2 * tw); c21.Store(tile + 2 * tw + w);
        c30.Store(tile + 3 * tw); c31.Store(tile + 3 * tw + w);
        for (int r = 0; r < mr; r++)
            for (int j = 0; j < nr; j++) c[(long)r * ldc + j] += tile[r * tw + j];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(T* c, Vector256<T> lo, Vector256<T> hi, int w) where T : unmanaged
    {
        (Vector256.Load(c) + lo).Store(c);
        (Vector256.Load(c + w) + hi).Store(c + w);
    }
}
