using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace GraphEngine.Ops.Compute;

/// <summary>
/// C = op(A)·op(B) for a few rows of C (m ≤ <see cref="Gemm.SmallM"/>, e.g. batch-1 inference): B is
/// streamed straight from memory, never packed, since each element of B is used only m times and
/// packing it would cost as much as the product. B untransposed: each row of C is a sum of rows of B
/// scaled by A's elements (axpy form, C's row in L1). B transposed: each element of C is a dot product
/// of two contiguous rows. Large weight matrices split across the cores' <see cref="CoreWorkers"/>
/// (untransposed: by depth, each core streaming a contiguous block of B's rows; transposed: by
/// columns), with a fixed share per core so each keeps its slice of the weights in its own caches.
/// </summary>
internal static unsafe class GemmSmallM
{
    /// <summary>Below this many multiply-adds a second thread costs more than it brings.</summary>
    // 1×512·512×256 (131 k) gains once the worker is awake from the layer before: MLP batch 1 14.2–14.8 µs vs 17.7–19.8 µs at 2^18.
    internal const long ParallelFlops = 1L << 17;

    public static void Multiply<T>(T* a, int lda, bool transA, T* b, int ldb, bool transB, T* c, int ldc,
        int m, int n, int k, int maxThreads) where T : unmanaged, INumber<T>
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
                int threads = (long)m * n * k >= ParallelFlops ? maxThreads : 1;
                // B transposed: chunks of 32 columns (dot products over contiguous rows of b). B untransposed: chunks of
                // B's rows (depth), each streamed front to back as one contiguous block into its own partial C; a
                // column split would read every row of B in pieces, which the prefetcher follows far worse.
                int unit = 32;
                while ((n + (long)unit - 1) / unit > CoreJob.MaxChunks) unit *= 2;
                int chunks = transB ? (int)((n + (long)unit - 1) / unit) : System.Math.Min(k / 16, 2 * threads);
                threads = System.Math.Min(threads, chunks);
                if (threads <= 1)
                {
                    Columns(rows, rowStride, b, ldb, transB, c, ldc, m, k, 0, n);
                    return;
                }
                // Participant i's home range is always the same share (the caller takes the first): run after run each
                // core streams the same slice of the weights, which can then stay in its own caches.
                var job = JobOf<T>.Cached ??= new Job<T>();
                int partialLength = transB ? 0 : (chunks - 1) * m * n;
                if (job.Partials.Length < partialLength) job.Partials = new T[partialLength];
                fixed (T* partials = job.Partials)
                {
                    job.Rows = rows; job.B = b; job.C = c; job.Partial = partials;
                    (job.RowStride, job.Ldb, job.TransB, job.Ldc) = (rowStride, ldb, transB, ldc);
                    (job.M, job.N, job.K, job.Chunks, job.Unit) = (m, n, k, chunks, unit);
                    try
                    {
                        CoreWorkers.Run(job, chunks, threads);
                    }
                    finally
                    {
                        job.Rows = job.B = job.C = job.Partial = null;
                    }
                    if (!transB) SumPartials(c, ldc, partials, m, n, chunks - 1);
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

    /// <summary>
    /// A chunk is 32 (or more) columns of C (B transposed) or a block of depth: chunk 0 writes C, chunk i &gt; 0 its own
    /// partial m×n block, summed into C in chunk order afterwards, so the result does not depend on which
    /// thread ran which chunk.
    /// </summary>
    private sealed class Job<T> : CoreJob where T : unmanaged, INumber<T>
    {
        public T* Rows, B, C, Partial;
        public T[] Partials = [];
        public int RowStride, Ldb, Ldc, M, N, K, Chunks, Unit;
        public bool TransB;

        protected override void RunChunk(int chunk)
        {
            if (TransB)
            {
                int j0 = chunk * Unit;
                Columns(Rows, RowStride, B, Ldb, true, C, Ldc, M, K, j0, (int)System.Math.Min((long)j0 + Unit, N));
                return;
            }
            int p0 = (int)((long)K * chunk / Chunks), p1 = (int)((long)K * (chunk + 1) / Chunks);
            T* target = chunk == 0 ? C : Partial + (long)(chunk - 1) * M * N;
            int ldt = chunk == 0 ? Ldc : N;
            Columns(Rows + p0, RowStride, B + (long)p0 * Ldb, Ldb, false, target, ldt, M, p1 - p0, 0, N);
        }
    }

    /// <summary>C += partial blocks 0 … count-1 (each m×n, dense), in that order.</summary>
    private static void SumPartials<T>(T* c, int ldc, T* partials, int m, int n, int count) where T : unmanaged, INumber<T>
    {
        int w = Vector<T>.Count;
        for (int i = 0; i < m; i++)
        {
            T* row = c + (long)i * ldc;
            for (int q = 0; q < count; q++)
            {
                T* part = partials + ((long)q * m + i) * n;
                int j = 0;
                for (; j + w <= n; j += w) (Vector.Load(row + j) + Vector.Load(part + j)).Store(row + j);
                for (; j < n; j++) row[j] += part[j];
            }
        }
    }

    /// <summary>Columns [j0, j1) of every row of C. A's rows start rowStride apart (0 with one row) and are contiguous.</summary>
    private static void Columns<T>(T* rows, int rowStride, T* b, int ldb, bool transB, T* c, int ldc, int m, int k, int j0, int j1)
        where T : unmanaged, INumber<T>
    {
        if (transB)
        {
            for (int i = 0; i < m; i++) DotRow(rows + (long)i * rowStride, b, ldb, c + (long)i * ldc, k, j0, j1);
            return;
        }
        int r = 0;
        for (; r + 4 <= m; r += 4) AxpyRows4(rows + (long)r * rowStride, rowStride, b, ldb, c + (long)r * ldc, ldc, k, j0, j1);
        for (; r < m; r++) AxpyRow(rows + (long)r * rowStride, b, ldb, c + (long)r * ldc, k, j0, j1);
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
