using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Array;

[TestClass]
public sealed class ShapesTests
{
    [TestMethod]
    public void Shape_outputs_dims_as_int32_or_int64()
    {
        var x = Tn.F(new float[24], 2, 3, 4);
        CollectionAssert.AreEqual(new[] { 2, 3, 4 }, KernelRunner.Run1(ArrayOps.Shape, [x]).ToArray<int>());
        var l = KernelRunner.Run1(ArrayOps.Shape, [x], ("out_type", DType.Int64));
        Assert.AreEqual(DType.Int64, l.DType);
        CollectionAssert.AreEqual(new long[] { 2, 3, 4 }, l.ToArray<long>());
        var s = KernelRunner.Run1(ArrayOps.Shape, [HostTensor.Scalar(true)]);
        CollectionAssert.AreEqual(new long[] { 0 }, s.Dims.ToArray());
        ShapeDsl.Infer(ArrayOps.Shape, "[?,3,4]").Is("[3]");
        ShapeDsl.Infer(ArrayOps.Shape, "?").Is("[?]");
        ShapeDsl.Infer(ArrayOps.Shape, "[]").Is("[0]");
    }

    [TestMethod]
    public void Reshape_infers_one_minus_one_and_shares_the_buffer()
    {
        var x = Tn.F([1, 2, 3, 4, 5, 6], 2, 3);
        var y = KernelRunner.Run1(ArrayOps.Reshape, [x, Tn.Vec(3, -1)]);
        CollectionAssert.AreEqual(new long[] { 3, 2 }, y.Dims.ToArray());
        Assert.AreSame(x.Buffer, y.Buffer);
        CollectionAssert.AreEqual(x.ToArray<float>(), y.ToArray<float>());
        var z = KernelRunner.Run1(ArrayOps.Reshape, [x, HostTensor.FromArray(new long[] { -1 }, 1)], ("Tshape", DType.Int64));
        CollectionAssert.AreEqual(new long[] { 6 }, z.Dims.ToArray());
        var s = KernelRunner.Run1(ArrayOps.Reshape, [Tn.F([7f], 1, 1), HostTensor.FromArray(System.Array.Empty<int>(), 0)]);
        Assert.AreEqual(0, s.Rank);
        var empty = KernelRunner.Run1(ArrayOps.Reshape, [Tn.F([], 0, 4), Tn.Vec(-1, 2)]);
        CollectionAssert.AreEqual(new long[] { 0, 2 }, empty.Dims.ToArray());
    }

    [TestMethod]
    [DataRow(new[] { 2, 4 }, "Input to reshape is a tensor with 6 values, but the requested shape has 8")]
    [DataRow(new[] { -1, 4 }, "Input to reshape is a tensor with 6 values, but the requested shape requires a multiple of 4")]
    [DataRow(new[] { -1, -1 }, "Only one input size may be -1, not both 0 and 1")]
    [DataRow(new[] { 3, -2 }, "Size 1 must be non-negative, not -2")]
    public void Reshape_errors_use_tf_texts(int[] shape, string message)
    {
        var x = Tn.F(new float[6], 2, 3);
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.Reshape, [x, Tn.Vec(shape)]));
        Assert.AreEqual(message, e.Message);
    }

    [TestMethod]
    public void Reshape_shape_function_uses_partial_information()
    {
        ShapeDsl.Infer(ArrayOps.Reshape, "[2,3];[2]").Const(1, Tn.Vec(3, -1)).Is("[3,2]");
        ShapeDsl.Infer(ArrayOps.Reshape, "[?,3];[2]").Const(1, Tn.Vec(-1, 3)).Is("[?,3]");
        ShapeDsl.Infer(ArrayOps.Reshape, "[?,784];[4]").Const(1, Tn.Vec(-1, 28, 28, 1)).Is("[?,28,28,1]");
        ShapeDsl.Infer(ArrayOps.Reshape, "[5,?];[2]").AsShape(1, "[?,10]").Is("[?,10]");
        ShapeDsl.Infer(ArrayOps.Reshape, "[2,?];[2]").Const(1, Tn.Vec(-1, 4)).Is("[?,4]");
        ShapeDsl.Infer(ArrayOps.Reshape, "[2,3];[3]").Is("[?,?,?]");
        ShapeDsl.Infer(ArrayOps.Reshape, "[2,3];?").Is("?");
        ShapeDsl.Infer(ArrayOps.Reshape, "[2,3];[2]").Const(1, Tn.Vec(2, 4))
            .Fails("Cannot reshape a tensor with 6 elements to shape [2,4] (8 elements) for 'n' (op: 'Reshape')");
        ShapeDsl.Infer(ArrayOps.Reshape, "[2,3];[2]").Const(1, Tn.Vec(-1, 4)).Fails("Dimension size must be evenly divisible by 4 but is 6");
    }

    private static (long[] R0, long[] R1) Bga(long[] s0, long[] s1, DType t)
    {
        var a = t == DType.Int32 ? Tn.I(s0.Select(v => (int)v).ToArray(), s0.Length) : Tn.L(s0, s0.Length);
        var b = t == DType.Int32 ? Tn.I(s1.Select(v => (int)v).ToArray(), s1.Length) : Tn.L(s1, s1.Length);
        var r = KernelRunner.Run(ArrayOps.BroadcastGradientArgs, [a, b]);
        Assert.AreEqual(t, r[0].DType);
        return (r[0].ToInt64Array(), r[1].ToInt64Array());
    }

    [TestMethod]
    [DataRow(new long[] { 2, 3, 5 }, new long[] { 1 }, new long[] { }, new long[] { 0, 1, 2 })]
    [DataRow(new long[] { 2, 3, 5 }, new long[] { 5 }, new long[] { }, new long[] { 0, 1 })]
    [DataRow(new long[] { 2, 1, 3 }, new long[] { 4, 1 }, new long[] { 1 }, new long[] { 0, 2 })]
    [DataRow(new long[] { 2, 1 }, new long[] { 1 }, new long[] { 1 }, new long[] { 0, 1 })]
    [DataRow(new long[] { 1, 1 }, new long[] { 1 }, new long[] { 0, 1 }, new long[] { 0, 1 })]
    [DataRow(new long[] { 2, 1 }, new long[] { 2, 1 }, new long[] { }, new long[] { })]
    [DataRow(new long[] { }, new long[] { 3, 4 }, new long[] { 0, 1 }, new long[] { })]
    [DataRow(new long[] { 0, 3 }, new long[] { 1, 3 }, new long[] { }, new long[] { 0 })]
    public void BroadcastGradientArgs_matches_tf_bcast(long[] s0, long[] s1, long[] r0, long[] r1)
    {
        foreach (var t in new[] { DType.Int32, DType.Int64 })
        {
            var (g0, g1) = Bga(s0, s1, t);
            CollectionAssert.AreEqual(r0, g0, $"r0 ({t})");
            CollectionAssert.AreEqual(r1, g1, $"r1 ({t})");
        }
    }

    [TestMethod]
    public void BroadcastGradientArgs_rejects_incompatible_shapes()
    {
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => Bga([2, 3], [4], DType.Int32));
        Assert.AreEqual("Incompatible shapes: [2,3] vs. [4]", e.Message);
        ShapeDsl.Infer(ArrayOps.BroadcastGradientArgs, "[3];[2]").Is("[?];[?]");
        ShapeDsl.Infer(ArrayOps.BroadcastGradientArgs, "[3,1];[2]").Fails("Shape must be rank 1 but is rank 2");
    }
}
