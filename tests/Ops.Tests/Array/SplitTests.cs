using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Array;

[TestClass]
public sealed class SplitTests
{
    private static HostTensor[] Split(HostTensor x, int axis, int n) =>
        KernelRunner.Run(ArrayOps.Split, [Tn.Scalar(axis), x], ("T", x.DType), ("num_split", n));

    private static HostTensor[] SplitV(HostTensor x, HostTensor sizes, int axis) =>
        KernelRunner.Run(ArrayOps.SplitV, [x, sizes, Tn.Scalar(axis)], ("Tlen", sizes.DType), ("num_split", sizes.NumElements));

    [TestMethod]
    public void Split_cuts_equal_parts_along_any_axis()
    {
        var x = HostTensor.FromArray(Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), 2, 6);
        var parts = Split(x, 1, 3);
        Assert.HasCount(3, parts);
        CollectionAssert.AreEqual(new long[] { 2, 2 }, parts[0].Dims.ToArray());
        CollectionAssert.AreEqual(new float[] { 0, 1, 6, 7 }, parts[0].ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 2, 3, 8, 9 }, parts[1].ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 4, 5, 10, 11 }, parts[2].ToArray<float>());
        var rows = Split(HostTensor.FromArray(Enumerable.Range(0, 6).Select(i => (double)i).ToArray(), 2, 3), -2, 2);
        CollectionAssert.AreEqual(new double[] { 3, 4, 5 }, rows[1].ToArray<double>());
        var b = Split(HostTensor.FromArray(new[] { true, false, false, true }, 4), 0, 2);
        CollectionAssert.AreEqual(new[] { false, true }, b[1].ToArray<bool>());
        var l = Split(Tn.L([1, 2, 3]), 0, 3);
        Assert.AreEqual(3L, l[2].ToArray<long>()[0]);
        // One part is the input itself.
        Assert.AreSame(x, Split(x, 0, 1)[0]);
    }

    [TestMethod]
    public void SplitV_sizes_with_one_inferred()
    {
        var x = HostTensor.FromArray(Enumerable.Range(0, 14).ToArray(), 2, 7);
        var parts = SplitV(x, Tn.Vec(2, -1, 1), 1);
        CollectionAssert.AreEqual(new long[] { 2, 4 }, parts[1].Dims.ToArray());
        CollectionAssert.AreEqual(new[] { 0, 1, 7, 8 }, parts[0].ToArray<int>());
        CollectionAssert.AreEqual(new[] { 2, 3, 4, 5, 9, 10, 11, 12 }, parts[1].ToArray<int>());
        CollectionAssert.AreEqual(new[] { 6, 13 }, parts[2].ToArray<int>());
        var wide = SplitV(Tn.D([1, 2, 3]), Tn.L([0, 3], 2), 0);
        Assert.AreEqual(0, wide[0].NumElements);
        CollectionAssert.AreEqual(new double[] { 1, 2, 3 }, wide[1].ToArray<double>());
        var small = SplitV(Tn.F([1, 2, 3]), HostTensor.FromArray(new sbyte[] { 1, 2 }, 2), -1);
        CollectionAssert.AreEqual(new float[] { 2, 3 }, small[1].ToArray<float>());
    }

    [TestMethod]
    public void Split_errors_name_the_values()
    {
        var x = Tn.F([1, 2, 3, 4, 5, 6], 2, 3);
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => Split(x, 1, 2));
        StringAssert.Contains(e.Message, "Number of ways to split should evenly divide the split dimension, but got split_dim 1 (size = 3) and num_split 2");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => Split(x, 2, 1));
        StringAssert.Contains(e.Message, "-input rank(-2) <= split_dim < input rank (2), but got 2");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => SplitV(x, Tn.Vec(-1, -1), 1));
        StringAssert.Contains(e.Message, "There can only be one -1 in the input.");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => SplitV(x, Tn.Vec(1, 1), 1));
        StringAssert.Contains(e.Message, "Determined shape must either match input shape along split_dim exactly if fully specified");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => SplitV(x, Tn.Vec(4, -1), 1));
        StringAssert.Contains(e.Message, "Got: 4");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => SplitV(x, Tn.Vec(4, -1, 0), 1));
        StringAssert.Contains(e.Message, "Got: 4");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => SplitV(x, Tn.Vec(4, -2, 1), 1));
        StringAssert.Contains(e.Message, "Split size at index 1 must be >= 0. Got: -2");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() =>
            KernelRunner.Run(ArrayOps.SplitV, [x, Tn.Vec(1, 2), Tn.Scalar(1)], ("Tlen", DType.Int32), ("num_split", 3)));
        StringAssert.Contains(e.Message, "size of the split_tensor must be 1-D and have the same elements as outputs got 1 -D and 2 elements");
    }

    [TestMethod]
    public void Split_shapes()
    {
        (string, AttrValue) three = ("num_split", 3);
        ShapeDsl.Infer(ArrayOps.Split, "[];[4,?,6]", three).Const(0, Tn.Scalar(2)).Is("[4,?,2];[4,?,2];[4,?,2]");
        ShapeDsl.Infer(ArrayOps.Split, "[];[4,?,6]", three).Const(0, Tn.Scalar(-2)).Is("[4,?,6];[4,?,6];[4,?,6]");
        ShapeDsl.Infer(ArrayOps.Split, "[];[4,6]", three).Is("[?,?];[?,?];[?,?]");
        ShapeDsl.Infer(ArrayOps.Split, "[];?", three).Const(0, Tn.Scalar(0)).Is("?;?;?");
        ShapeDsl.Infer(ArrayOps.Split, "[];[4,6]", three).Const(0, Tn.Scalar(0)).Fails("Dimension size must be evenly divisible by 3 but is 4");
        ShapeDsl.Infer(ArrayOps.Split, "[];[4,6]", three).Const(0, Tn.Scalar(2)).Fails("Dimension size, given by scalar input 2 must be in range [-2, 2)");
        (string, AttrValue) two = ("num_split", 2);
        ShapeDsl.Infer(ArrayOps.SplitV, "[5,?];[2];[]", two, ("Tlen", DType.Int32)).Const(1, Tn.Vec(-1, 2)).Const(2, Tn.Scalar(0)).Is("[3,?];[2,?]");
        ShapeDsl.Infer(ArrayOps.SplitV, "[5,?];[2];[]", two, ("Tlen", DType.Int32)).Const(2, Tn.Scalar(0)).Is("[?,?];[?,?]");
        ShapeDsl.Infer(ArrayOps.SplitV, "[5,?];[2];[]", two, ("Tlen", DType.Int32)).Const(1, Tn.Vec(1, 2)).Is("[?,?];[?,?]");
        ShapeDsl.Infer(ArrayOps.SplitV, "?;[2];[]", two, ("Tlen", DType.Int32)).Is("?;?");
        ShapeDsl.Infer(ArrayOps.SplitV, "[];[2];[]", two, ("Tlen", DType.Int32)).Fails("Can't split scalars");
        ShapeDsl.Infer(ArrayOps.SplitV, "[5,?];[2];[]", two, ("Tlen", DType.Int32)).Const(1, Tn.Vec(1, 2)).Const(2, Tn.Scalar(0))
            .Fails("Determined shape must either match input shape along split_dim exactly");
    }
}
