using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Math;

[TestClass]
public sealed class MatMulTests
{
    [TestMethod]
    [DataRow(1, 9, 4)]
    [DataRow(9, 1, 4)]
    [DataRow(17, 33, 9)]
    [DataRow(65, 70, 3)]
    [DataRow(3, 5, 1)]
    public void All_transpose_combinations_match_triple_loop(int m, int n, int k)
    {
        foreach (var ta in new[] { false, true })
            foreach (var tb in new[] { false, true })
            {
                var a = Tn.RandomD(m + k, ta ? [k, m] : [m, k]);
                var b = Tn.RandomD(n * k, tb ? [n, k] : [k, n]);
                var av = a.ToArray<double>();
                var bv = b.ToArray<double>();
                var af = HostTensor.FromArray(av.Select(v => (float)v).ToArray(), a.Dims.ToArray());
                var bf = HostTensor.FromArray(bv.Select(v => (float)v).ToArray(), b.Dims.ToArray());
                var cd = KernelRunner.Run1(MathOps.MatMul, [a, b], ("transpose_a", ta), ("transpose_b", tb));
                var cf = KernelRunner.Run1(MathOps.MatMul, [af, bf], ("transpose_a", ta), ("transpose_b", tb));
                CollectionAssert.AreEqual(new long[] { m, n }, cd.Dims.ToArray());
                var gotD = cd.ToArray<double>();
                var gotF = cf.ToArray<float>();
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                    {
                        double s = 0;
                        for (int p = 0; p < k; p++)
                            s += (ta ? av[p * m + i] : av[i * k + p]) * (tb ? bv[j * k + p] : bv[p * n + j]);
                        Assert.AreEqual(s, gotD[i * n + j], 1e-12, $"double ta={ta} tb={tb} [{i},{j}]");
                        Assert.AreEqual(s, gotF[i * n + j], 1e-4, $"float ta={ta} tb={tb} [{i},{j}]");
                    }
            }
    }

    [TestMethod]
    public void Integer_matmul_is_exact()
    {
        var c = KernelRunner.Run1(MathOps.MatMul, [Tn.I([1, 2, 3, 4, 5, 6], 2, 3), Tn.I([7, 8, 9, 10, 11, 12], 3, 2)]);
        CollectionAssert.AreEqual(new[] { 58, 64, 139, 154 }, c.ToArray<int>());
        // a is [3,2]; with transpose_a it is read as [[1,3,5],[2,4,6]].
        var cl = KernelRunner.Run1(MathOps.MatMul, [Tn.L([1, 2, 3, 4, 5, 6], 3, 2), Tn.L([1, 10, 100], 3, 1)], ("transpose_a", true));
        CollectionAssert.AreEqual(new long[] { 2, 1 }, cl.Dims.ToArray());
        CollectionAssert.AreEqual(new long[] { 531, 642 }, cl.ToArray<long>());
    }

    [TestMethod]
    public void Kernel_rejects_mismatched_inner_dims_and_non_matrices()
    {
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() =>
            KernelRunner.Run1(MathOps.MatMul, [Tn.F(new float[6], 2, 3), Tn.F(new float[8], 4, 2)]));
        Assert.AreEqual("Matrix size-incompatible: In[0]: [2,3], In[1]: [4,2]", e.Message);
        Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(MathOps.MatMul, [Tn.F(new float[3], 3), Tn.F(new float[3], 3, 1)]));
    }

    [TestMethod]
    public void Shape_function()
    {
        ShapeDsl.Infer(MathOps.MatMul, "[2,3];[3,4]").Is("[2,4]");
        ShapeDsl.Infer(MathOps.MatMul, "[?,3];[?,4]").Is("[?,4]");
        ShapeDsl.Infer(MathOps.MatMul, "[3,2];[4,3]", ("transpose_a", true), ("transpose_b", true)).Is("[2,4]");
        ShapeDsl.Infer(MathOps.MatMul, "?;[3,4]").Is("[?,4]");
        ShapeDsl.Infer(MathOps.MatMul, "[2,3];[4,5]").Fails("Dimensions must be equal, but are 3 and 4 for 'n' (op: 'MatMul') with input shapes: [2,3], [4,5].");
        ShapeDsl.Infer(MathOps.MatMul, "[2];[2,5]").Fails("Shape must be rank 2 but is rank 1");
    }

    [TestMethod]
    public void OpDef_has_tf_2_21_grad_hints()
    {
        var names = MathOps.MatMul.Attrs.Select(a => a.Name).ToArray();
        CollectionAssert.AreEqual(new[] { "transpose_a", "transpose_b", "T", "grad_a", "grad_b" }, names);
        Assert.IsFalse(MathOps.MatMul.FindAttr("grad_a")!.DefaultValue!.B);
    }
}
