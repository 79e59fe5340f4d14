using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Array;

[TestClass]
public sealed class GatherTests
{
    private static HostTensor Gather(HostTensor p, HostTensor idx, long axis, long batchDims = 0) =>
        KernelRunner.Run1(ArrayOps.GatherV2, [p, idx, Tn.Scalar(axis)],
            ("Tparams", p.DType), ("Tindices", idx.DType), ("Taxis", DType.Int64), ("batch_dims", batchDims));

    [TestMethod]
    public void Gathers_along_each_axis()
    {
        var p = Tn.F([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 3, 4);
        var rows = Gather(p, Tn.Vec(2, 0, 2), 0);
        CollectionAssert.AreEqual(new long[] { 3, 4 }, rows.Dims.ToArray());
        CollectionAssert.AreEqual(new float[] { 8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11 }, rows.ToArray<float>());
        var cols = Gather(p, Tn.L([3, 1, 1, 0], 2, 2), -1);
        CollectionAssert.AreEqual(new long[] { 3, 2, 2 }, cols.Dims.ToArray());
        CollectionAssert.AreEqual(new float[] { 3, 1, 1, 0, 7, 5, 5, 4, 11, 9, 9, 8 }, cols.ToArray<float>());
        var scalarIdx = Gather(Tn.L([5, 6, 7]), Tn.Scalar(1), 0);
        Assert.AreEqual(0, scalarIdx.Rank);
        Assert.AreEqual(6L, scalarIdx.ScalarValue<long>());
        var bools = Gather(HostTensor.FromArray(new[] { true, false, true }, 3), Tn.Vec(1, 2), 0);
        CollectionAssert.AreEqual(new[] { false, true }, bools.ToArray<bool>());
        var empty = Gather(Tn.D([1, 2, 3]), Tn.I([], 0), 0);
        Assert.AreEqual(0, empty.NumElements);
    }

    [TestMethod]
    public void Odd_sizes_match_reference()
    {
        var p = Tn.RandomD(11, [5, 67, 3]);
        var pv = p.ToArray<double>();
        var idx = Enumerable.Range(0, 23).Select(i => (i * 7) % 67).ToArray();
        var y = Gather(p, Tn.I(idx, idx.Length), 1).ToArray<double>();
        for (int a = 0; a < 5; a++)
            for (int j = 0; j < idx.Length; j++)
                for (int c = 0; c < 3; c++) Assert.AreEqual(pv[(a * 67 + idx[j]) * 3 + c], y[(a * idx.Length + j) * 3 + c]);
    }

    [TestMethod]
    public void Out_of_range_indices_are_rejected_before_writing()
    {
        var p = Tn.I([1, 2, 3, 4, 5]);
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => Gather(p, Tn.Vec(0, 1, 2, 7), 0));
        StringAssert.Contains(e.Message, "indices[3] = 7 is not in [0, 5)");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => Gather(p, Tn.L([0, -1, 1, 2], 2, 2), 0));
        StringAssert.Contains(e.Message, "indices[0,1] = -1 is not in [0, 5)");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => Gather(p, Tn.Vec(0), 1));
        StringAssert.Contains(e.Message, "Expected axis in the range [-1, 1), but got 1");
        Assert.ThrowsExactly<UnimplementedException>(() => Gather(p, Tn.Vec(0), 0, batchDims: 1));
    }

    [TestMethod]
    public void Shapes()
    {
        (string, AttrValue)[] attrs = [("Tindices", DType.Int32), ("Taxis", DType.Int32)];
        ShapeDsl.Infer(ArrayOps.GatherV2, "[3,?,4];[2,5];[]", attrs).Const(2, Tn.Scalar(1)).Is("[3,2,5,4]");
        ShapeDsl.Infer(ArrayOps.GatherV2, "[3,?,4];[2];[]", attrs).Const(2, Tn.Scalar(-1)).Is("[3,?,2]");
        ShapeDsl.Infer(ArrayOps.GatherV2, "[3,?,4];[2,5];[]", attrs).Is("[?,?,?,?]");
        ShapeDsl.Infer(ArrayOps.GatherV2, "?;[2];[]", attrs).Const(2, Tn.Scalar(0)).Is("?");
        ShapeDsl.Infer(ArrayOps.GatherV2, "[];[2];[]", attrs).Fails("Shape must be at least rank 1 but is rank 0");
        ShapeDsl.Infer(ArrayOps.GatherV2, "[3,4];[2];[]", attrs).Const(2, Tn.Scalar(2)).Fails("Shape must be at least rank 3 but is rank 2");
        ShapeDsl.Infer(ArrayOps.GatherV2, "[3,4];[2];[1]", attrs).Fails("Shape must be rank 0 but is rank 1");
    }
}
