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
