using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Array;

[TestClass]
public sealed class OneHotTests
{
    private static HostTensor OneHot<T>(HostTensor indices, int depth, T on, T off, long axis = -1) where T : unmanaged =>
        KernelRunner.Run1(ArrayOps.OneHot, [indices, Tn.Scalar(depth), Tn.Scalar(on), Tn.Scalar(off)],
            ("T", HostTensor.Scalar(on).DType), ("TI", indices.DType), ("axis", axis));

    [TestMethod]
    public void Last_axis_with_out_of_range_indices_giving_off_rows()
    {
        var y = OneHot(Tn.L([0, 2, -1, 3], 4), 3, 5f, -1f);
        CollectionAssert.AreEqual(new long[] { 4, 3 }, y.Dims.ToArray());
        CollectionAssert.AreEqual(new float[] { 5, -1, -1, -1, -1, 5, -1, -1, -1, -1, -1, -1 }, y.ToArray<float>());
    }

    [TestMethod]
    public void Axis_0_and_middle_axis()
    {
        // indices [2] → [depth, 2] with axis 0: column j is the one-hot of indices[j].
        var y = OneHot(Tn.Vec(1, 0), 3, 1.0, 0.0, axis: 0);
        CollectionAssert.AreEqual(new long[] { 3, 2 }, y.Dims.ToArray());
        CollectionAssert.AreEqual(new double[] { 0, 1, 1, 0, 0, 0 }, y.ToArray<double>());
        // indices [2,2] with axis 1 → [2, depth, 2]: y[a, d, b] = indices[a, b] == d.
        var m = OneHot(Tn.I([0, 1, 1, 1], 2, 2), 2, 7, 0, axis: 1);
        CollectionAssert.AreEqual(new long[] { 2, 2, 2 }, m.Dims.ToArray());
        CollectionAssert.AreEqual(new[] { 7, 0, 0, 7, 0, 0, 7, 7 }, m.ToArray<int>());
        var s = OneHot(HostTensor.Scalar((byte)1), 2, 3L, 4L);
        CollectionAssert.AreEqual(new long[] { 4, 3 }, s.ToArray<long>());
        var b = OneHot(HostTensor.FromArray(new sbyte[] { 0 }, 1), 2, true, false);
        CollectionAssert.AreEqual(new[] { true, false }, b.ToArray<bool>());
        Assert.AreEqual(0, OneHot(Tn.Vec(0, 1), 0, 1f, 0f).NumElements);
    }

    [TestMethod]
    public void Odd_sizes_on_every_axis_match_reference()
    {
        var r = new System.Random(5);
        foreach (var n in new[] { 1, 7, 67 })
        {
            var idx = Enumerable.Range(0, 2 * n).Select(_ => (long)r.Next(-2, 7)).ToArray();   // some outside [0, 5)
            foreach (var axis in new long[] { -1, 0, 1 })
            {
                var y = OneHot(Tn.L(idx, 2, n), 5, 2.5, -0.5, axis).ToArray<double>();
                int at = axis == -1 ? 2 : (int)axis;
                for (int a = 0; a < 2; a++)
                    for (int b = 0; b < n; b++)
                        for (int d = 0; d < 5; d++)
                        {
                            long flat = at switch { 0 => (d * 2 + a) * n + b, 1 => (a * 5 + d) * n + b, _ => (a * n + b) * 5 + d };
                            Assert.AreEqual(idx[a * n + b] == d ? 2.5 : -0.5, y[flat], $"n {n} axis {axis} at ({a},{b},{d})");
                        }
            }
        }
    }

    [TestMethod]
    public void Errors()
    {
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => OneHot(Tn.Vec(0), -2, 1f, 0f));
        StringAssert.Contains(e.Message, "depth must be non-negative, got: -2");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => OneHot(Tn.Vec(0), 2, 1f, 0f, axis: 3));
        StringAssert.Contains(e.Message, "Expected axis to be -1 or between [0, 2).  But received: 3");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.OneHot,
            [Tn.Vec(0), Tn.Scalar(2), Tn.F([1, 1]), Tn.Scalar(0f)], ("T", DType.Float), ("TI", DType.Int32)));
        StringAssert.Contains(e.Message, "on_value must be a scalar, but got: [2]");
    }

    [TestMethod]
    public void Shapes()
    {
        (string, AttrValue)[] last = [("TI", DType.Int32)];
        ShapeDsl.Infer(ArrayOps.OneHot, "[2,?];[];[];[]", last).Const(1, Tn.Scalar(5)).Is("[2,?,5]");
        ShapeDsl.Infer(ArrayOps.OneHot, "[2,?];[];[];[]", last).Is("[2,?,?]");
        ShapeDsl.Infer(ArrayOps.OneHot, "[2,3];[];[];[]", ("TI", DType.Int32), ("axis", 0L)).Const(1, Tn.Scalar(4)).Is("[4,2,3]");
        ShapeDsl.Infer(ArrayOps.OneHot, "[2,3];[];[];[]", ("TI", DType.Int32), ("axis", 1L)).Const(1, Tn.Scalar(4)).Is("[2,4,3]");
        ShapeDsl.Infer(ArrayOps.OneHot, "?;[];[];[]", last).Is("?");
        ShapeDsl.Infer(ArrayOps.OneHot, "[2];[];[];[]", last).Const(1, Tn.Scalar(-3)).Fails("must be non-negative but is -3");
        ShapeDsl.Infer(ArrayOps.OneHot, "[2];[];[];[]", ("TI", DType.Int32), ("axis", -2L)).Fails("axis must be >= -1");
        ShapeDsl.Infer(ArrayOps.OneHot, "[2];[1];[];[]", last).Fails("Shape must be rank 0 but is rank 1");
    }
}
