using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Array;

[TestClass]
public sealed class ExpandSqueezeTests
{
    [TestMethod]
    public void ExpandDims_inserts_a_one_and_shares_the_buffer()
    {
        var x = Tn.F([1, 2, 3, 4, 5, 6], 2, 3);
        foreach (var (dim, want) in new[] { (0, new long[] { 1, 2, 3 }), (1, new long[] { 2, 1, 3 }), (2, new long[] { 2, 3, 1 }), (-1, new long[] { 2, 3, 1 }), (-3, new long[] { 1, 2, 3 }) })
        {
            var y = KernelRunner.Run1(ArrayOps.ExpandDims, [x, Tn.Scalar(dim)]);
            CollectionAssert.AreEqual(want, y.Dims.ToArray(), $"dim {dim}");
            Assert.AreSame(x.Buffer, y.Buffer);
        }
        var s = KernelRunner.Run1(ArrayOps.ExpandDims, [Tn.Scalar(3L), Tn.L([0], 1)], ("Tdim", DType.Int64));
        CollectionAssert.AreEqual(new long[] { 1 }, s.Dims.ToArray());
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.ExpandDims, [x, Tn.Scalar(3)]));
        StringAssert.Contains(e.Message, "Tried to expand dim index 3 for tensor with 2 dimensions.");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.ExpandDims, [x, Tn.Scalar(-4)]));
        StringAssert.Contains(e.Message, "Tried to expand dim index -4 for tensor with 2 dimensions.");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.ExpandDims, [x, Tn.Vec(0, 1)]));
        StringAssert.Contains(e.Message, "'dim' must be a tensor with a single value");
    }

    [TestMethod]
    public void Squeeze_all_ones_or_listed_dims()
    {
        var x = Tn.I([1, 2, 3], 1, 3, 1);
        var all = KernelRunner.Run1(ArrayOps.Squeeze, [x]);
        CollectionAssert.AreEqual(new long[] { 3 }, all.Dims.ToArray());
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, all.ToArray<int>());
        var last = KernelRunner.Run1(ArrayOps.Squeeze, [x], ("squeeze_dims", AttrValue.Of(new long[] { -1 })));
        CollectionAssert.AreEqual(new long[] { 1, 3 }, last.Dims.ToArray());
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.Squeeze, [x], ("squeeze_dims", AttrValue.Of(new long[] { 1 }))));
        StringAssert.Contains(e.Message, "Can not squeeze dim[1], expected a dimension of 1, got 3");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.Squeeze, [x], ("squeeze_dims", AttrValue.Of(new long[] { 3 }))));
        StringAssert.Contains(e.Message, "Tried to squeeze dim index 3 for tensor with 3 dimensions.");
        var plain = Tn.F([1, 2]);
        Assert.AreSame(plain, KernelRunner.Run1(ArrayOps.Squeeze, [plain]));
    }

    [TestMethod]
    public void Shapes()
    {
        ShapeDsl.Infer(ArrayOps.ExpandDims, "[2,?];[]").Const(1, Tn.Scalar(-1)).Is("[2,?,1]");
        ShapeDsl.Infer(ArrayOps.ExpandDims, "[2,?];[]").Is("[?,?,?]");
        ShapeDsl.Infer(ArrayOps.ExpandDims, "?;[]").Const(1, Tn.Scalar(0)).Is("?");
        ShapeDsl.Infer(ArrayOps.ExpandDims, "[2];[]").Const(1, Tn.Scalar(2)).Fails("Tried to expand dim index 2 for tensor with 1 dimensions.");
        ShapeDsl.Infer(ArrayOps.Squeeze, "[1,3,1]").Is("[3]");
        ShapeDsl.Infer(ArrayOps.Squeeze, "[1,?,1]").Is("?");
        ShapeDsl.Infer(ArrayOps.Squeeze, "[1,?,2]", ("squeeze_dims", AttrValue.Of(new long[] { 0, 1 }))).Is("[2]");
        ShapeDsl.Infer(ArrayOps.Squeeze, "[1,3,1]", ("squeeze_dims", AttrValue.Of(new long[] { 1 }))).Fails("Can not squeeze dim[1], expected a dimension of 1, got 3");
        ShapeDsl.Infer(ArrayOps.Squeeze, "?").Is("?");
    }
}
