using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Array;

[TestClass]
public sealed class DynamicStitchTests
{
    private static HostTensor Stitch(HostTensor[] indices, HostTensor[] data) =>
        KernelRunner.Run1(ArrayOps.DynamicStitch, [.. indices, .. data], ("N", (long)indices.Length), ("T", data[0].DType));

    [TestMethod]
    public void Interleaves_rows_later_inputs_winning()
    {
        // TF's doc example: indices [6], [4,1], [[5,2],[0,3]] with rows of 2.
        var y = Stitch([Tn.Scalar(6), Tn.Vec(4, 1), Tn.I([5, 2, 0, 3], 2, 2)],
            [Tn.F([61, 62], 2), Tn.F([41, 42, 11, 12], 2, 2), Tn.F([51, 52, 21, 22, 1, 2, 31, 32], 2, 2, 2)]);
        CollectionAssert.AreEqual(new long[] { 7, 2 }, y.Dims.ToArray());
        CollectionAssert.AreEqual(new float[] { 1, 2, 11, 12, 21, 22, 31, 32, 41, 42, 51, 52, 61, 62 }, y.ToArray<float>());
        var dup = Stitch([Tn.Vec(0, 1), Tn.Vec(1)], [Tn.D([1, 2]), Tn.D([9], 1)]);
        CollectionAssert.AreEqual(new double[] { 1, 9 }, dup.ToArray<double>());
        var gap = Stitch([Tn.Vec(2)], [Tn.I([5], 1)]);
        CollectionAssert.AreEqual(new[] { 0, 0, 5 }, gap.ToArray<int>());
    }

    [TestMethod]
    public void Parallel_variant_stitches_the_same_way()
    {
        var y = KernelRunner.Run1(ArrayOps.ParallelDynamicStitch, [Tn.Vec(1, 0), Tn.Vec(2), Tn.L([10, 20], 2), Tn.L([30], 1)], ("N", 2L), ("T", DType.Int64));
        CollectionAssert.AreEqual(new long[] { 20, 10, 30 }, y.ToArray<long>());
        ShapeDsl.Infer(ArrayOps.ParallelDynamicStitch, "[2];[1];[2,3];[1,3]", ("N", 2L)).Is("[?,3]");
    }

    [TestMethod]
    public void Errors()
    {
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => Stitch([Tn.Vec(0, 1)], [Tn.F([1, 2, 3])]));
        StringAssert.Contains(e.Message, "data[0].shape = [3] does not start with indices[0].shape = [2]");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => Stitch([Tn.Vec(0), Tn.Vec(-1)], [Tn.F([1], 1), Tn.F([2], 1)]));
        StringAssert.Contains(e.Message, "indices[1] has a negative index -1");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => Stitch([Tn.Vec(0), Tn.Vec(1)], [Tn.F([1, 2], 1, 2), Tn.F([1, 2, 3], 1, 3)]));
        StringAssert.Contains(e.Message, "Need data[0].shape[1:] = [2], got data[1].shape[1:] = [3]");
    }

    [TestMethod]
    public void Shapes()
    {
        (string, AttrValue)[] a = [("N", 2L)];
        ShapeDsl.Infer(ArrayOps.DynamicStitch, "[2];[3];[2,4];[3,4]", a).Const(0, Tn.Vec(0, 3)).Const(1, Tn.Vec(1, 2, 4)).Is("[5,4]");
        ShapeDsl.Infer(ArrayOps.DynamicStitch, "[2];[3];[2,4];[3,?]", a).Is("[?,4]");
        ShapeDsl.Infer(ArrayOps.DynamicStitch, "[2];?;[2,4];?", a).Is("[?,4]");
        ShapeDsl.Infer(ArrayOps.DynamicStitch, "[2];[3];[2,4];[3,5]", a).Fails("Dimension 0 in both shapes must be equal, but are 4 and 5");
        ShapeDsl.Infer(ArrayOps.DynamicStitch, "[2];[3];[3,4];[3,4]", a).Fails("Dimension 0 in both shapes must be equal, but are 3 and 2");
    }
}
