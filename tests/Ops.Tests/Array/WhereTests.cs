using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Array;

[TestClass]
public sealed class WhereTests
{
    [TestMethod]
    public void Coordinates_of_true_elements_in_row_major_order()
    {
        var x = HostTensor.FromArray(new[] { true, false, false, true, true, false }, 2, 3);
        var y = KernelRunner.Run1(ArrayOps.Where, [x]);
        Assert.AreEqual(DType.Int64, y.DType);
        CollectionAssert.AreEqual(new long[] { 3, 2 }, y.Dims.ToArray());
        CollectionAssert.AreEqual(new long[] { 0, 0, 1, 0, 1, 1 }, y.ToArray<long>());
        var none = KernelRunner.Run1(ArrayOps.Where, [HostTensor.FromArray(new[] { false, false }, 2)]);
        CollectionAssert.AreEqual(new long[] { 0, 1 }, none.Dims.ToArray());
        var scalar = KernelRunner.Run1(ArrayOps.Where, [HostTensor.Scalar(true)]);
        CollectionAssert.AreEqual(new long[] { 1, 0 }, scalar.Dims.ToArray());
        var nums = KernelRunner.Run1(ArrayOps.Where, [Tn.F([0, 2, -0f, float.NaN])], ("T", DType.Float));
        CollectionAssert.AreEqual(new long[] { 1, 3 }, nums.ToArray<long>());
        var ints = KernelRunner.Run1(ArrayOps.Where, [Tn.I([0, 0, 5], 1, 3, 1)], ("T", DType.Int32));
        CollectionAssert.AreEqual(new long[] { 0, 2, 0 }, ints.ToArray<long>());
    }

    [TestMethod]
    public void Odd_size_matches_reference()
    {
        var v = Enumerable.Range(0, 3 * 67).Select(i => i % 7 == 3).ToArray();
        var y = KernelRunner.Run1(ArrayOps.Where, [HostTensor.FromArray(v, 3, 67)]).ToArray<long>();
        var want = Enumerable.Range(0, v.Length).Where(i => v[i]).SelectMany(i => new long[] { i / 67, i % 67 }).ToArray();
        CollectionAssert.AreEqual(want, y);
    }

    [TestMethod]
    public void Shapes()
    {
        ShapeDsl.Infer(ArrayOps.Where, "[2,?,3]", ("T", DType.Bool)).Is("[?,3]");
        ShapeDsl.Infer(ArrayOps.Where, "?", ("T", DType.Bool)).Is("[?,?]");
    }
}
