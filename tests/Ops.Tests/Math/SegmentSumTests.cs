using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Math;

[TestClass]
public sealed class SegmentSumTests
{
    private static HostTensor SegmentSum(HostTensor data, HostTensor ids, HostTensor num) =>
        KernelRunner.Run1(MathOps.UnsortedSegmentSum, [data, ids, num], ("Tindices", ids.DType), ("Tnumsegments", num.DType));

    [TestMethod]
    public void Sums_rows_by_id_and_drops_negative_ids()
    {
        // TF's doc example: [[1,2,3,4],[5,6,7,8],[4,3,2,1]] with ids [0,1,0] → [[5,5,5,5],[5,6,7,8]].
        var y = SegmentSum(Tn.I([1, 2, 3, 4, 5, 6, 7, 8, 4, 3, 2, 1], 3, 4), Tn.Vec(0, 1, 0), Tn.Scalar(2));
        CollectionAssert.AreEqual(new long[] { 2, 4 }, y.Dims.ToArray());
        CollectionAssert.AreEqual(new[] { 5, 5, 5, 5, 5, 6, 7, 8 }, y.ToArray<int>());
        var d = SegmentSum(Tn.D([1, 2, 4, 8]), Tn.L([2, -1, 2, 0], 4), Tn.Scalar(4L));
        CollectionAssert.AreEqual(new double[] { 8, 0, 5, 0 }, d.ToArray<double>());
        var m = SegmentSum(Tn.F([1, 2, 3, 4], 2, 2), Tn.I([1, 1, 0, 1], 2, 2), Tn.Scalar(2));
        CollectionAssert.AreEqual(new float[] { 3, 7 }, m.ToArray<float>());
    }

    [TestMethod]
    public void Errors()
    {
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => SegmentSum(Tn.F([1, 2]), Tn.Vec(0, 3), Tn.Scalar(3)));
        StringAssert.Contains(e.Message, "segment_ids[1] = 3 is out of range [0, 3)");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => SegmentSum(Tn.F([1, 2]), Tn.Vec(0, 0, 0), Tn.Scalar(3)));
        StringAssert.Contains(e.Message, "data.shape = [2] does not start with segment_ids.shape = [3]");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => SegmentSum(Tn.F([1, 2]), Tn.Vec(0, 0), Tn.Vec(3)));
        StringAssert.Contains(e.Message, "num_segments should be a scalar, not shape [1]");
    }

    [TestMethod]
    public void Shapes()
    {
        (string, AttrValue)[] a = [("Tindices", DType.Int32)];
        ShapeDsl.Infer(MathOps.UnsortedSegmentSum, "[3,4,5];[3];[]", a).Const(2, Tn.Scalar(7)).Is("[7,4,5]");
        ShapeDsl.Infer(MathOps.UnsortedSegmentSum, "[3,4,5];[3,?];[]", a).Is("[?,5]");
        ShapeDsl.Infer(MathOps.UnsortedSegmentSum, "?;[3];[]", a).Is("?");
        ShapeDsl.Infer(MathOps.UnsortedSegmentSum, "[3,4];?;[]", a).Is("?");
        ShapeDsl.Infer(MathOps.UnsortedSegmentSum, "[3,4];[2];[]", a).Fails("Dimension 0 in both shapes must be equal, but are 3 and 2");
        ShapeDsl.Infer(MathOps.UnsortedSegmentSum, "[3,4];[3];[1]", a).Fails("Shape must be rank 0 but is rank 1");
    }
}
