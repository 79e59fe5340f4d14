using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace GraphEngine.Ops.Compute;

/// <summary>
/// C = op(A)·op(B) for a few rows of C (m ≤ <see cref="Gemm.SmallM"/>, e.g. batch-1 inference): B is
/// streamed straight from memory, never packed, since each element of B is used only m times and
/// packing it would cost as much as the product. B untransposed: each row of C is a sum of rows of B
/// scaled by A's elements (axpy form, 8 vectors of C in registers). B transposed: each element of C is
/// a dot product of two contiguous rows. Large weight matrices split by columns across cores, so each
/// core streams only its share (and keeps it in its own L2 across calls).
/// </summary>
internal static unsafe class GemmSmallM
{
    /// <summary>Below this many multiply-adds a second thread costs more than it brings.</summary>
    internal const long ParallelFlops = 1L << 16;   // with an awake core worker, 1×256·256×256 (65 k) already gains

    public static void Multiply<T>(T* a, int lda, bool transA, T* b, int ldb, bool transB, T* c, int ldc,
        int m, int n, int k, int maxThreads, bool wide) where T : unmanaged, INumber<T>
    {
        T[]? copy = null;
        try
        {
            int rowStride = lda;
            if (transA && m > 1)
            {
                // op(A)'s rows are strided columns of a: gather the m×k block (small next to B) into rows.
                copy = ArrayPool<T>.Shared.Rent(m * k);
                fixed (T* dst = copy)
                    for (int i = 0; i < m; i++)
                        for (int p = 0; p < k; p++) dst[(long)i * k + p] = a[(long)p * lda + i];
                rowStride = k;
            }
            else if (transA) rowStride = 0;   // one row: a is [k,1], its elements are lda = 1 apart
            fixed (T* aCopy = copy)
            {
                T* rows = copy is null ? a : aCopy;
                // A chunk: 32 dot products, or one register strip of columns (128 floats with AVX-512, else 64).
                int unit = transB ? 32 : Strip<T>(wide);
                int units = (n + unit - 1) / unit;
                int threads = (long)m * n * k >= ParallelFlops ? System.Math.Min(maxThreads, units) : 1;
                if (threads <= 1)
                {
                    Columns(rows, rowStride, b, ldb, transB, c, ldc, m, k, 0, n, wide);
                    return;
                }
                // One fixed share of the columns per core (the caller always takes the first): run after run each
                // core streams the same slice of the weights, which can then stay in its own caches.
                var job = JobOf<T>.Cached ??= new Job<T>();
                job.Rows = rows; job.B = b; job.C = c;
                (job.RowStride, job.Ldb, job.TransB, job.Ldc) = (rowStride, ldb, transB, ldc);
                (job.M, job.N, job.K, job.Unit, job.Units, job.Wide) = (m, n, k, unit, units, wide);
                try
                {
                    CoreWorkers.Run(job, units, threads);
                }
                finally
                {
                    job.Rows = job.B = job.C = null;
                }
            }
        }
        finally
        {
            if (copy is not null) ArrayPool<T>.Shared.Return(copy);
        }
    }

    /// <summary>This thread's split job, reused call after call (<see cref="CoreWorkers.Run"/> returns only when every share is done).</summary>
    private static class JobOf<T> where T : unmanaged, INumber<T>
    {
        [ThreadStatic] public static Job<T>? Cached;
    }

    /// <summary>A chunk is one unit of C's columns; participant i's home range is the i-th share of them.</summary>
    private sealed class Job<T> : CoreJob where T : unmanaged, INumber<T>
    {
        public T* Rows, B, C;
        public int RowStride, Ldb, Ldc, M, N, K, Unit, Units;
        public bool TransB, Wide;

        protected override void RunChunk(int unit)
        {
            int from = unit * Unit;
            Columns(Rows, RowStride, B, Ldb, TransB, C, Ldc, M, K, from, System.Math.Min(from + Unit, N), Wide);
        }
    }

    /// <summary>Columns of one register strip: 8 vectors (Vector512 when wide, else Vector&lt;T&gt;).</summary>
    private static int Strip<T>(bool wide) where T : unmanaged => 8 * (wide ? Vector512<T>.Count : Vector<T>.Count);

    /// <summary>Columns [j0, j1) of every row of C. A's rows start rowStride apart (0 with one row) and are contiguous.</summary>
    private static void Columns<T>(T* rows, int rowStride, T* b, int ldb, bool transB, T* c, int ldc, int m, int k, int j0, int j1, bool wide)
        where T : unmanaged, INumber<T>
    {
        if (transB)
        {
            for (int i = 0; i < m; i++) DotRow(rows + (long)i * rowStride, b, ldb, c + (long)i * ldc, k, j0, j1);
            return;
        }
        int r = 0;
        for (; r + 4 <= m; r += 4) AxpyRows4(rows + (long)r * rowStride, rowStride, b, ldb, c + (long)r * ldc, ldc, k, j0, j1);
        int strip = Strip<T>(wide);
        for (; r < m; r++)
        {
            T* a = rows + (long)r * rowStride, cr = c + (long)r * ldc;
            int j = j0;
            for (; j + strip <= j1; j += strip)
                if (wide) Strip512(a, b + j, ldb, cr + j, k);
                else StripVector(a, b + j, ldb, cr + j, k);
            if (j < j1) AxpyRow(a, b, ldb, cr, k, j, j1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> MulAdd<T>(Vector512<T> x, Vector512<T> y, Vector512<T> acc) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float)) return Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();
        return x * y + acc;
    }

    /// <summary>
    /// c[0 .. 8 zmm) = Σp a[p]·B[p, 0 .. 8 zmm): the strip's sums stay in 8 registers over the whole depth (8
    /// independent chains keep both FMA pipes busy), B's rows are read 512 bytes at a time.
    /// </summary>
    private static void Strip512<T>(T* a, T* b, int ldb, T* c, int k) where T : unmanaged, INumber<T>
    {
        int w = Vector512<T>.Count;
        Vector512<T> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (int p = 0; p < k; p++, b += ldb)
        {
            var x = Vector512.Create(a[p]);
            c0 = MulAdd(x, Vector512.Load(b), c0);
            c1 = MulAdd(x, Vector512.Load(b + w), c1);
            c2 = MulAdd(x, Vector512.Load(b + 2 * w), c2);
            c3 = MulAdd(x, Vector512.Load(b + 3 * w), c3);
            c4 = MulAdd(x, Vector512.Load(b + 4 * w), c4);
            c5 = MulAdd(x, Vector512.Load(b + 5 * w), c5);
            c6 = MulAdd(x, Vector512.Load(b + 6 * w), c6);
            c7 = MulAdd(x, Vector512.Load(b + 7 * w), c7);
        }
        c0.Store(c); c1.Store(c + w); c2.Store(c + 2 * w); c3.Store(c + 3 * w);
        c4.Store(c + 4 * w); c5.Store(c + 5 * w); c6.Store(c + 6 * w); c7.Store(c + 7 * w);
    }

    /// <summary>The same strip with 8 Vector&lt;T&gt; registers (AVX2: 64 floats).</summary>
    private static void StripVector<T>(T* a, T* b, int ldb, T* c, int k) where T : unmanaged, INumber<T>
    {
        int w = Vector<T>.Count;
        Vector<T> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (int p = 0; p < k; p++, b += ldb)
        {
            var x = new Vector<T>(a[p]);
            c0 = MulAdd(x, Vector.Load(b), c0);
            c1 = MulAdd(x, Vector.Load(b + w), c1);
            c2 = MulAdd(x, Vector.Load(b + 2 * w), c2);
            c3 = MulAdd(x, Vector.Load(b + 3 * w), c3);
            c4 = MulAdd(x, Vector.Load(b + 4 * w), c4);
            c5 = MulAdd(x, Vector.Load(b + 5 * w), c5);
            c6 = MulAdd(x, Vector.Load(b + 6 * w), c6);
            c7 = MulAdd(x, Vector.Load(b + 7 * w), c7);
        }
        c0.Store(c); c1.Store(c + w); c2.Store(c + 2 * w); c3.Store(c + 3 * w);
        c4.Store(c + 4 * w); c5.Store(c + 5 * w); c6.Store(c + 6 * w); c7.Store(c + 7 * w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> MulAdd<T>(Vector<T> x, Vector<T> y, Vector<T> acc) where T : unmanaged, INumber<T>
    {
        if (Fma.IsSupported || AdvSimd.IsSupported)
        {
            if (typeof(T) == typeof(float)) return Vector.FusedMultiplyAdd(x.As<T, float>(), y.As<T, float>(), acc.As<T, float>()).As<float, T>();
            if (typeof(T) == typeof(double)) return Vector.FusedMultiplyAdd(x.As<T, double>(), y.As<T, double>(), acc.As<T, double>()).As<double, T>();
        }
        return x * y + acc;
    }

    /// <summary>
    /// c[j] = Σp a[p]·B[p, j] for j in [j0, j1). Four rows of B at a time are streamed front to back
    /// (contiguous reads the prefetcher follows) and folded into c, which stays in L1.
    /// </summary>
    private static void AxpyRow<T>(T* a, T* b, int ldb, T* c, int k, int j0, int j1) where T : unmanaged, INumber<T>
    {
        int w = Vector<T>.Count;
        int jv = j0 + (j1 - j0) / w * w;
        new Span<T>(c + j0, j1 - j0).Clear();
        int p = 0;
        for (; p + 4 <= k; p += 4)
        {
            T* b0 = b + (long)p * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
            Vector<T> x0 = new(a[p]), x1 = new(a[p + 1]), x2 = new(a[p + 2]), x3 = new(a[p + 3]);
            for (int j = j0; j < jv; j += w)
            {
                var acc = MulAdd(x0, Vector.Load(b0 + j), Vector.Load(c + j));
                acc = MulAdd(x1, Vector.Load(b1 + j), acc);
                acc = MulAdd(x2, Vector.Load(b2 + j), acc);
                MulAdd(x3, Vector.Load(b3 + j), acc).Store(c + j);
            }
            for (int j = jv; j < j1; j++) c[j] += a[p] * b0[j] + a[p + 1] * b1[j] + a[p + 2] * b2[j] + a[p + 3] * b3[j];
        }
        for (; p < k; p++)
        {
            T* bp = b + (long)p * ldb;
            var x = new Vector<T>(a[p]);
            for (int j = j0; j < jv; j += w) MulAdd(x, Vector.Load(bp + j), Vector.Load(c + j)).Store(c + j);
            for (int j = jv; j < j1; j++) c[j] += a[p] * bp[j];
        }
    }

    /// <summary>Four rows of C at once: each loaded vector of B feeds four rows (2 vectors wide per row).</summary>
    private static void AxpyRows4<T>(T* a, int lda, T* b, int ldb, T* c, int ldc, int k, int j0, int j1) where T : unmanaged, INumber<T>
    {
        int w = Vector<T>.Count;
        T* a0 = a, a1 = a + lda, a2 = a + 2 * (long)lda, a3 = a + 3 * (long)lda;
        int j = j0;
        for (; j + 2 * w <= j1; j += 2 * w)
        {
            Vector<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
            T* bp = b + j;
            for (int p = 0; p < k; p++, bp += ldb)
            {
                var b0 = Vector.Load(bp);
                var b1 = Vector.Load(bp + w);
                var x = new Vector<T>(a0[p]); c00 = MulAdd(x, b0, c00); c01 = MulAdd(x, b1, c01);
                x = new Vector<T>(a1[p]); c10 = MulAdd(x, b0, c10); c11 = MulAdd(x, b1, c11);
                x = new Vector<T>(a2[p]); c20 = MulAdd(x, b0, c20); c21 = MulAdd(x, b1, c21);
                x = new Vector<T>(a3[p]); c30 = MulAdd(x, b0, c30); c31 = MulAdd(x, b1, c31);
            }
            c00.Store(c + j); c01.Store(c + j + w);
            c10.Store(c + ldc + j); c11.Store(c + ldc + j + w);
            c20.Store(c + 2 * (long)ldc + j); c21.Store(c + 2 * (long)ldc + j + w);
            c30.Store(c + 3 * (long)ldc + j); c31.Store(c + 3 * (long)ldc + j + w);
        }
        if (j < j1)
            for (int r = 0; r < 4; r++) AxpyRow(a + (long)r * lda, b, ldb, c + (long)r * ldc, k, j, j1);
    }

    /// <summary>c[j] = Σp a[p]·b[j*ldb + p] for j in [j0, j1): four dot products share each load of a.</summary>
    private static void DotRow<T>(T* a, T* b, int ldb, T* c, int k, int j0, int j1) where T : unmanaged, INumber<T>
    {
        int w = Vector<T>.Count;
        int kv = k - k % w;
        int j = j0;
        for (; j + 4 <= j1; j += 4)
        {
            T* b0 = b + (long)j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
            Vector<T> s0 = default, s1 = default, s2 = default, s3 = default;
            for (int p = 0; p < kv; p += w)
            {
                var x = Vector.Load(a + p);
                s0 = MulAdd(x, Vector.Load(b0 + p), s0); s1 = MulAdd(x, Vector.Load(b1 + p), s1);
                s2 = MulAdd(x, Vector.Load(b2 + p), s2); s3 = MulAdd(x, Vector.Load(b3 + p), s3);
            }
            T t0 = Vector.Sum(s0), t1 = Vector.Sum(s1), t2 = Vector.Sum(s2), t3 = Vector.Sum(s3);
            for (int p = kv; p < k; p++)
            {
                T x = a[p];
                t0 += x * b0[p]; t1 += x * b1[p]; t2 += x * b2[p]; t3 += x * b3[p];
            }
            c[j] = t0; c[j + 1] = t1; c[j + 2] = t2; c[j + 3] = t3;
        }
        for (; j < j1; j++)
        {
            T* bj = b + (long)j * ldb;
            Vector<T> s = default;
            for (int p = 0; p < kv; p += w) s = MulAdd(Vector.Load(a + p), Vector.Load(bj + p), s);
            T t = Vector.Sum(s);
            for (int p = kv; p < k; p++) t += a[p] * bj[p];
            c[j] = t;
        }
    }
}
