using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Array;

/// <summary>
/// A StridedSlice/StridedSliceGrad kernel keeps the window of its last begin/end/strides and input
/// shape: one kernel instance run with changing values, shapes and index types must always slice
/// exactly as a fresh kernel does.
/// </summary>
[TestClass]
public sealed class StridedSliceReuseTests
{
    private static readonly (string, AttrValue)[] Attrs = [("T", DType.Float), ("Index", DType.Int32), ("shrink_axis_mask", 0L)];

    [TestMethod]
    public void One_slice_kernel_follows_changing_begin_end_strides_and_input_shapes()
    {
        var kernel = KernelRunner.For(ArrayOps.StridedSlice, Attrs);
        var x23 = Tn.F([0, 1, 2, 3, 4, 5], 2, 3);
        var x33 = Tn.F([0, 1, 2, 3, 4, 5, 6, 7, 8], 3, 3);
        var cases = new (HostTensor X, int[] B, int[] E, int[] S, long[] Dims, float[] Want)[]
        {
            (x23, [0, 1], [2, 3], [1, 1], [2, 2], [1, 2, 4, 5]),
            (x23, [0, 1], [2, 3], [1, 1], [2, 2], [1, 2, 4, 5]),
            (x23, [1, 0], [2, 3], [1, 2], [1, 2], [3, 5]),
            (x33, [1, 0], [2, 3], [1, 2], [1, 2], [3, 5]),
            (x33, [2, 2], [-4, -4], [-1, -1], [3, 3], [8, 7, 6, 5, 4, 3, 2, 1, 0]),
            (x23, [0, 1], [2, 3], [1, 1], [2, 2], [1, 2, 4, 5]),
        };
        for (int round = 0; round < 2; round++)
            foreach (var (x, b, e, s, dims, want) in cases)
            {
                var y = kernel.Run(x, Tn.Vec(b), Tn.Vec(e), Tn.Vec(s))[0];
                string what = $"round {round}: x {x.Shape} [{string.Join(",", b)}:{string.Join(",", e)}:{string.Join(",", s)}]";
                CollectionAssert.AreEqual(dims, y.Dims.ToArray(), what);
                CollectionAssert.AreEqual(want, y.ToArray<float>(), what);
            }
    }

    [TestMethod]
    public void One_grad_kernel_follows_changing_shapes_and_windows()
    {
        var kernel = KernelRunner.For(ArrayOps.StridedSliceGrad, Attrs);
        var a = kernel.Run(Tn.Vec(2, 3), Tn.Vec(0, 1), Tn.Vec(2, 3), Tn.Vec(1, 1), Tn.F([1, 2, 3, 4], 2, 2))[0];
        CollectionAssert.AreEqual(new float[] { 0, 1, 2, 0, 3, 4 }, a.ToArray<float>());
        var b = kernel.Run(Tn.Vec(3, 2), Tn.Vec(0, 1), Tn.Vec(2, 3), Tn.Vec(1, 1), Tn.F([7, 8], 2, 1))[0];
        CollectionAssert.AreEqual(new long[] { 3, 2 }, b.Dims.ToArray());
        CollectionAssert.AreEqual(new float[] { 0, 7, 0, 8, 0, 0 }, b.ToArray<float>());
        var c = kernel.Run(Tn.Vec(2, 3), Tn.Vec(0, 0), Tn.Vec(2, 3), Tn.Vec(1, 2), Tn.F([1, 2, 3, 4], 2, 2))[0];
        CollectionAssert.AreEqual(new float[] { 1, 0, 2, 3, 0, 4 }, c.ToArray<float>());
        var again = kernel.Run(Tn.Vec(2, 3), Tn.Vec(0, 1), Tn.Vec(2, 3), Tn.Vec(1, 1), Tn.F([1, 2, 3, 4], 2, 2))[0];
        CollectionAssert.AreEqual(new float[] { 0, 1, 2, 0, 3, 4 }, again.ToArray<float>());
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() =>
            kernel.Run(Tn.Vec(2, 3), Tn.Vec(0, 1), Tn.Vec(2, 3), Tn.Vec(1, 1), Tn.F([1, 2, 3], 3))[0]);
        StringAssert.Contains(e.Message, "shape of dy was [3] instead of [2,2]");
    }
}
