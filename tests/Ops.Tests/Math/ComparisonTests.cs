using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Math;

[TestClass]
public sealed class ComparisonTests
{
    private static bool[] B(HostTensor t) => t.ToArray<bool>();

    [TestMethod]
    public void Ordered_comparisons_with_broadcasting()
    {
        var x = Tn.F([1, 2, 3, 4, 5, 6], 2, 3);
        var y = Tn.F([2, 2, 4], 3);
        var cases = new (OpDef Op, Func<float, float, bool> F)[]
        {
            (MathOps.Greater, (a, b) => a > b), (MathOps.GreaterEqual, (a, b) => a >= b),
            (MathOps.Less, (a, b) => a < b), (MathOps.LessEqual, (a, b) => a <= b),
            (MathOps.Equal, (a, b) => a == b), (MathOps.NotEqual, (a, b) => a != b),
        };
        var xv = x.ToArray<float>();
        var yv = y.ToArray<float>();
        foreach (var (op, f) in cases)
        {
            var z = KernelRunner.Run1(op, [x, y]);
            Assert.AreEqual(DType.Bool, z.DType);
            CollectionAssert.AreEqual(new long[] { 2, 3 }, z.Dims.ToArray(), op.Name);
            CollectionAssert.AreEqual(xv.Select((v, i) => f(v, yv[i % 3])).ToArray(), B(z), op.Name);
            // Scalar on the left, and the other integer/double types.
            CollectionAssert.AreEqual(yv.Select(v => f(2, v)).ToArray(), B(KernelRunner.Run1(op, [Tn.Scalar(2.0), Tn.D(yv.Select(v => (double)v).ToArray())])), op.Name);
            CollectionAssert.AreEqual(yv.Select(v => f(2, v)).ToArray(), B(KernelRunner.Run1(op, [Tn.Scalar(2), Tn.I(yv.Select(v => (int)v).ToArray())])), op.Name);
            CollectionAssert.AreEqual(yv.Select(v => f(v, 2)).ToArray(), B(KernelRunner.Run1(op, [Tn.L(yv.Select(v => (long)v).ToArray()), Tn.Scalar(2L)])), op.Name);
        }
    }

    [TestMethod]
    public void Odd_size_outer_broadcast_matches_reference()
    {
        var x = Tn.RandomD(3, [5, 1, 7], -1, 1);
        var y = Tn.RandomD(4, [3, 1], -1, 1);
        var z = KernelRunner.Run1(MathOps.Less, [x, y]);
        CollectionAssert.AreEqual(new long[] { 5, 3, 7 }, z.Dims.ToArray());
        var xv = x.ToArray<double>();
        var yv = y.ToArray<double>();
        var zb = B(z);
        for (int a = 0; a < 5; a++)
            for (int b = 0; b < 3; b++)
                for (int c = 0; c < 7; c++)
                    Assert.AreEqual(xv[a * 7 + c] < yv[b], zb[(a * 3 + b) * 7 + c]);
    }

    [TestMethod]
    public void Equality_of_nan_zero_and_bool()
    {
        CollectionAssert.AreEqual(new[] { false, true }, B(KernelRunner.Run1(MathOps.Equal, [Tn.F([float.NaN, -0f]), Tn.F([float.NaN, 0f])])));
        CollectionAssert.AreEqual(new[] { true, false }, B(KernelRunner.Run1(MathOps.NotEqual, [Tn.F([float.NaN, -0f]), Tn.F([float.NaN, 0f])])));
        var bx = HostTensor.FromArray(new[] { true, false, true }, 3);
        var by = HostTensor.FromArray(new[] { true, true, false }, 3);
        CollectionAssert.AreEqual(new[] { true, false, false }, B(KernelRunner.Run1(MathOps.Equal, [bx, by])));
        CollectionAssert.AreEqual(new[] { false, true, true }, B(KernelRunner.Run1(MathOps.NotEqual, [bx, by])));
    }

    [TestMethod]
    public void Incompatible_shapes_error_or_scalar_answer()
    {
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(MathOps.Greater, [Tn.I([1, 2]), Tn.I([1, 2, 3])]));
        StringAssert.Contains(e.Message, "Incompatible shapes: [2] vs. [3]");
        Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(MathOps.Equal, [Tn.I([1, 2]), Tn.I([1, 2, 3])]));
        var eq = KernelRunner.Run1(MathOps.Equal, [Tn.I([1, 2]), Tn.I([1, 2, 3])], ("incompatible_shape_error", false));
        Assert.AreEqual(0, eq.Rank);
        Assert.IsFalse(eq.ScalarValue<bool>());
        var ne = KernelRunner.Run1(MathOps.NotEqual, [Tn.I([1, 2]), Tn.I([1, 2, 3])], ("incompatible_shape_error", false));
        Assert.IsTrue(ne.ScalarValue<bool>());
    }

    [TestMethod]
    public void Shapes_and_definitions()
    {
        ShapeDsl.Infer(MathOps.Greater, "[?,3];[2,1]").Is("[2,3]");
        ShapeDsl.Infer(MathOps.Less, "?;[2]").Is("?");
        ShapeDsl.Infer(MathOps.Equal, "[2];[3]").Fails("Dimensions must be equal, but are 2 and 3");
        ShapeDsl.Infer(MathOps.Equal, "[2];[3]", ("incompatible_shape_error", false)).Is("?");
        ShapeDsl.Infer(MathOps.NotEqual, "[4,1];[3]", ("incompatible_shape_error", false)).Is("[4,3]");
        Assert.AreEqual("true", MathOps.Equal.FindAttr("incompatible_shape_error")!.DefaultValue!.B.ToString().ToLowerInvariant());
        Assert.IsTrue(MathOps.Equal.IsCommutative && !MathOps.Greater.IsCommutative);
    }
}
