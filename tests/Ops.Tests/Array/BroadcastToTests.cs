using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Array;

[TestClass]
public sealed class BroadcastToTests
{
    [TestMethod]
    public void Broadcasts_rows_columns_and_scalars()
    {
        var row = KernelRunner.Run1(ArrayOps.BroadcastTo, [Tn.F([1, 2, 3]), Tn.Vec(2, 3)]);
        CollectionAssert.AreEqual(new long[] { 2, 3 }, row.Dims.ToArray());
        CollectionAssert.AreEqual(new float[] { 1, 2, 3, 1, 2, 3 }, row.ToArray<float>());
        var col = KernelRunner.Run1(ArrayOps.BroadcastTo, [Tn.L([1, 2], 2, 1), Tn.L([2, 2, 3], 3)], ("Tidx", DType.Int64));
        CollectionAssert.AreEqual(new long[] { 1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2 }, col.ToArray<long>());
        var s = KernelRunner.Run1(ArrayOps.BroadcastTo, [Tn.Scalar(true), Tn.Vec(5)]);
        CollectionAssert.AreEqual(Enumerable.Repeat(true, 5).ToArray(), s.ToArray<bool>());
        var mid = KernelRunner.Run1(ArrayOps.BroadcastTo, [Tn.D([1, 2, 3, 4, 5, 6], 2, 1, 3), Tn.Vec(2, 67, 3)]);
        var mv = mid.ToArray<double>();
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 67; b++)
                for (int c = 0; c < 3; c++) Assert.AreEqual(a * 3 + c + 1, mv[(a * 67 + b) * 3 + c]);
        var empty = KernelRunner.Run1(ArrayOps.BroadcastTo, [Tn.I([7]), Tn.Vec(0, 3)]);
        CollectionAssert.AreEqual(new long[] { 0, 3 }, empty.Dims.ToArray());
        var same = Tn.I([1, 2]);
        Assert.AreSame(same, KernelRunner.Run1(ArrayOps.BroadcastTo, [same, Tn.Vec(2)]));
    }

    [TestMethod]
    public void Errors_and_shapes()
    {
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.BroadcastTo, [Tn.F([1, 2, 3]), Tn.Vec(2, 4)]));
        StringAssert.Contains(e.Message, "Unable to broadcast tensor of shape [3] to tensor of shape [2,4]");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.BroadcastTo, [Tn.F([1, 2, 3, 4], 2, 2), Tn.Vec(4)]));
        StringAssert.Contains(e.Message, "Unable to broadcast tensor of shape [2,2] to tensor of shape [4]");
        ShapeDsl.Infer(ArrayOps.BroadcastTo, "[3];[2]").Const(1, Tn.Vec(2, 3)).Is("[2,3]");
        ShapeDsl.Infer(ArrayOps.BroadcastTo, "[3];[2]").AsShape(1, "[4,?]").Is("[4,?]");
        ShapeDsl.Infer(ArrayOps.BroadcastTo, "?;[3]").Is("[?,?,?]");
        ShapeDsl.Infer(ArrayOps.BroadcastTo, "[2];[?]").Is("?");
        ShapeDsl.Infer(ArrayOps.BroadcastTo, "[3];[2]").Const(1, Tn.Vec(2, 4)).Fails("Dimensions must be equal, but are 4 and 3");
        ShapeDsl.Infer(ArrayOps.BroadcastTo, "[1,3];[1]").Const(1, Tn.Vec(3)).Fails("must have rank at least the rank of the input");
    }
}
