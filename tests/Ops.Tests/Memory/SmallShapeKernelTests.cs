using GraphEngine.Ops.Array;
using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Memory;

/// <summary>
/// The shape-handling pieces that read small shape tensors onto the stack instead of arrays
/// (CopyInt64To, the span forms of Broadcast.TryShape and RowMajorStrides, BroadcastGradientArgs),
/// and pooled tensor objects re-shaped across ranks, checked against the array forms and TF's answers.
/// </summary>
[TestClass]
public sealed class SmallShapeKernelTests
{
    // A size class other tests are unlikely to use at the same moment.
    private const long Elements = 5 * 1024 * 1024 + 3;

    [TestMethod]
    public void Reused_tensor_object_changes_rank_down_and_up_with_the_right_dims()
    {
        var a = HostTensor.Allocate(DType.Float, [2, 3, Elements / 6]);
        a.Buffer!.Retain();
        a.Buffer.Release();
        var scalarLike = HostTensor.Allocate(DType.Float, [Elements - 1]);
        Assert.AreSame(a, scalarLike, "the released buffer comes back with its tensor object");
        Assert.AreEqual(1, scalarLike.Rank);
        CollectionAssert.AreEqual(new long[] { Elements - 1 }, scalarLike.Dims.ToArray());
        Assert.AreEqual("[" + (Elements - 1) + "]", scalarLike.Shape.ToString().Replace(" ", ""));
        scalarLike.Buffer!.Retain();
        scalarLike.Buffer.Release();
        var wide = HostTensor.Allocate(DType.Int32, [1, 1, 1, 1, Elements - 2]);
        Assert.AreSame(a, wide);
        Assert.AreEqual(5, wide.Rank);
        CollectionAssert.AreEqual(new long[] { 1, 1, 1, 1, Elements - 2 }, wide.Dims.ToArray());
        Assert.IsTrue(wide.SameShape(HostTensor.Wrap(DType.Int32, [1, 1, 1, 1, Elements - 2], wide.Buffer!.Address, wide)));
        var clone = wide.Clone();
        CollectionAssert.AreEqual(wide.Dims.ToArray(), clone.Dims.ToArray());
        wide.Buffer.Retain();
        wide.Buffer.Release();
    }

    [TestMethod]
    public void CopyInt64To_widens_int32_copies_int64_and_refuses_floats()
    {
        Span<long> d = stackalloc long[3];
        HostTensor.FromArray(new[] { 4, -1, int.MaxValue }, 3).CopyInt64To(d);
        CollectionAssert.AreEqual(new long[] { 4, -1, int.MaxValue }, d.ToArray());
        HostTensor.FromArray(new[] { long.MinValue, 0L, 9L }, 3).CopyInt64To(d);
        CollectionAssert.AreEqual(new long[] { long.MinValue, 0, 9 }, d.ToArray());
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => HostTensor.FromArray(new[] { 1f }, 1).CopyInt64To(new long[1]));
        StringAssert.Contains(e.Message, "int32 or int64");
    }

    [TestMethod]
    [DataRow(new long[] { 2, 1, 3 }, new long[] { 4, 1 }, true)]
    [DataRow(new long[] { }, new long[] { 5, 7 }, true)]
    [DataRow(new long[] { 1 }, new long[] { }, true)]
    [DataRow(new long[] { 3, 2 }, new long[] { 4, 2 }, false)]
    [DataRow(new long[] { 0, 1 }, new long[] { 1, 6 }, true)]
    public void Span_TryShape_matches_the_array_form(long[] x, long[] y, bool compatible)
    {
        bool arrayOk = Broadcast.TryShape(x, y, out long[] expected);
        Span<long> z = stackalloc long[System.Math.Max(x.Length, y.Length)];
        Assert.AreEqual(compatible, arrayOk);
        Assert.AreEqual(compatible, Broadcast.TryShape(x, y, z));
        if (compatible) CollectionAssert.AreEqual(expected, z.ToArray());
    }

    [TestMethod]
    public void Span_RowMajorStrides_matches_the_array_form()
    {
        long[] dims = [3, 1, 4, 5];
        Span<long> s = stackalloc long[dims.Length];
        Strided.RowMajorStrides(dims, s);
        CollectionAssert.AreEqual(Strided.RowMajorStrides(dims), s.ToArray());
        CollectionAssert.AreEqual(new long[] { 20, 20, 5, 1 }, s.ToArray());
    }

    [TestMethod]
    [DataRow(new long[] { 3, 1 }, new long[] { 3, 4 })]
    [DataRow(new long[] { 4 }, new long[] { 2, 3, 4 })]
    [DataRow(new long[] { }, new long[] { 2, 2 })]
    [DataRow(new long[] { 2, 1, 5 }, new long[] { 2, 7, 5 })]
    public void Span_BroadcastStrides_matches_the_array_form(long[] inDims, long[] outDims)
    {
        Span<long> s = stackalloc long[outDims.Length];
        s.Fill(-9);
        Strided.BroadcastStrides(inDims, outDims, s);
        CollectionAssert.AreEqual(Strided.BroadcastStrides(inDims, outDims), s.ToArray());
    }

    [TestMethod]
    public void Transpose_and_ConcatV2_give_tf_results_with_stack_shapes()
    {
        var x = Tn.F([1, 2, 3, 4, 5, 6], 2, 3);
        var t = KernelRunner.Run1(ArrayOps.Transpose, [x, Tn.Vec(1, 0)]);
        CollectionAssert.AreEqual(new long[] { 3, 2 }, t.Dims.ToArray());
        CollectionAssert.AreEqual(new float[] { 1, 4, 2, 5, 3, 6 }, t.ToArray<float>());
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.Transpose, [x, Tn.Vec(0, 0)]));
        StringAssert.Contains(e.Message, "1 is missing from {0,0}");
        var c = KernelRunner.Run1(ArrayOps.ConcatV2, [x, Tn.F([7, 8], 2, 1), HostTensor.Scalar(-1L)], ("N", 2), ("Tidx", DType.Int64));
        CollectionAssert.AreEqual(new long[] { 2, 4 }, c.Dims.ToArray());
        CollectionAssert.AreEqual(new float[] { 1, 2, 3, 7, 4, 5, 6, 8 }, c.ToArray<float>());
        var rows = KernelRunner.Run1(ArrayOps.ConcatV2, [x, Tn.F(new float[3], 1, 3), Tn.F([9, 9, 9], 1, 3), HostTensor.Scalar(0)], ("N", 3));
        CollectionAssert.AreEqual(new float[] { 1, 2, 3, 4, 5, 6, 0, 0, 0, 9, 9, 9 }, rows.ToArray<float>());
    }

    [TestMethod]
    [DataRow(new[] { 128, 512 }, new[] { 512 }, new int[0], new[] { 0 })]
    [DataRow(new[] { 2, 1, 3 }, new[] { 4, 3 }, new[] { 1 }, new[] { 0 })]
    [DataRow(new[] { 1 }, new int[0], new[] { 0 }, new[] { 0 })]
    [DataRow(new[] { 5, 6 }, new[] { 5, 6 }, new int[0], new int[0])]
    [DataRow(new int[0], new[] { 2, 3 }, new[] { 0, 1 }, new int[0])]
    public void BroadcastGradientArgs_gives_tf_reduction_indices(int[] s0, int[] s1, int[] r0, int[] r1)
    {
        var outs = KernelRunner.Run(ArrayOps.BroadcastGradientArgs, [Tn.Vec(s0), Tn.Vec(s1)]);
        CollectionAssert.AreEqual(r0, outs[0].ToArray<int>());
        CollectionAssert.AreEqual(r1, outs[1].ToArray<int>());
        var longs = KernelRunner.Run(ArrayOps.BroadcastGradientArgs,
            [HostTensor.FromArray(s0.Select(v => (long)v).ToArray(), s0.Length), HostTensor.FromArray(s1.Select(v => (long)v).ToArray(), s1.Length)],
            ("T", DType.Int64));
        CollectionAssert.AreEqual(r0.Select(v => (long)v).ToArray(), longs[0].ToArray<long>());
        CollectionAssert.AreEqual(r1.Select(v => (long)v).ToArray(), longs[1].ToArray<long>());
    }

    [TestMethod]
    public void BroadcastGradientArgs_rejects_incompatible_shapes_naming_both()
    {
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run(ArrayOps.BroadcastGradientArgs, [Tn.Vec(3, 2), Tn.Vec(4, 2)]));
        StringAssert.Contains(e.Message, "Incompatible shapes: [3,2] vs. [4,2]");
    }
}
