using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Array;

[TestClass]
public sealed class SliceTests
{
    private static readonly (string, AttrValue) I32 = ("Index", DType.Int32);
    private static readonly (string, AttrValue) I64 = ("Index", DType.Int64);

    private static HostTensor Iota(params long[] dims) =>
        HostTensor.FromArray(Enumerable.Range(0, (int)HostTensor.CountElements(dims)).ToArray(), dims);

    [TestMethod]
    public void Slice_takes_the_window_and_size_minus_one_takes_the_rest()
    {
        var x = Iota(3, 4);
        var y = KernelRunner.Run1(ArrayOps.Slice, [x, Tn.Vec(1, 1), Tn.Vec(2, -1)], I32);
        CollectionAssert.AreEqual(new long[] { 2, 3 }, y.Dims.ToArray());
        CollectionAssert.AreEqual(new[] { 5, 6, 7, 9, 10, 11 }, y.ToArray<int>());
        var d = KernelRunner.Run1(ArrayOps.Slice, [Tn.D([1.5, 2.5, 3.5, 4.5]), Tn.L([1], 1), Tn.L([2], 1)], I64);
        CollectionAssert.AreEqual(new[] { 2.5, 3.5 }, d.ToArray<double>());
        var f = KernelRunner.Run1(ArrayOps.Slice, [Tn.RandomF(1, [2, 3, 4]), Tn.Vec(0, 1, 2), Tn.Vec(2, 0, 1)], I32);
        CollectionAssert.AreEqual(new long[] { 2, 0, 1 }, f.Dims.ToArray());
        var b = KernelRunner.Run1(ArrayOps.Slice, [HostTensor.FromArray(new[] { true, false, true }, 3), Tn.Vec(1), Tn.Vec(2)], I32);
        CollectionAssert.AreEqual(new[] { false, true }, b.ToArray<bool>());
        var l = KernelRunner.Run1(ArrayOps.Slice, [Tn.L([7, 8, 9]), Tn.Vec(2), Tn.Vec(-1)], I32);
        CollectionAssert.AreEqual(new[] { 9L }, l.ToArray<long>());
        // The whole input is the input itself.
        Assert.AreSame(x, KernelRunner.Run1(ArrayOps.Slice, [x, Tn.Vec(0, 0), Tn.Vec(-1, 4)], I32));
    }

    [TestMethod]
    public void Slice_matches_a_reference_on_random_windows()
    {
        var rnd = new System.Random(3);
        for (int trial = 0; trial < 100; trial++)
        {
            var dims = Enumerable.Range(0, rnd.Next(1, 5)).Select(_ => (long)rnd.Next(1, 6)).ToArray();
            var begin = dims.Select(d => rnd.Next(0, (int)d + 1)).ToArray();
            var size = dims.Select((d, i) => rnd.Next(0, 4) == 0 ? -1 : rnd.Next(0, (int)d - begin[i] + 1)).ToArray();
            var x = Tn.RandomD(trial, dims);
            var y = KernelRunner.Run1(ArrayOps.Slice, [x, Tn.Vec(begin), Tn.Vec(size)], I32);
            var outDims = size.Select((s, i) => s == -1 ? dims[i] - begin[i] : s).ToArray();
            CollectionAssert.AreEqual(outDims, y.Dims.ToArray());
            var xs = x.ToArray<double>();
            var want = new List<double>();
            var xsStrides = GraphEngine.Ops.Compute.Strided.RowMajorStrides(dims);
            long n = outDims.Aggregate(1L, (a, b) => a * b);
            for (long f = 0; f < n; f++)
            {
                long rest = f, src = 0;
                for (int k = dims.Length - 1; k >= 0; k--)
                {
                    src += (rest % outDims[k] + begin[k]) * xsStrides[k];
                    rest /= outDims[k];
                }
                want.Add(xs[src]);
            }
            CollectionAssert.AreEqual(want, y.ToArray<double>(), $"trial {trial}");
        }
    }

    [TestMethod]
    public void Slice_errors_name_the_values()
    {
        var x = Iota(3, 4);
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.Slice, [x, Tn.Vec(1, 5), Tn.Vec(1, 1)], I32));
        StringAssert.Contains(e.Message, "Expected begin[1] in [0, 4], but got 5");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.Slice, [x, Tn.Vec(2, 0), Tn.Vec(2, 1)], I32));
        StringAssert.Contains(e.Message, "Expected size[0] in [0, 1], but got 2");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.Slice, [x, Tn.Vec(-1, 0), Tn.Vec(1, 1)], I32));
        StringAssert.Contains(e.Message, "Expected begin[0] in [0, 3], but got -1");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.Slice, [x, Tn.Vec(0), Tn.Vec(1)], I32));
        StringAssert.Contains(e.Message, "Expected begin and size arguments to be 1-D tensors of size 2, but got shapes [1] and [1] instead.");
    }

    [TestMethod]
    public void Slice_shapes()
    {
        ShapeDsl.Infer(ArrayOps.Slice, "[3,?,5];[3];[3]", I32).Const(1, Tn.Vec(1, 0, 2)).Const(2, Tn.Vec(2, -1, -1)).Is("[2,?,3]");
        ShapeDsl.Infer(ArrayOps.Slice, "[3,4];[2];[2]", I32).Const(2, Tn.Vec(1, -1)).Is("[1,?]");
        ShapeDsl.Infer(ArrayOps.Slice, "[3,4];[2];[2]", I32).AsShape(2, "[2,?]").Is("[2,?]");
        ShapeDsl.Infer(ArrayOps.Slice, "[3,4];[2];[2]", I32).Is("[?,?]");
        ShapeDsl.Infer(ArrayOps.Slice, "?;[?];[?]", I32).Is("?");
        ShapeDsl.Infer(ArrayOps.Slice, "?;[3];[3]", I32).Is("[?,?,?]");
        ShapeDsl.Infer(ArrayOps.Slice, "[3,4];[3];[3]", I32).Fails("Shape must be rank 3 but is rank 2");
        ShapeDsl.Infer(ArrayOps.Slice, "[3,4];[2];[3]", I32).Fails("Dimensions must be equal, but are 2 and 3");
        ShapeDsl.Infer(ArrayOps.Slice, "[3,4];[2];[2]", I32).Const(2, Tn.Vec(1, -2)).Fails("sizes vector cannot be < -1, but was -2");
        ShapeDsl.Infer(ArrayOps.Slice, "[3,4];[2];[2]", I32).Const(1, Tn.Vec(0, 5)).Const(2, Tn.Vec(1, -1)).Fails("Negative dimension size caused by subtracting 5 from 4");
    }

    private static HostTensor Strided(HostTensor x, int[] b, int[] e, int[] s, int begin = 0, int end = 0, int ellipsis = 0, int newAxis = 0, int shrink = 0) =>
        KernelRunner.Run1(ArrayOps.StridedSlice, [x, Tn.Vec(b), Tn.Vec(e), Tn.Vec(s)], I32, ("begin_mask", begin), ("end_mask", end),
            ("ellipsis_mask", ellipsis), ("new_axis_mask", newAxis), ("shrink_axis_mask", shrink));

    [TestMethod]
    public void StridedSlice_masks_and_negative_strides_by_hand()
    {
        var x = Iota(2, 3, 4);   // x[i,j,k] = 12i + 4j + k
        // x[1, ::-1, 1::2]: shrink dim 0, reverse dim 1, every other from 1 on dim 2.
        var y = Strided(x, [1, 0, 1], [2, 0, 0], [1, -1, 2], begin: 0b010, end: 0b110, shrink: 0b001);
        CollectionAssert.AreEqual(new long[] { 3, 2 }, y.Dims.ToArray());
        CollectionAssert.AreEqual(new[] { 21, 23, 17, 19, 13, 15 }, y.ToArray<int>());
        // x[..., -1]: the last element of the last axis.
        y = Strided(x, [0, -1], [0, 0], [1, 1], ellipsis: 0b01, shrink: 0b10);
        CollectionAssert.AreEqual(new long[] { 2, 3 }, y.Dims.ToArray());
        CollectionAssert.AreEqual(new[] { 3, 7, 11, 15, 19, 23 }, y.ToArray<int>());
        // x[tf.newaxis, :, 2, ..., tf.newaxis]
        y = Strided(x, [0, 0, 2, 0, 0], [0, 0, 3, 0, 0], [1, 1, 1, 1, 1], begin: 0b00010, end: 0b00010, ellipsis: 0b01000, newAxis: 0b10001, shrink: 0b00100);
        CollectionAssert.AreEqual(new long[] { 1, 2, 4, 1 }, y.Dims.ToArray());
        CollectionAssert.AreEqual(new[] { 8, 9, 10, 11, 20, 21, 22, 23 }, y.ToArray<int>());
        // x[-1:-3:-1, 5:1:-2]: out-of-range ends clamp.
        y = Strided(x, [-1, 5], [-2, 0], [-1, -2]);
        CollectionAssert.AreEqual(new long[] { 1, 1, 4 }, y.Dims.ToArray());
        CollectionAssert.AreEqual(new[] { 20, 21, 22, 23 }, y.ToArray<int>());
        // An empty interval gives a zero-sized output.
        Assert.AreEqual(0, Strided(x, [2], [1], [1]).NumElements);
        // Everything, with a new axis: the input's buffer, reshaped.
        var same = Strided(x, [0, 0], [0, 0], [1, 1], begin: 1, end: 1, newAxis: 2);
        CollectionAssert.AreEqual(new long[] { 2, 1, 3, 4 }, same.Dims.ToArray());
        Assert.AreSame(x.Buffer, same.Buffer);
    }

    /// <summary>Python's slice.indices: the range a start:stop:step selects on an axis of length n.</summary>
    private static IEnumerable<long> PySlice(long? start, long? stop, long step, long n)
    {
        long lo = step > 0 ? 0 : -1, hi = step > 0 ? n : n - 1;
        long Norm(long? v, long dflt) => v is not { } x ? dflt : x < 0 ? System.Math.Max(x + n, lo) : System.Math.Min(x, hi);
        long s = Norm(start, step > 0 ? lo : hi), e = Norm(stop, step > 0 ? hi : lo);
        for (long i = s; step > 0 ? i < e : i > e; i += step) yield return i;
    }

    [TestMethod]
    public void StridedSlice_matches_python_slicing_on_random_specs()
    {
        var rnd = new System.Random(11);
        foreach (var dtype in new[] { DType.Float, DType.Double, DType.Int64 })
            for (int trial = 0; trial < 80; trial++)
            {
                var dims = Enumerable.Range(0, 3).Select(_ => (long)rnd.Next(0, 6)).ToArray();
                var values = Enumerable.Range(0, (int)HostTensor.CountElements(dims)).Select(i => (long)i).ToArray();
                var x = dtype switch
                {
                    DType.Float => HostTensor.FromArray(values.Select(v => (float)v).ToArray(), dims),
                    DType.Double => HostTensor.FromArray(values.Select(v => (double)v).ToArray(), dims),
                    _ => HostTensor.FromArray(values, dims),
                };
                int[] b = new int[3], e = new int[3], s = new int[3];
                int bm = 0, em = 0;
                var picks = new List<long>[3];
                for (int k = 0; k < 3; k++)
                {
                    s[k] = rnd.Next(1, 4) * (rnd.Next(2) == 0 ? -1 : 1);
                    b[k] = rnd.Next(-7, 8);
                    e[k] = rnd.Next(-7, 8);
                    if (rnd.Next(4) == 0) bm |= 1 << k;
                    if (rnd.Next(4) == 0) em |= 1 << k;
                    picks[k] = PySlice((bm & (1 << k)) != 0 ? null : b[k], (em & (1 << k)) != 0 ? null : e[k], s[k], dims[k]).ToList();
                }
                var y = KernelRunner.Run1(ArrayOps.StridedSlice, [x, Tn.Vec(b), Tn.Vec(e), Tn.Vec(s)], I32, ("begin_mask", bm), ("end_mask", em));
                CollectionAssert.AreEqual(picks.Select(p => (long)p.Count).ToArray(), y.Dims.ToArray(), $"trial {trial}");
                var want = (from i in picks[0] from j in picks[1] from k in picks[2] select (i * dims[1] + j) * dims[2] + k).ToArray();
                var got = dtype switch
                {
                    DType.Float => y.ToArray<float>().Select(v => (long)v).ToArray(),
                    DType.Double => y.ToArray<double>().Select(v => (long)v).ToArray(),
                    _ => y.ToArray<long>(),
                };
                CollectionAssert.AreEqual(want, got, $"{dtype} trial {trial}: dims [{string.Join(",", dims)}] b [{string.Join(",", b)}] e [{string.Join(",", e)}] s [{string.Join(",", s)}] masks {bm} {em}");
            }
    }

    [TestMethod]
    public void StridedSlice_errors()
    {
        var x = Iota(2, 3);
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => Strided(x, [2], [3], [1], shrink: 1));
        StringAssert.Contains(e.Message, "slice index 2 of dimension 0 out of bounds.");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => Strided(x, [0, 0], [1, 1], [1, 0]));
        StringAssert.Contains(e.Message, "strides[1] must be non-zero");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => Strided(x, [0, 0, 0], [1, 1, 1], [1, 1, 1]));
        StringAssert.Contains(e.Message, "Index out of range using input dim 2; input has only 2 dims");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => Strided(x, [0, 0], [1, 1], [1, 1], ellipsis: 3));
        StringAssert.Contains(e.Message, "Multiple ellipses in slice spec not allowed");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() =>
            KernelRunner.Run1(ArrayOps.StridedSlice, [x, Tn.Vec(0, 0), Tn.Vec(1), Tn.Vec(1, 1)], I32));
        StringAssert.Contains(e.Message, "Expected begin, end, and strides to be 1D equal size tensors, but got shapes [2], [1], and [2] instead.");
    }

    [TestMethod]
    public void StridedSlice_with_int16_and_int64_indices()
    {
        var x = Iota(5);
        var y = KernelRunner.Run1(ArrayOps.StridedSlice,
            [x, HostTensor.FromArray(new short[] { 4 }, 1), HostTensor.FromArray(new short[] { 0 }, 1), HostTensor.FromArray(new short[] { -2 }, 1)], ("Index", DType.Int16));
        CollectionAssert.AreEqual(new[] { 4, 2 }, y.ToArray<int>());
        y = KernelRunner.Run1(ArrayOps.StridedSlice, [x, Tn.L([1], 1), Tn.L([4], 1), Tn.L([2], 1)], I64);
        CollectionAssert.AreEqual(new[] { 1, 3 }, y.ToArray<int>());
    }

    [TestMethod]
    public void StridedSlice_shapes()
    {
        var masks = new (string, AttrValue)[] { I32, ("shrink_axis_mask", 1), ("end_mask", 2) };
        ShapeDsl.Infer(ArrayOps.StridedSlice, "[4,?,6];[2];[2];[2]", masks).Const(1, Tn.Vec(1, 0)).Const(2, Tn.Vec(2, 0)).Const(3, Tn.Vec(1, 2)).Is("[?,6]");
        ShapeDsl.Infer(ArrayOps.StridedSlice, "[4,5,6];[2];[2];[2]", masks).Const(1, Tn.Vec(1, 1)).Const(2, Tn.Vec(2, 0)).Const(3, Tn.Vec(1, 2)).Is("[2,6]");
        // Unknown begin/end: a dim is known only when shrunk or fully masked.
        ShapeDsl.Infer(ArrayOps.StridedSlice, "[4,5,6];[3];[3];[3]", I32, ("shrink_axis_mask", 1), ("begin_mask", 4), ("end_mask", 4))
            .Const(3, Tn.Vec(1, 1, -1)).Is("[?,6]");
        ShapeDsl.Infer(ArrayOps.StridedSlice, "[4,5];[3];[3];[3]", I32, ("new_axis_mask", 1), ("ellipsis_mask", 2))
            .Const(1, Tn.Vec(0, 0, 1)).Const(2, Tn.Vec(0, 0, 3)).Const(3, Tn.Vec(1, 1, 1)).Is("[1,4,2]");
        ShapeDsl.Infer(ArrayOps.StridedSlice, "[4,5];[1];[1];[1]", I32).Is("?");
        ShapeDsl.Infer(ArrayOps.StridedSlice, "?;[1];[1];[1]", I32).Const(3, Tn.Vec(1)).Is("?");
        ShapeDsl.Infer(ArrayOps.StridedSlice, "[4,5];[2];[3];[?]", I32).Fails("Dimensions must be equal, but are 2 and 3");
        ShapeDsl.Infer(ArrayOps.StridedSlice, "[4,5];[1];[1];[1]", I32, ("shrink_axis_mask", 1))
            .Const(1, Tn.Vec(4)).Const(2, Tn.Vec(5)).Const(3, Tn.Vec(1)).Fails("slice index 4 of dimension 0 out of bounds.");
    }

    [TestMethod]
    public void StridedSliceGrad_writes_dy_into_the_window()
    {
        // d/dx of x[1, ::-1, 1::2] for x of [2,3,4]: dy lands at the elements the slice read.
        var dy = Tn.F([1, 2, 3, 4, 5, 6], 3, 2);
        var g = KernelRunner.Run1(ArrayOps.StridedSliceGrad, [Tn.Vec(2, 3, 4), Tn.Vec(1, 0, 1), Tn.Vec(2, 0, 0), Tn.Vec(1, -1, 2), dy],
            ("T", DType.Float), I32, ("begin_mask", 0b010), ("end_mask", 0b110), ("shrink_axis_mask", 0b001));
        CollectionAssert.AreEqual(new long[] { 2, 3, 4 }, g.Dims.ToArray());
        var want = new float[24];
        int[] read = [21, 23, 17, 19, 13, 15];
        for (int i = 0; i < 6; i++) want[read[i]] = i + 1;
        CollectionAssert.AreEqual(want, g.ToArray<float>());
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.StridedSliceGrad,
            [Tn.Vec(2, 3, 4), Tn.Vec(1, 0, 1), Tn.Vec(2, 0, 0), Tn.Vec(1, -1, 2), Tn.F([1, 2], 2)], ("T", DType.Float), I32, ("begin_mask", 0b010), ("end_mask", 0b110), ("shrink_axis_mask", 1)));
        StringAssert.Contains(e.Message, "shape of dy was [2] instead of [3,2]");
        ShapeDsl.Infer(ArrayOps.StridedSliceGrad, "[3];[1];[1];[1];[2]", I32).Const(0, Tn.Vec(2, 3, 4)).Is("[2,3,4]");
        ShapeDsl.Infer(ArrayOps.StridedSliceGrad, "[3];[1];[1];[1];[2]", I32).AsShape(0, "[?,3,4]").Is("[?,3,4]");
        ShapeDsl.Infer(ArrayOps.StridedSliceGrad, "[3];[1];[1];[1];[2]", I32).Is("[?,?,?]");
    }
}

/// <summary>TF registers the slicing, splitting and padding kernels for string tensors too.</summary>
[TestClass]
public sealed class StringWindowTests
{
    private static HostTensor Strs(string[] v, params long[] dims) =>
        HostTensor.FromStrings(v.Select(System.Text.Encoding.UTF8.GetBytes).ToArray(), dims.Length == 0 ? [v.Length] : dims);

    private static string[] Text(HostTensor t) => t.Strings!.Select(System.Text.Encoding.UTF8.GetString).ToArray();

    [TestMethod]
    public void Strings_slice_split_and_pad()
    {
        var x = Strs(["a", "b", "c", "d", "e", "f"], 2, 3);
        (string, AttrValue) i32 = ("Index", DType.Int32);
        CollectionAssert.AreEqual(new[] { "b", "c", "e", "f" }, Text(KernelRunner.Run1(ArrayOps.Slice, [x, Tn.Vec(0, 1), Tn.Vec(-1, 2)], i32)));
        var reversed = KernelRunner.Run1(ArrayOps.StridedSlice, [x, Tn.Vec(0, 0), Tn.Vec(0, 0), Tn.Vec(-1, -2)], i32, ("begin_mask", 3), ("end_mask", 3));
        CollectionAssert.AreEqual(new[] { "f", "d", "c", "a" }, Text(reversed));
        var grad = KernelRunner.Run1(ArrayOps.StridedSliceGrad, [Tn.Vec(2, 3), Tn.Vec(0, 0), Tn.Vec(0, 0), Tn.Vec(-1, -2), reversed],
            ("T", DType.String), i32, ("begin_mask", 3), ("end_mask", 3));
        CollectionAssert.AreEqual(new[] { "a", "", "c", "d", "", "f" }, Text(grad));
        var parts = KernelRunner.Run(ArrayOps.Split, [Tn.Scalar(1), x], ("T", DType.String), ("num_split", 3));
        CollectionAssert.AreEqual(new[] { "b", "e" }, Text(parts[1]));
        var pairs = Tn.I([0, 0, 1, 1], 2, 2);
        CollectionAssert.AreEqual(new[] { "", "a", "b", "c", "", "", "d", "e", "f", "" }, Text(KernelRunner.Run1(ArrayOps.Pad, [x, pairs])));
        CollectionAssert.AreEqual(new[] { "-", "a", "b", "c", "-" }, Text(KernelRunner.Run1(ArrayOps.PadV2, [Strs(["a", "b", "c"]), Tn.I([1, 1], 1, 2), HostTensor.FromStrings([[(byte)'-']], [])])));
        CollectionAssert.AreEqual(new[] { "b", "a", "b", "c", "b" },
            Text(KernelRunner.Run1(ArrayOps.MirrorPad, [Strs(["a", "b", "c"]), Tn.I([1, 1], 1, 2)], ("mode", "REFLECT"))));
    }
}
