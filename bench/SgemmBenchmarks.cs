using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using GraphEngine.Ops.Compute;
using TorchSharp;

namespace GraphEngine.Bench;

/// <summary>
/// Square float32 GEMM, C = A·B with n = 128 … 2048: our packed GEMM (<see cref="Gemm.Multiply{T}"/>,
/// called directly so executor overhead is not in the figure) on its best kernel for this CPU and, in
/// the same run, forced onto the AVX2/FMA kernel (what an AVX2-only CPU such as Zen 3 runs), against
/// libtorch's mm and OpenBLAS's cblas_sgemm. GFLOP/s = 2n³ / mean time.
/// Threads: 1 and 2 (capped by the core count) in the same run: our GEMM's thread budget, libtorch's
/// torch.set_num_threads and openblas_set_num_threads.
/// </summary>
[MemoryDiagnoser]
public class SgemmBenchmarks
{
    [Params(128, 256, 512, 1024, 2048)]
    public int N;

    [ParamsSource(nameof(ThreadCounts))]
    public int Threads;

    public static IEnumerable<int> ThreadCounts() => Enumerable.Range(1, Math.Min(2, Environment.ProcessorCount));

    private float[] _a = null!, _b = null!, _c = null!;
    private torch.Tensor _ta = null!, _tb = null!;

    [GlobalSetup]
    public void Setup()
    {
        var r = new Random(1);
        _a = new float[N * N];
        _b = new float[N * N];
        _c = new float[N * N];
        for (int i = 0; i < _a.Length; i++) { _a[i] = (float)r.NextDouble() - 0.5f; _b[i] = (float)r.NextDouble() - 0.5f; }
        torch.set_num_threads(Threads);
        _ta = torch.tensor(_a, new long[] { N, N });
        _tb = torch.tensor(_b, new long[] { N, N });
        OpenBlas.openblas_set_num_threads(Threads);
    }

    [Benchmark(Description = "GraphEngine Gemm.Multiply<float>")]
    public float GraphEngineSgemm()
    {
        Gemm.Multiply<float>(_a, false, _b, false, _c, N, N, N, GemmPath.Best, Threads);
        return _c[0];
    }

    /// <summary>The AVX2/FMA 6×16 kernel even where AVX-512 exists (throws where AVX2 does not).</summary>
    [Benchmark(Description = "GraphEngine Gemm.Multiply<float>, AVX2 kernel")]
    public float GraphEngineSgemmAvx2()
    {
        Gemm.Multiply<float>(_a, false, _b, false, _c, N, N, N, GemmPath.Avx2, Threads);
        return _c[0];
    }

    [Benchmark(Baseline = true, Description = "libtorch mm")]
    public void LibTorchSgemm()
    {
        using var c = torch.mm(_ta, _tb);
    }

    [Benchmark(Description = "OpenBLAS cblas_sgemm")]
    public unsafe float OpenBlasSgemm()
    {
        fixed (float* a = _a)
        fixed (float* b = _b)
        fixed (float* c = _c)
            OpenBlas.cblas_sgemm(OpenBlas.RowMajor, OpenBlas.NoTrans, OpenBlas.NoTrans, N, N, N, 1f, a, N, b, N, 0f, c, N);
        return _c[0];
    }
}

/// <summary>Debian's libopenblas0-pthread (`apt-get install -y libopenblas0-pthread`), see bench/README.md.</summary>
internal static unsafe partial class OpenBlas
{
    private const string Lib = "libopenblas.so.0";
    public const int RowMajor = 101, NoTrans = 111;

    [LibraryImport(Lib)]
    public static partial void openblas_set_num_threads(int n);

    [LibraryImport(Lib)]
    public static partial void cblas_sgemm(int order, int transA, int transB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);
}

/// <summary>
/// The batch-1 layer products of the MLP (1×784·784×512, 1×512·512×256): what batch-1 inference spends
/// in MatMul. Ours streams the weights unpacked (<see cref="Gemm"/>'s few-row path); peers as above.
/// x, W and y are 64-byte aligned native memory, as the engine's tensor buffers are (a managed array
/// would put most 512-bit loads across two cache lines).
/// </summary>
[MemoryDiagnoser]
public unsafe class SgemvBenchmarks
{
    [Params("784x512", "512x256")]
    public string Layer = "";

    private int _k, _n;
    private float* _x, _w, _y;
    private torch.Tensor _tx = null!, _tw = null!;

    [GlobalSetup]
    public void Setup()
    {
        var dims = Layer.Split('x');
        _k = int.Parse(dims[0]);
        _n = int.Parse(dims[1]);
        var r = new Random(2);
        var x = new float[_k];
        var w = new float[_k * _n];
        for (int i = 0; i < x.Length; i++) x[i] = (float)r.NextDouble() - 0.5f;
        for (int i = 0; i < w.Length; i++) w[i] = (float)r.NextDouble() - 0.5f;
        _x = Aligned(x);
        _w = Aligned(w);
        _y = Aligned(new float[_n]);
        int threads = Math.Min(2, Environment.ProcessorCount);
        torch.set_num_threads(threads);
        OpenBlas.openblas_set_num_threads(threads);
        _tx = torch.tensor(x, new long[] { 1, _k });
        _tw = torch.tensor(w, new long[] { _k, _n });
    }

    private static float* Aligned(float[] values)
    {
        var p = (float*)NativeMemory.AlignedAlloc((nuint)values.Length * sizeof(float), 64);
        values.CopyTo(new Span<float>(p, values.Length));
        return p;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        NativeMemory.AlignedFree(_x);
        NativeMemory.AlignedFree(_w);
        NativeMemory.AlignedFree(_y);
    }

    [Benchmark(Description = "GraphEngine Gemm.Multiply<float>, m = 1")]
    public float GraphEngineGemv()
    {
        Gemm.Multiply<float>(new ReadOnlySpan<float>(_x, _k), false, new ReadOnlySpan<float>(_w, _k * _n), false, new Span<float>(_y, _n), 1, _n, _k);
        return _y[0];
    }

    /// <summary>The few-row path with 256-bit strips, as on an AVX2-only CPU.</summary>
    [Benchmark(Description = "GraphEngine Gemm.Multiply<float>, m = 1, AVX2 path")]
    public float GraphEngineGemvAvx2()
    {
        Gemm.Multiply<float>(new ReadOnlySpan<float>(_x, _k), false, new ReadOnlySpan<float>(_w, _k * _n), false, new Span<float>(_y, _n), 1, _n, _k,
            GemmPath.Avx2, Environment.ProcessorCount);
        return _y[0];
    }

    [Benchmark(Baseline = true, Description = "libtorch mm, m = 1")]
    public void LibTorchGemv()
    {
        using var y = torch.mm(_tx, _tw);
    }

    [Benchmark(Description = "OpenBLAS cblas_sgemm, m = 1")]
    public float OpenBlasGemv()
    {
        OpenBlas.cblas_sgemm(OpenBlas.RowMajor, OpenBlas.NoTrans, OpenBlas.NoTrans, 1, _n, _k, 1f, _x, _k, _w, _n, 0f, _y, _n);
        return _y[0];
    }
}
