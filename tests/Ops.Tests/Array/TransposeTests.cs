using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Array;

[TestClass]
public sealed class TransposeTests
{
    /// <summary>y[i] = x[j] where j is i's coordinates read through perm, by explicit index arithmetic.</summary>
    private static double[] Reference(double[] x, long[] dims, int[] perm)
    {
        int r = dims.Length;
        var outDims = perm.Select(p => dims[p]).ToArray();
        var y = new double[x.Length];
        for (long f = 0; f < x.Length; f++)
        {
            var oc = new long[r];
            long rest = f;
            for (int d = r - 1; d >= 0; d--) { oc[d] = rest % outDims[d]; rest /= outDims[d]; }
            var ic = new long[r];
            for (int d = 0; d < r; d++) ic[perm[d]] = oc[d];
            long src = 0;
            for (int d = 0; d < r; d++) src = src * dims[d] + ic[d];
            y[f] = x[src];
        }
        return y;
    }

    [TestMethod]
    public void Transpose_matches_reference_for_all_rank3_perms()
    {
        long[] dims = [3, 5, 7];
        var x = Tn.RandomD(2, dims);
        var xv = x.ToArray<double>();
        int[][] perms = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
        foreach (var perm in perms)
        {
            var y = KernelRunner.Run1(ArrayOps.Transpose, [x, Tn.I(perm, 3)]);
            CollectionAssert.AreEqual(perm.Select(p => dims[p]).ToArray(), y.Dims.ToArray());
            CollectionAssert.AreEqual(Reference(xv, dims, perm), y.ToArray<double>(), string.Join(",", perm));
        }
        var m = KernelRunner.Run1(ArrayOps.Transpose, [Tn.I([1, 2, 3, 4, 5, 6], 2, 3), Tn.L([1, 0], 2)], ("Tperm", DType.Int64));
        CollectionAssert.AreEqual(new[] { 1, 4, 2, 5, 3, 6 }, m.ToArray<int>());
        var b4 = Tn.RandomD(3, [2, 3, 1, 67]);
        var t4 = KernelRunner.Run1(ArrayOps.Transpose, [b4, Tn.Vec(3, 1, 0, 2)]);
        CollectionAssert.AreEqual(Reference(b4.ToArray<double>(), [2, 3, 1, 67], [3, 1, 0, 2]), t4.ToArray<double>());
    }

    [TestMethod]
    public void Transpose_errors()
    {
        var x = Tn.F([1, 2, 3, 4, 5, 6], 2, 3);
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.Transpose, [x, Tn.Vec(0, 1, 2)]));
        StringAssert.Contains(e.Message, "transpose expects a vector of size 2. But input(1) is a vector of size 3");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.Transpose, [x, Tn.Vec(1, 1)]));
        StringAssert.Contains(e.Message, "0 is missing from {1,1}.");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.Transpose, [x, Tn.Vec(0, 2)]));
        StringAssert.Contains(e.Message, "2 is out of range [0 .. 2)");
    }

    [TestMethod]
    public void ConcatV2_along_each_axis()
    {
        var a = Tn.I([1, 2, 3, 4], 2, 2);
        var b = Tn.I([5, 6], 2, 1);
        var c1 = KernelRunner.Run1(ArrayOps.ConcatV2, [a, b, Tn.Scalar(1)], ("N", 2));
        CollectionAssert.AreEqual(new long[] { 2, 3 }, c1.Dims.ToArray());
        CollectionAssert.AreEqual(new[] { 1, 2, 5, 3, 4, 6 }, c1.ToArray<int>());
        var c0 = KernelRunner.Run1(ArrayOps.ConcatV2, [a, Tn.I([7, 8], 1, 2), a, Tn.Scalar(-2L)], ("N", 3), ("Tidx", DType.Int64));
        CollectionAssert.AreEqual(new long[] { 5, 2 }, c0.Dims.ToArray());
        CollectionAssert.AreEqual(new[] { 1, 2, 3, 4, 7, 8, 1, 2, 3, 4 }, c0.ToArray<int>());
        var x = Tn.RandomF(4, [3, 5, 67]);
        var y = Tn.RandomF(5, [3, 2, 67]);
        var z = KernelRunner.Run1(ArrayOps.ConcatV2, [x, y, Tn.Scalar(1)], ("N", 2)).ToArray<float>();
        var xv = x.ToArray<float>();
        var yv = y.ToArray<float>();
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 7; j++)
                for (int k = 0; k < 67; k++)
                    Assert.AreEqual(j < 5 ? xv[(i * 5 + j) * 67 + k] : yv[(i * 2 + j - 5) * 67 + k], z[(i * 7 + j) * 67 + k]);
        var withEmpty = KernelRunner.Run1(ArrayOps.ConcatV2, [Tn.D([], 0, 2), Tn.D([1, 2], 1, 2), Tn.Scalar(0)], ("N", 2));
        CollectionAssert.AreEqual(new[] { 1.0, 2 }, withEmpty.ToArray<double>());
    }

    [TestMethod]
    public void ConcatV2_errors()
    {
        var a = Tn.F([1, 2, 3, 4, 5, 6], 2, 3);
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.ConcatV2, [a, Tn.F([1, 2, 3, 4, 5, 6, 7, 8], 2, 4), Tn.Scalar(0)], ("N", 2)));
        StringAssert.Contains(e.Message, "ConcatOp : Dimension 1 in both shapes must be equal: shape[0] = [2,3] vs. shape[1] = [2,4]");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.ConcatV2, [a, a, Tn.Scalar(2)], ("N", 2)));
        StringAssert.Contains(e.Message, "ConcatOp : Expected concatenating dimensions in the range [-2, 2), but got 2");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.ConcatV2, [a, Tn.F([1, 2]), Tn.Scalar(0)], ("N", 2)));
        StringAssert.Contains(e.Message, "ConcatOp : Ranks of all input tensors should match: shape[0] = [2,3] vs. shape[1] = [2]");
    }

    [TestMethod]
    public void Shapes()
    {
        ShapeDsl.Infer(ArrayOps.Transpose, "[2,?,4];[3]").Const(1, Tn.Vec(2, 0, 1)).Is("[4,2,?]");
        ShapeDsl.Infer(ArrayOps.Transpose, "[2,?,4];[3]").Is("[?,?,?]");
        ShapeDsl.Infer(ArrayOps.Transpose, "?;[3]").Is("[?,?,?]");
        ShapeDsl.Infer(ArrayOps.Transpose, "?;?").Is("?");
        ShapeDsl.Infer(ArrayOps.Transpose, "[2,3];[3]").Fails("Dimension must be 2 but is 3");
        ShapeDsl.Infer(ArrayOps.Transpose, "[2,3];[2]").Const(1, Tn.Vec(0, 2)).Fails("perm dim 2 is out of range of input rank 2");
        ShapeDsl.Infer(ArrayOps.ConcatV2, "[2,?];[?,3];[]", ("N", 2)).Const(2, Tn.Scalar(0)).Is("[?,3]");
        ShapeDsl.Infer(ArrayOps.ConcatV2, "[2,1];[4,3];[]", ("N", 2)).Const(2, Tn.Scalar(-1)).Fails("Dimension 0 in both shapes must be equal, but are 2 and 4");
        ShapeDsl.Infer(ArrayOps.ConcatV2, "[2,1];[2,3];[]", ("N", 2)).Const(2, Tn.Scalar(-1)).Is("[2,4]");
        ShapeDsl.Infer(ArrayOps.ConcatV2, "[2,1];?;[]", ("N", 2)).Const(2, Tn.Scalar(1)).Is("[2,?]");
        ShapeDsl.Infer(ArrayOps.ConcatV2, "[2,1];?;[]", ("N", 2)).Is("[?,?]");
        ShapeDsl.Infer(ArrayOps.ConcatV2, "?;?;[]", ("N", 2)).Is("?");
        ShapeDsl.Infer(ArrayOps.ConcatV2, "[];[];[]", ("N", 2)).Fails("Can't concatenate scalars (use tf.stack instead)");
        ShapeDsl.Infer(ArrayOps.ConcatV2, "[2];[2];[]", ("N", 2)).Const(2, Tn.Scalar(1)).Fails("Shape must be at least rank 2 but is rank 1");
    }
}
