using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Math;

[TestClass]
public sealed class SelectTests
{
    private static HostTensor B(bool[] v, params long[] dims) => HostTensor.FromArray(v, dims.Length == 0 ? [v.Length] : dims);

    [TestMethod]
    public void Select_elementwise_scalar_and_vector_condition()
    {
        var t = Tn.F([1, 2, 3, 4, 5, 6], 2, 3);
        var e = Tn.F([-1, -2, -3, -4, -5, -6], 2, 3);
        var same = KernelRunner.Run1(MathOps.Select, [B([true, false, true, false, true, false], 2, 3), t, e], ("T", DType.Float));
        CollectionAssert.AreEqual(new float[] { 1, -2, 3, -4, 5, -6 }, same.ToArray<float>());
        var scalar = KernelRunner.Run1(MathOps.Select, [HostTensor.Scalar(false), t, e], ("T", DType.Float));
        CollectionAssert.AreEqual(e.ToArray<float>(), scalar.ToArray<float>());
        var rows = KernelRunner.Run1(MathOps.Select, [B([false, true]), t, e], ("T", DType.Float));
        CollectionAssert.AreEqual(new float[] { -1, -2, -3, 4, 5, 6 }, rows.ToArray<float>());
        var ints = KernelRunner.Run1(MathOps.Select, [B([true, false, false]), Tn.L([1, 2, 3]), Tn.L([7, 8, 9])], ("T", DType.Int64));
        CollectionAssert.AreEqual(new long[] { 1, 8, 9 }, ints.ToArray<long>());
        var bools = KernelRunner.Run1(MathOps.Select, [B([true, false]), B([true, true]), B([false, false])], ("T", DType.Bool));
        CollectionAssert.AreEqual(new[] { true, false }, bools.ToArray<bool>());
    }

    [TestMethod]
    public void Select_errors()
    {
        var t = Tn.F([1, 2, 3, 4, 5, 6], 2, 3);
        var ex = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(MathOps.Select, [B([true]), Tn.F([1, 2]), Tn.F([1, 2, 3])], ("T", DType.Float)));
        StringAssert.Contains(ex.Message, "'then' and 'else' must have the same size.  but received: [2] vs. [3]");
        ex = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(MathOps.Select, [B([true, false, true]), t, t], ("T", DType.Float)));
        StringAssert.Contains(ex.Message, "Number of batches of 'then' must match size of 'cond', but saw: 2 vs. 3");
        ex = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(MathOps.Select, [B([true, false, true, false], 2, 2), t, t], ("T", DType.Float)));
        StringAssert.Contains(ex.Message, "'cond' and 'then' must have the same size.  but received: [2,2] vs. [2,3]");
    }

    [TestMethod]
    public void SelectV2_broadcasts_all_three()
    {
        var c = B([true, false, true], 3);
        var t = Tn.D([10, 20], 2, 1);
        var e = Tn.Scalar(-1.0);
        var z = KernelRunner.Run1(MathOps.SelectV2, [c, t, e], ("T", DType.Double));
        CollectionAssert.AreEqual(new long[] { 2, 3 }, z.Dims.ToArray());
        CollectionAssert.AreEqual(new double[] { 10, -1, 10, 20, -1, 20 }, z.ToArray<double>());
        var big = KernelRunner.Run1(MathOps.SelectV2, [B(Enumerable.Range(0, 67).Select(i => i % 2 == 0).ToArray(), 67, 1), Tn.I(Enumerable.Range(0, 5).ToArray(), 5), Tn.Scalar(-7)], ("T", DType.Int32));
        var bv = big.ToArray<int>();
        for (int i = 0; i < 67; i++)
            for (int j = 0; j < 5; j++) Assert.AreEqual(i % 2 == 0 ? j : -7, bv[i * 5 + j]);
        var ex = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(MathOps.SelectV2, [B([true, false]), Tn.D([1, 2, 3]), e], ("T", DType.Double)));
        StringAssert.Contains(ex.Message, "condition [2], then [3], and else [] must be broadcastable");
    }

    [TestMethod]
    public void Shapes()
    {
        ShapeDsl.Infer(MathOps.Select, "[];[2,?];[?,3]").Is("[2,3]");
        ShapeDsl.Infer(MathOps.Select, "[?];[?,3];[2,3]").Is("[2,3]");
        ShapeDsl.Infer(MathOps.Select, "[4];[2,3];[2,3]").Fails("Dimension 0 in both shapes must be equal, but are 4 and 2");
        ShapeDsl.Infer(MathOps.Select, "[2,?];[?,3];?").Is("[2,3]");
        ShapeDsl.Infer(MathOps.Select, "[2];[3];[3]").Fails("Dimension 0 in both shapes must be equal, but are 2 and 3");
        ShapeDsl.Infer(MathOps.SelectV2, "[3];[2,1];[]").Is("[2,3]");
        ShapeDsl.Infer(MathOps.SelectV2, "[2];[3];[]").Fails("Dimensions must be equal, but are 2 and 3");
    }
}
