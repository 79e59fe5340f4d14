using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Math;

[TestClass]
public sealed class CastTests
{
    private static HostTensor Cast(HostTensor x, DType dst) =>
        KernelRunner.Run1(MathOps.Cast, [x], ("SrcT", x.DType), ("DstT", dst));

    [TestMethod]
    public void Float_to_int_truncates_toward_zero()
    {
        var x = Tn.F([1.9f, -1.9f, 0.5f, -0.5f, 3f]);
        CollectionAssert.AreEqual(new[] { 1, -1, 0, 0, 3 }, Cast(x, DType.Int32).ToArray<int>());
        CollectionAssert.AreEqual(new long[] { 1, -1, 0, 0, 3 }, Cast(x, DType.Int64).ToArray<long>());
        CollectionAssert.AreEqual(new byte[] { 1, 0, 0, 0, 3 }, Cast(Tn.F([1.9f, 0f, 0.2f, 0.9f, 3f]), DType.UInt8).ToArray<byte>());
    }

    [TestMethod]
    public void Integer_narrowing_wraps_and_widening_is_exact()
    {
        CollectionAssert.AreEqual(new[] { -1, 0, 1 }, Cast(Tn.L([0xFFFFFFFFL, 1L << 32, (1L << 32) + 1]), DType.Int32).ToArray<int>());
        CollectionAssert.AreEqual(new byte[] { 255, 0, 1 }, Cast(Tn.I([-1, 256, 257]), DType.UInt8).ToArray<byte>());
        CollectionAssert.AreEqual(new[] { 255.0, 0 }, Cast(HostTensor.FromArray(new byte[] { 255, 0 }, 2), DType.Double).ToArray<double>());
        CollectionAssert.AreEqual(new[] { 16777217.0 }, Cast(Tn.I([16777217]), DType.Double).ToArray<double>());
        CollectionAssert.AreEqual(new[] { 16777216f }, Cast(Tn.I([16777217]), DType.Float).ToArray<float>());
    }

    [TestMethod]
    public void Bool_conversions()
    {
        var b = Cast(Tn.F([0f, -0f, 2.5f, float.NaN, -1f]), DType.Bool);
        Assert.AreEqual(DType.Bool, b.DType);
        CollectionAssert.AreEqual(new[] { false, false, true, true, true }, b.ToArray<bool>());
        CollectionAssert.AreEqual(new[] { 0.0, 0.0, 1.0, 1.0, 1.0 }, Cast(b, DType.Double).ToArray<double>());
        CollectionAssert.AreEqual(new[] { 0, 0, 1, 1, 1 }, Cast(b, DType.Int32).ToArray<int>());
        CollectionAssert.AreEqual(new[] { false, true }, Cast(Tn.L([0, -5]), DType.Bool).ToArray<bool>());
    }

    [TestMethod]
    public void Same_type_forwards_and_double_to_float_rounds()
    {
        var x = Tn.D([1.0 / 3, 1e300]);
        Assert.AreSame(x, Cast(x, DType.Double));
        CollectionAssert.AreEqual(new[] { 1f / 3, float.PositiveInfinity }, Cast(x, DType.Float).ToArray<float>());
        CollectionAssert.AreEqual(new[] { (double)(1f / 3) }, Cast(Tn.F([1f / 3]), DType.Double).ToArray<double>());
    }

    [TestMethod]
    public void Every_pair_of_supported_types_has_a_kernel_and_keeps_the_shape()
    {
        DType[] types = [DType.Float, DType.Double, DType.Int32, DType.Int64, DType.UInt8, DType.Bool];
        foreach (var src in types)
        {
            var x = Cast(Tn.F([0, 1, 2, 3, 4, 5], 2, 3), src);
            foreach (var dst in types)
            {
                var y = Cast(x, dst);
                Assert.AreEqual(dst, y.DType);
                CollectionAssert.AreEqual(new long[] { 2, 3 }, y.Dims.ToArray(), $"{src}->{dst}");
                var back = Cast(y, DType.Double).ToArray<double>();
                var expected = src == DType.Bool || dst == DType.Bool ? [0.0, 1, 1, 1, 1, 1] : new[] { 0.0, 1, 2, 3, 4, 5 };
                CollectionAssert.AreEqual(expected, back, $"{src}->{dst}");
            }
        }
        ShapeDsl.Infer(MathOps.Cast, "[?,3]", ("SrcT", DType.Float), ("DstT", DType.Int32)).Is("[?,3]");
    }
}
