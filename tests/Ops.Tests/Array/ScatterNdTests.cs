using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Array;

[TestClass]
public sealed class ScatterNdTests
{
    private static HostTensor ScatterNd(HostTensor idx, HostTensor updates, HostTensor shape, string policy = "") =>
        KernelRunner.Run1(ArrayOps.ScatterNd, [idx, updates, shape], ("T", updates.DType), ("Tindices", idx.DType), ("bad_indices_policy", policy));

    [TestMethod]
    public void Scatters_elements_and_rows_accumulating_duplicates()
    {
        // TF's doc example: indices [[4],[3],[1],[7]], updates [9,10,11,12] into 8 zeros.
        var v = ScatterNd(Tn.I([4, 3, 1, 7], 4, 1), Tn.F([9, 10, 11, 12]), Tn.Vec(8));
        CollectionAssert.AreEqual(new float[] { 0, 11, 0, 10, 9, 0, 0, 12 }, v.ToArray<float>());
        var dup = ScatterNd(Tn.L([1, 1, 0, 1], 4, 1), Tn.D([1, 2, 3, 4]), Tn.L([3], 1));
        CollectionAssert.AreEqual(new double[] { 3, 7, 0 }, dup.ToArray<double>());
        // Rows of a [3,2] matrix: row 2 gets [1,2], row 0 gets [3,4] + [5,6].
        var rows = ScatterNd(Tn.I([2, 0, 0], 3, 1), Tn.I([1, 2, 3, 4, 5, 6], 3, 2), Tn.Vec(3, 2));
        CollectionAssert.AreEqual(new long[] { 3, 2 }, rows.Dims.ToArray());
        CollectionAssert.AreEqual(new[] { 8, 10, 0, 0, 1, 2 }, rows.ToArray<int>());
        var elems = ScatterNd(Tn.L([0, 1, 1, 0], 2, 2), Tn.L([5, 6]), Tn.L([2, 2], 2));
        CollectionAssert.AreEqual(new long[] { 0, 5, 6, 0 }, elems.ToArray<long>());
        var small = ScatterNd(HostTensor.FromArray(new short[] { 1 }, 1, 1), Tn.D([2], 1), HostTensor.FromArray(new short[] { 3 }, 1));
        CollectionAssert.AreEqual(new double[] { 0, 2, 0 }, small.ToArray<double>());
        var ignored = ScatterNd(Tn.I([0, 9], 2, 1), Tn.F([1, 2]), Tn.Vec(2), "IGNORE");
        CollectionAssert.AreEqual(new float[] { 1, 0 }, ignored.ToArray<float>());
    }

    [TestMethod]
    public void Bad_inputs_are_rejected_before_writing()
    {
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => ScatterNd(Tn.I([0, 5], 2, 1), Tn.F([1, 2]), Tn.Vec(4)));
        StringAssert.Contains(e.Message, "indices[1] = [5] does not index into shape [4]");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => ScatterNd(Tn.I([0, -1], 1, 2), Tn.F([1], 1), Tn.Vec(2, 2)));
        StringAssert.Contains(e.Message, "indices[0] = [0, -1] does not index into shape [2,2]");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => ScatterNd(Tn.I([0, 1], 2, 1), Tn.F([1, 2, 3]), Tn.Vec(4)));
        StringAssert.Contains(e.Message, "updates must have shape indices.shape[:-1] + shape[indices.shape[-1]:] = [2]");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => ScatterNd(Tn.I([0], 1, 1), Tn.F([1], 1), Tn.Vec(-3)));
        StringAssert.Contains(e.Message, "Dimension -3 must be >= 0");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => ScatterNd(Tn.I([0], 1, 1), Tn.F([1], 1), Tn.Vec(0)));
        StringAssert.Contains(e.Message, "Indices and updates specified for empty output shape");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => ScatterNd(Tn.I([0, 0], 1, 2), Tn.F([1], 1), Tn.Vec(3)));
        StringAssert.Contains(e.Message, "Output must have at least 2 dimensions");
    }

    [TestMethod]
    public void Shapes()
    {
        (string, AttrValue)[] a = [("Tindices", DType.Int32)];
        ShapeDsl.Infer(ArrayOps.ScatterNd, "[4,1];[4];[1]", a).Const(2, Tn.Vec(8)).Is("[8]");
        ShapeDsl.Infer(ArrayOps.ScatterNd, "[3,1];[3,2];[2]", a).AsShape(2, "[?,2]").Is("[?,2]");
        ShapeDsl.Infer(ArrayOps.ScatterNd, "[3,1];[3,2];[2]", a).Is("[?,?]");
        ShapeDsl.Infer(ArrayOps.ScatterNd, "[3,1];[3,2];[?]", a).Is("?");
        ShapeDsl.Infer(ArrayOps.ScatterNd, "[3,1];[4];[1]", a).Fails("Dimensions [0,1) of indices[shape=[3,1]] = [3] must match dimensions [0,1) of updates[shape=[4]] = [4]");
        ShapeDsl.Infer(ArrayOps.ScatterNd, "[3,1];[3,5];[2]", a).Const(2, Tn.Vec(4, 2))
            .Fails("Dimensions [1,2) of input[shape=[4,2]] = [2] must match dimensions [1,2) of updates[shape=[3,5]] = [5]");
        ShapeDsl.Infer(ArrayOps.ScatterNd, "[3,1];[3];[1]", a).Const(2, Tn.Vec(0)).Fails("Indices and updates specified for empty output");
        ShapeDsl.Infer(ArrayOps.ScatterNd, "[2,1];[2];[1]", ("Tindices", DType.Int16)).Const(2, HostTensor.FromArray(new short[] { 5 }, 1)).Is("[5]");
        ShapeDsl.Infer(ArrayOps.ScatterNd, "[];[3];[1]", a).Fails("Shape must be at least rank 1 but is rank 0");
    }
}
