using GraphEngine.Ops.Compute.Linalg;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Compute.Linalg;

[TestClass]
public sealed class HouseholderTests
{
    [TestMethod]
    [DataRow(1, 1)]
    [DataRow(3, 3)]
    [DataRow(5, 2)]
    [DataRow(7, 7)]
    [DataRow(10, 4)]
    public void Qr_reconstructs_the_matrix_with_orthonormal_q_and_upper_r(int m, int n)
    {
        var rng = new System.Random(m * 31 + n);
        var a = Enumerable.Range(0, m * n).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        var q = new double[m * n];
        var r = new double[n * n];
        Householder.Qr(a, m, n, q, r);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < n; k++) s += q[i * n + k] * r[k * n + j];
                Assert.AreEqual(a[i * n + j], s, 1e-12, $"(QR)[{i},{j}]");
            }
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < m; k++) s += q[k * n + i] * q[k * n + j];
                Assert.AreEqual(i == j ? 1.0 : 0.0, s, 1e-12, $"(QᵀQ)[{i},{j}]");
                if (i > j) Assert.AreEqual(0.0, r[i * n + j], $"R[{i},{j}] below the diagonal");
            }
    }

    [TestMethod]
    public void Qr_of_a_zero_column_does_not_divide_by_zero()
    {
        var a = new double[] { 0, 1, 0, 2, 0, 3 };   // 3x2, first column zero
        var q = new double[6];
        var r = new double[4];
        Householder.Qr(a, 3, 2, q, r);
        Assert.IsTrue(q.All(double.IsFinite) && r.All(double.IsFinite));
        Assert.AreEqual(0.0, r[0]);
    }

    [TestMethod]
    public void Qr_rejects_wide_matrices_and_wrong_buffers()
    {
        Assert.ThrowsExactly<ArgumentException>(() => Householder.Qr(new double[6], 2, 3, new double[6], new double[9]));
        Assert.ThrowsExactly<ArgumentException>(() => Householder.Qr(new double[6], 3, 2, new double[5], new double[4]));
    }
}
