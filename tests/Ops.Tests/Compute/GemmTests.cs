using GraphEngine.Ops.Compute;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Compute;

[TestClass]
public sealed class GemmTests
{
    public static IEnumerable<object[]> Sizes =>
    [
        [1, 1, 1], [1, 9, 1], [1, 33, 5], [9, 1, 7], [17, 33, 9], [65, 70, 3], [4, 16, 256], [5, 17, 300], [3, 2100, 2], [0, 3, 4], [3, 4, 0],
    ];

    /// <summary>Reference: op(A)·op(B) by the textbook triple loop in double.</summary>
    private static double[] Naive(double[] a, bool ta, double[] b, bool tb, int m, int n, int k)
    {
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                    s += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
                c[i * n + j] = s;
            }
        return c;
    }

    private static double[] Random(int seed, int n)
    {
        var r = new System.Random(seed);
        return Enumerable.Range(0, n).Select(_ => r.NextDouble() * 2 - 1).ToArray();
    }

    [TestMethod]
    [DynamicData(nameof(Sizes))]
    public void Float_all_transpose_combinations_match_naive(int m, int n, int k)
    {
        foreach (var ta in new[] { false, true })
            foreach (var tb in new[] { false, true })
            {
                var a = Random(m * 31 + k, m * k);
                var b = Random(n * 17 + k, k * n);
                var want = Naive(a, ta, b, tb, m, n, k);
                var c = new float[m * n];
                System.Array.Fill(c, float.NaN);   // the output must be fully overwritten
                Gemm.Multiply(a.Select(v => (float)v).ToArray(), ta, b.Select(v => (float)v).ToArray(), tb, c.AsSpan(), m, n, k);
                for (int i = 0; i < want.Length; i++)
                    Assert.AreEqual(want[i], c[i], 1e-5 * (1 + System.Math.Sqrt(k)), $"ta={ta} tb={tb} [{i / n},{i % n}] of {m}x{n}x{k}");
            }
    }

    [TestMethod]
    [DynamicData(nameof(Sizes))]
    public void Double_all_transpose_combinations_match_naive(int m, int n, int k)
    {
        foreach (var ta in new[] { false, true })
            foreach (var tb in new[] { false, true })
            {
                var a = Random(m + 3 * k, m * k);
                var b = Random(n + 5 * k, k * n);
                var want = Naive(a, ta, b, tb, m, n, k);
                var c = new double[m * n];
                Gemm.Multiply<double>(a, ta, b, tb, c, m, n, k);
                for (int i = 0; i < want.Length; i++)
                    Assert.AreEqual(want[i], c[i], 1e-12 * (1 + k), $"ta={ta} tb={tb} [{i / n},{i % n}]");
            }
    }

    [TestMethod]
    public void Large_problem_split_across_cores_matches_naive()
    {
        const int m = 150, n = 131, k = 140;   // above the parallel threshold, with edge tiles
        var a = Random(1, m * k);
        var b = Random(2, k * n);
        foreach (var (ta, tb) in new[] { (false, false), (true, true) })
        {
            var want = Naive(a, ta, b, tb, m, n, k);
            var c = new float[m * n];
            Gemm.Multiply(a.Select(v => (float)v).ToArray(), ta, b.Select(v => (float)v).ToArray(), tb, c.AsSpan(), m, n, k);
            for (int i = 0; i < want.Length; i++) Assert.AreEqual(want[i], c[i], 1e-4, $"[{i / n},{i % n}]");
        }
    }

    /// <summary>
    /// Shapes that reach every branch of every path: few-row products (m ≤ 4, streamed B) and packed
    /// ones, a single column (n = 1, computed as a row), k = 1, tails that are not multiples of any
    /// vector width or tile, more than one KC depth panel (k > 256), MC row block (m > 192) and NC
    /// column panel (n > 4096), and products large enough to split across threads.
    /// </summary>
    private static readonly (int M, int N, int K)[] PathShapes =
    [
        (1, 1, 1), (1, 37, 5), (1, 300, 784), (2, 70, 33), (3, 129, 17), (4, 64, 8), (4, 23, 300), (5, 7, 3),
        (1, 5, 1), (7, 1, 9), (300, 1, 20), (1, 1, 513), (13, 33, 1), (12, 32, 256), (25, 65, 257), (17, 31, 520),
        (200, 45, 70), (13, 4100, 3), (150, 131, 140), (3, 700, 130), (2, 1030, 130), (1, 1100, 250), (97, 260, 300),
        // Few-row register strips (64 or 128 columns) with and without a tail, split into chunks across cores.
        (1, 128, 1), (1, 64, 700), (2, 257, 64), (1, 2048, 40), (3, 191, 1000), (1, 520, 513),
    ];

    public static IEnumerable<object[]> Paths => [["Avx512"], ["Avx2"], ["Portable"], ["Scalar"]];

    private static void RequireSupported<T>(GemmPath path) where T : unmanaged
    {
        if (!Gemm.IsSupported<T>(path))
            Assert.Inconclusive($"GEMM path {path} cannot run for {typeof(T).Name} on this CPU; it is tested on CPUs that have it.");
    }

    [TestMethod]
    [DynamicData(nameof(Paths))]
    public void Float_every_path_and_thread_split_matches_naive(string pathName)
    {
        var path = Enum.Parse<GemmPath>(pathName);
        RequireSupported<float>(path);
        foreach (var (m, n, k) in PathShapes)
            foreach (var threads in new[] { 1, 2, 3 })
                foreach (var ta in new[] { false, true })
                    foreach (var tb in new[] { false, true })
                    {
                        var a = Random(m * 7 + k + threads, m * k);
                        var b = Random(n * 3 + k, k * n);
                        var want = Naive(a, ta, b, tb, m, n, k);
                        var c = new float[m * n + 3];
                        System.Array.Fill(c, float.NaN);
                        Gemm.Multiply<float>(a.Select(v => (float)v).ToArray(), ta, b.Select(v => (float)v).ToArray(), tb, c, m, n, k, path, threads);
                        for (int i = 0; i < want.Length; i++)
                            Assert.AreEqual(want[i], c[i], 2e-5 * (1 + System.Math.Sqrt(k)),
                                $"{path} threads={threads} ta={ta} tb={tb} [{i / n},{i % n}] of {m}x{n}x{k}");
                        for (int i = want.Length; i < c.Length; i++) Assert.IsTrue(float.IsNaN(c[i]), $"{path} wrote past C's end");
                    }
    }

    [TestMethod]
    [DynamicData(nameof(Paths))]
    public void Double_every_path_and_thread_split_matches_naive(string pathName)
    {
        var path = Enum.Parse<GemmPath>(pathName);
        RequireSupported<double>(path);
        foreach (var (m, n, k) in PathShapes)
            foreach (var threads in new[] { 1, 2 })
                foreach (var ta in new[] { false, true })
                    foreach (var tb in new[] { false, true })
                    {
                        var a = Random(m + 5 * k, m * k);
                        var b = Random(n + 11 * k + threads, k * n);
                        var want = Naive(a, ta, b, tb, m, n, k);
                        var c = new double[m * n];
                        System.Array.Fill(c, double.NaN);
                        Gemm.Multiply<double>(a, ta, b, tb, c, m, n, k, path, threads);
                        for (int i = 0; i < want.Length; i++)
                            Assert.AreEqual(want[i], c[i], 1e-12 * (1 + k), $"{path} threads={threads} ta={ta} tb={tb} [{i / n},{i % n}] of {m}x{n}x{k}");
                    }
    }

    [TestMethod]
    public void Path_requests_are_checked()
    {
        Assert.IsTrue(Gemm.IsSupported<float>(GemmPath.Scalar));
        Assert.IsFalse(Gemm.IsSupported<int>(GemmPath.Avx2), "integer GEMM has no vector path");
        var c = new float[1];
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Gemm.Multiply<float>(new float[1], false, new float[1], false, c, 1, 1, 1, GemmPath.Best, 0));
        if (!Gemm.IsSupported<float>(GemmPath.Avx512))
            Assert.ThrowsExactly<PlatformNotSupportedException>(() => Gemm.Multiply<float>(new float[1], false, new float[1], false, c, 1, 1, 1, GemmPath.Avx512, 1));
    }

    [TestMethod]
    public void Integer_gemm_is_exact()
    {
        int[] a = [1, 2, 3, 4, 5, 6];        // [2,3]
        int[] b = [7, 8, 9, 10, 11, 12];     // [3,2]
        var c = new int[4];
        Gemm.Multiply<int>(a, false, b, false, c, 2, 2, 3);
        CollectionAssert.AreEqual(new[] { 58, 64, 139, 154 }, c);
        Gemm.Multiply<int>(a, true, b, true, c = new int[9], 3, 3, 2);   // A^T [3,2] · B^T [2,3]
        CollectionAssert.AreEqual(new[] { 39, 49, 59, 54, 68, 82, 69, 87, 105 }, c);
    }

    [TestMethod]
    public void Short_spans_are_rejected()
    {
        Assert.ThrowsExactly<ArgumentException>(() => Gemm.Multiply<float>(new float[5], false, new float[6], false, new float[4], 2, 2, 3));
    }
}
