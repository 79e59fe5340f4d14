using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GraphEngine.Ops.Compute;

/// <summary>
/// Which GEMM implementation runs; <see cref="Best"/> picks the widest the CPU supports. Public so tests and
/// benchmarks can measure a narrower kernel (e.g. the AVX2 one an AVX2-only CPU would run) on any machine.
/// </summary>
public enum GemmPath { Best, Avx512, Avx2, Portable, Scalar }

/// <summary>
/// C = op(A) · op(B) over row-major spans, op = optional transpose (read through the packing
/// step, never materialised). Float and double use a packed, cache-blocked GEMM (Goto/BLIS layout,
/// <see cref="GemmPacked"/>) with a micro-kernel chosen at run time: Vector512 (AVX-512, 12×32 floats),
/// Vector256 (AVX2/FMA, 6×16) or Vector128 (portable, 4×8); a few-row product (batch-1 inference)
/// streams B without packing (<see cref="GemmSmallM"/>). Other types use a plain loop.
/// </summary>
public static unsafe class Gemm
{
    /// <summary>At most this many rows of C go to the unpacked path: packing B would cost more than the product.</summary>
    internal const int SmallM = 4;

    /// <summary>
    /// c[m,n] = op(a)·op(b): a is [m,k] ([k,m] when transA), b is [k,n] ([n,k] when transB). c is overwritten.
    /// Large products split across <see cref="Environment.ProcessorCount"/> cores.
    /// </summary>
    public static void Multiply<T>(ReadOnlySpan<T> a, bool transA, ReadOnlySpan<T> b, bool transB, Span<T> c, int m, int n, int k)
        where T : unmanaged, INumber<T>
        => Multiply(a, transA, b, transB, c, m, n, k, GemmPath.Best, Environment.ProcessorCount);

    /// <summary>The same product on a given kernel path and thread budget (tests force every path with it, benchmarks the AVX2 kernel and one thread).</summary>
    public static void Multiply<T>(ReadOnlySpan<T> a, bool transA, ReadOnlySpan<T> b, bool transB, Span<T> c, int m, int n, int k,
        GemmPath path, int maxThreads) where T : unmanaged, INumber<T>
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentOutOfRangeException(nameof(m), $"Negative GEMM dimension: m={m}, n={n}, k={k}.");
        if (a.Length < (long)m * k || b.Length < (long)k * n || c.Length < (long)m * n)
            throw new ArgumentException($"Span too short for the GEMM dimensions m={m}, n={n}, k={k}: a has {a.Length}, b {b.Length}, c {c.Length} elements.");
        if (maxThreads < 1) throw new ArgumentOutOfRangeException(nameof(maxThreads), $"maxThreads must be positive, got {maxThreads}.");
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            c[..(m * n)].Clear();
            return;
        }
        path = Resolve<T>(path);
        fixed (T* pa = a)
        fixed (T* pb = b)
        fixed (T* pc = c)
        {
            int lda = transA ? m : k, ldb = transB ? k : n;
            if (path == GemmPath.Scalar)
                Naive(pa, transA, pb, transB, pc, m, n, k);
            else if (n == 1 && m > 1)
                // C is a column: the same memory as the row Cᵀ = op(B)ᵀ·op(A)ᵀ, which the few-row path streams.
                Dispatch(path, pb, ldb, !transB, pa, lda, !transA, pc, m, 1, m, k, maxThreads);
            else
                Dispatch(path, pa, lda, transA, pb, ldb, transB, pc, n, m, n, k, maxThreads);
        }
    }

    /// <summary>True when the CPU (and the runtime) can run the path for T.</summary>
    public static bool IsSupported<T>(GemmPath path) where T : unmanaged => path switch
    {
        GemmPath.Best or GemmPath.Scalar => true,
        _ when typeof(T) != typeof(float) && typeof(T) != typeof(double) => false,
        GemmPath.Avx512 => Avx512F.IsSupported && Vector512.IsHardwareAccelerated,
        GemmPath.Avx2 => Avx2.IsSupported && Fma.IsSupported && Vector256.IsHardwareAccelerated,
        GemmPath.Portable => Vector128.IsHardwareAccelerated && Vector.IsHardwareAccelerated,
        _ => false,
    };

    private static GemmPath Resolve<T>(GemmPath path) where T : unmanaged
    {
        if (path != GemmPath.Best)
        {
            if (!IsSupported<T>(path))
                throw new PlatformNotSupportedException($"GEMM path {path} is not supported for {typeof(T).Name} on this CPU.");
            return path;
        }
        foreach (var p in (ReadOnlySpan<GemmPath>)[GemmPath.Avx512, GemmPath.Avx2, GemmPath.Portable])
            if (IsSupported<T>(p)) return p;
        return GemmPath.Scalar;
    }

    private static void Dispatch<T>(GemmPath path, T* a, int lda, bool transA, T* b, int ldb, bool transB, T* c, int ldc,
        int m, int n, int k, int maxThreads) where T : unmanaged, INumber<T>
    {
        if (m <= SmallM)
        {
            GemmSmallM.Multiply(a, lda, transA, b, ldb, transB, c, ldc, m, n, k, maxThreads);
            return;
        }
        switch (path)
        {
            case GemmPath.Avx512: GemmPacked.Multiply<T, Avx512Kernel<T>>(a, lda, transA, b, ldb, transB, c, ldc, m, n, k, maxThreads); break;
            case GemmPath.Avx2: GemmPacked.Multiply<T, Avx2Kernel<T>>(a, lda, transA, b, ldb, transB, c, ldc, m, n, k, maxThreads); break;
            default: GemmPacked.Multiply<T, PortableKernel<T>>(a, lda, transA, b, ldb, transB, c, ldc, m, n, k, maxThreads); break;
        }
    }

    private static void Naive<T>(T* a, bool transA, T* b, bool transB, T* c, int m, int n, int k) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < m; i++)
        {
            T* crow = c + (long)i * n;
            new Span<T>(crow, n).Clear();
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
}
