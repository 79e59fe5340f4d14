using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Math;

[TestClass]
public sealed class LogicalTests
{
    private static HostTensor B(bool[] v, params long[] dims) => HostTensor.FromArray(v, dims.Length == 0 ? [v.Length] : dims);

    [TestMethod]
    public void And_or_not_truth_tables_and_broadcasting()
    {
        var x = B([true, true, false, false]);
        var y = B([true, false, true, false]);
        CollectionAssert.AreEqual(new[] { true, false, false, false }, KernelRunner.Run1(MathOps.LogicalAnd, [x, y]).ToArray<bool>());
        CollectionAssert.AreEqual(new[] { true, true, true, false }, KernelRunner.Run1(MathOps.LogicalOr, [x, y]).ToArray<bool>());
        CollectionAssert.AreEqual(new[] { false, false, true, true }, KernelRunner.Run1(MathOps.LogicalNot, [x]).ToArray<bool>());
        var col = B([true, false], 2, 1);
        var row = B([true, false, true], 3);
        var z = KernelRunner.Run1(MathOps.LogicalAnd, [col, row]);
        CollectionAssert.AreEqual(new long[] { 2, 3 }, z.Dims.ToArray());
        CollectionAssert.AreEqual(new[] { true, false, true, false, false, false }, z.ToArray<bool>());
        var o = KernelRunner.Run1(MathOps.LogicalOr, [HostTensor.Scalar(false), row]);
        CollectionAssert.AreEqual(row.ToArray<bool>(), o.ToArray<bool>());
    }

    [TestMethod]
    public void Not_over_every_vector_tail()
    {
        for (int n = 0; n <= 67; n++)
        {
            var v = Enumerable.Range(0, n).Select(i => i % 3 == 0).ToArray();
            var got = KernelRunner.Run1(MathOps.LogicalNot, [B(v, n)]).ToArray<bool>();
            CollectionAssert.AreEqual(v.Select(b => !b).ToArray(), got, $"n={n}");
        }
    }

    [TestMethod]
    public void Shapes_and_errors()
    {
        ShapeDsl.Infer(MathOps.LogicalAnd, "[?,1];[3]").Is("[?,3]");
        ShapeDsl.Infer(MathOps.LogicalNot, "[2,?]").Is("[2,?]");
        ShapeDsl.Infer(MathOps.LogicalOr, "[2];[3]").Fails("Dimensions must be equal, but are 2 and 3");
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(MathOps.LogicalOr, [B([true, false]), B([true, false, true])]));
        StringAssert.Contains(e.Message, "Incompatible shapes: [2] vs. [3]");
    }
}
