using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Array;

[TestClass]
public sealed class RangeTests
{
    [TestMethod]
    public void Integer_ranges()
    {
        CollectionAssert.AreEqual(new[] { 0, 1, 2, 3, 4 }, KernelRunner.Run1(ArrayOps.Range, [Tn.Scalar(0), Tn.Scalar(5), Tn.Scalar(1)]).ToArray<int>());
        CollectionAssert.AreEqual(new[] { 3, 6, 9, 12 }, KernelRunner.Run1(ArrayOps.Range, [Tn.Scalar(3), Tn.Scalar(13), Tn.Scalar(3)]).ToArray<int>());
        CollectionAssert.AreEqual(new long[] { 10, 7, 4, 1 }, KernelRunner.Run1(ArrayOps.Range, [Tn.Scalar(10L), Tn.Scalar(-1L), Tn.Scalar(-3L)], ("Tidx", DType.Int64)).ToArray<long>());
        Assert.AreEqual(0, KernelRunner.Run1(ArrayOps.Range, [Tn.Scalar(4), Tn.Scalar(4), Tn.Scalar(2)]).NumElements);
    }

    [TestMethod]
    public void Float_ranges_round_the_count_up()
    {
        var f = KernelRunner.Run1(ArrayOps.Range, [Tn.Scalar(0f), Tn.Scalar(1f), Tn.Scalar(0.3f)], ("Tidx", DType.Float)).ToArray<float>();
        Assert.AreEqual(4, f.Length);
        Assert.AreEqual(0.9f, f[3], 1e-6f);
        var d = KernelRunner.Run1(ArrayOps.Range, [Tn.Scalar(1.0), Tn.Scalar(-1.0), Tn.Scalar(-0.5)], ("Tidx", DType.Double)).ToArray<double>();
        CollectionAssert.AreEqual(new[] { 1.0, 0.5, 0, -0.5 }, d);
    }

    [TestMethod]
    public void Range_errors()
    {
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.Range, [Tn.Scalar(0), Tn.Scalar(5), Tn.Scalar(0)]));
        StringAssert.Contains(e.Message, "Requires delta != 0: 0");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.Range, [Tn.Scalar(5), Tn.Scalar(2), Tn.Scalar(1)]));
        StringAssert.Contains(e.Message, "Requires start <= limit when delta > 0: 5/2");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.Range, [Tn.Scalar(2.0), Tn.Scalar(5.0), Tn.Scalar(-1.0)], ("Tidx", DType.Double)));
        StringAssert.Contains(e.Message, "Requires start >= limit when delta < 0: 2/5");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.Range, [Tn.Vec(1, 2), Tn.Scalar(5), Tn.Scalar(1)]));
        StringAssert.Contains(e.Message, "start must be a scalar, not shape [2]");
    }

    [TestMethod]
    public void Size_and_rank()
    {
        var x = Tn.F(new float[24], 2, 3, 4);
        Assert.AreEqual(24, KernelRunner.Run1(ArrayOps.Size, [x]).ScalarValue<int>());
        var s64 = KernelRunner.Run1(ArrayOps.Size, [Tn.I([], 0, 5)], ("out_type", DType.Int64));
        Assert.AreEqual(DType.Int64, s64.DType);
        Assert.AreEqual(0L, s64.ScalarValue<long>());
        Assert.AreEqual(3, KernelRunner.Run1(ArrayOps.Rank, [x]).ScalarValue<int>());
        Assert.AreEqual(0, KernelRunner.Run1(ArrayOps.Rank, [Tn.Scalar(true)]).ScalarValue<int>());
    }

    [TestMethod]
    public void Shapes()
    {
        ShapeDsl.Infer(ArrayOps.Range, "[];[];[]").Is("[?]");
        ShapeDsl.Infer(ArrayOps.Range, "[];[];[]").Const(0, Tn.Scalar(1)).Const(1, Tn.Scalar(10)).Const(2, Tn.Scalar(4)).Is("[3]");
        ShapeDsl.Infer(ArrayOps.Range, "[];[];[]", ("Tidx", DType.Float)).Const(0, Tn.Scalar(0f)).Const(1, Tn.Scalar(1f)).Const(2, Tn.Scalar(0.25f)).Is("[4]");
        ShapeDsl.Infer(ArrayOps.Range, "[];[];[]").Const(0, Tn.Scalar(1)).Const(1, Tn.Scalar(10)).Const(2, Tn.Scalar(0)).Fails("Requires delta != 0");
        ShapeDsl.Infer(ArrayOps.Range, "[2];[];[]").Fails("Shape must be rank 0 but is rank 1 for 'start'");
        ShapeDsl.Infer(ArrayOps.Size, "[2,?]").Is("[]");
        ShapeDsl.Infer(ArrayOps.Rank, "?").Is("[]");
    }
}
