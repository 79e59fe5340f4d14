using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Array;

[TestClass]
public sealed class PackTests
{
    [TestMethod]
    public void Pack_on_every_axis()
    {
        var a = Tn.I([1, 2, 3, 4, 5, 6], 2, 3);
        var b = Tn.I([7, 8, 9, 10, 11, 12], 2, 3);
        var p0 = KernelRunner.Run1(ArrayOps.Pack, [a, b], ("N", 2));
        CollectionAssert.AreEqual(new long[] { 2, 2, 3 }, p0.Dims.ToArray());
        CollectionAssert.AreEqual(Enumerable.Range(1, 12).ToArray(), p0.ToArray<int>());
        var p1 = KernelRunner.Run1(ArrayOps.Pack, [a, b], ("N", 2), ("axis", 1));
        CollectionAssert.AreEqual(new long[] { 2, 2, 3 }, p1.Dims.ToArray());
        CollectionAssert.AreEqual(new[] { 1, 2, 3, 7, 8, 9, 4, 5, 6, 10, 11, 12 }, p1.ToArray<int>());
        var p2 = KernelRunner.Run1(ArrayOps.Pack, [a, b], ("N", 2), ("axis", -1));
        CollectionAssert.AreEqual(new long[] { 2, 3, 2 }, p2.Dims.ToArray());
        CollectionAssert.AreEqual(new[] { 1, 7, 2, 8, 3, 9, 4, 10, 5, 11, 6, 12 }, p2.ToArray<int>());
        var scalars = KernelRunner.Run1(ArrayOps.Pack, [Tn.Scalar(1.5), Tn.Scalar(2.5), Tn.Scalar(3.5)], ("N", 3));
        CollectionAssert.AreEqual(new[] { 1.5, 2.5, 3.5 }, scalars.ToArray<double>());
    }

    [TestMethod]
    public void Unpack_inverts_pack()
    {
        var x = Tn.RandomF(5, [3, 67, 2]);
        for (int axis = -3; axis < 3; axis++)
        {
            int ax = axis < 0 ? axis + 3 : axis;
            int num = (int)x.Dims[ax];
            var parts = KernelRunner.Run(ArrayOps.Unpack, [x], ("num", num), ("axis", axis));
            Assert.AreEqual(num, parts.Length);
            var back = KernelRunner.Run1(ArrayOps.Pack, parts, ("N", num), ("axis", axis));
            CollectionAssert.AreEqual(x.Dims.ToArray(), back.Dims.ToArray());
            CollectionAssert.AreEqual(x.ToArray<float>(), back.ToArray<float>(), $"axis {axis}");
        }
        var rows = KernelRunner.Run(ArrayOps.Unpack, [Tn.L([1, 2, 3, 4, 5, 6], 2, 3)], ("num", 3), ("axis", 1));
        CollectionAssert.AreEqual(new long[] { 2, 5 }, rows[1].ToArray<long>());
    }

    [TestMethod]
    public void Errors()
    {
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.Pack, [Tn.F([1, 2]), Tn.F([1, 2, 3])], ("N", 2)));
        StringAssert.Contains(e.Message, "Shapes of all inputs must match: values[0].shape = [2] != values[1].shape = [3]");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.Pack, [Tn.F([1, 2]), Tn.F([1, 2])], ("N", 2), ("axis", 2)));
        StringAssert.Contains(e.Message, "axis = 2 not in [-2, 2)");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run(ArrayOps.Unpack, [Tn.F([1, 2, 3, 4, 5, 6], 2, 3)], ("num", 3)));
        StringAssert.Contains(e.Message, "Input shape axis 0 must equal 3, got shape [2,3]");
    }

    [TestMethod]
    public void Shapes()
    {
        ShapeDsl.Infer(ArrayOps.Pack, "[2,?];[?,3]", ("N", 2)).Is("[2,2,3]");
        ShapeDsl.Infer(ArrayOps.Pack, "[2,?];[?,3];[2,3]", ("N", 3), ("axis", -1)).Is("[2,3,3]");
        ShapeDsl.Infer(ArrayOps.Pack, "?;?", ("N", 2)).Is("?");
        ShapeDsl.Infer(ArrayOps.Pack, "[2];[2]", ("N", 2), ("axis", 2)).Fails("Invalid axis: 2; must be in [-2,2)");
        ShapeDsl.Infer(ArrayOps.Pack, "[2];[3]", ("N", 2)).Fails("Dimension 0 in both shapes must be equal, but are 2 and 3");
        ShapeDsl.Infer(ArrayOps.Unpack, "[2,3,?]", ("num", 3), ("axis", 1)).Is("[2,?];[2,?];[2,?]");
        ShapeDsl.Infer(ArrayOps.Unpack, "[2,?]", ("num", 2), ("axis", -1)).Is("[2];[2]");
        ShapeDsl.Infer(ArrayOps.Unpack, "[2,3]", ("num", 2), ("axis", 1)).Fails("Dimension must be 2 but is 3");
        ShapeDsl.Infer(ArrayOps.Unpack, "[2,3]", ("num", 2), ("axis", 2)).Fails("Invalid axis: 2; must be in [-2,2)");
    }
}
