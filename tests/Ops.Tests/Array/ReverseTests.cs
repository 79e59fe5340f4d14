using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Array;

[TestClass]
public sealed class ReverseTests
{
    private static HostTensor Reverse(HostTensor x, params long[] axes) =>
        KernelRunner.Run1(ArrayOps.ReverseV2, [x, Tn.L(axes, axes.Length)], ("Tidx", DType.Int64));

    /// <summary>y[c] = x[c with every reversed coordinate mirrored], computed coordinate by coordinate.</summary>
    private static double[] Reference(double[] x, long[] dims, bool[] reversed)
    {
        var y = new double[x.Length];
        for (int f = 0; f < x.Length; f++)
        {
            long rest = f, src = 0, stride = 1;
            for (int d = dims.Length - 1; d >= 0; d--)
            {
                long c = rest % dims[d];
                rest /= dims[d];
                src += (reversed[d] ? dims[d] - 1 - c : c) * stride;
                stride *= dims[d];
            }
            y[f] = x[src];
        }
        return y;
    }

    [TestMethod]
    public void Reverses_hand_computed_matrices()
    {
        var x = Tn.F([1, 2, 3, 4, 5, 6], 2, 3);
        CollectionAssert.AreEqual(new float[] { 3, 2, 1, 6, 5, 4 }, Reverse(x, 1).ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 4, 5, 6, 1, 2, 3 }, Reverse(x, 0).ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 6, 5, 4, 3, 2, 1 }, Reverse(x, 0, -1).ToArray<float>());
        var i = KernelRunner.Run1(ArrayOps.ReverseV2, [Tn.I([1, 2, 3]), Tn.Vec(0)]);
        CollectionAssert.AreEqual(new[] { 3, 2, 1 }, i.ToArray<int>());
        var l = Reverse(Tn.L([7, 8], 2, 1), 0);
        CollectionAssert.AreEqual(new long[] { 8, 7 }, l.ToArray<long>());
        var s = Reverse(HostTensor.FromStrings([[97], [98], [99]], [3]), 0);
        CollectionAssert.AreEqual(new byte[] { 99 }, s.Strings![0]);
        var none = Tn.D([1, 2]);
        Assert.AreSame(none, Reverse(none));
    }

    [TestMethod]
    public void Every_axis_subset_of_a_rank_4_tensor_matches_reference()
    {
        long[] dims = [2, 3, 1, 5];
        var x = Tn.RandomD(3, dims);
        var xv = x.ToArray<double>();
        for (int mask = 0; mask < 16; mask++)
        {
            var axes = Enumerable.Range(0, 4).Where(a => (mask & (1 << a)) != 0).Select(a => (long)a).ToArray();
            var reversed = Enumerable.Range(0, 4).Select(a => (mask & (1 << a)) != 0).ToArray();
            CollectionAssert.AreEqual(Reference(xv, dims, reversed), Reverse(x, axes).ToArray<double>(), $"mask {mask}");
        }
        var odd = Tn.RandomD(4, [67]);
        CollectionAssert.AreEqual(odd.ToArray<double>().Reverse().ToArray(), Reverse(odd, 0).ToArray<double>());
    }

    [TestMethod]
    public void TF1_Reverse_takes_a_mask_of_axes()
    {
        var x = Tn.I([1, 2, 3, 4, 5, 6], 2, 3);
        var y = KernelRunner.Run1(ArrayOps.Reverse, [x, HostTensor.FromArray(new[] { false, true }, 2)]);
        CollectionAssert.AreEqual(new[] { 3, 2, 1, 6, 5, 4 }, y.ToArray<int>());
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.Reverse, [x, HostTensor.FromArray(new[] { true }, 1)]));
        StringAssert.Contains(e.Message, "'dims' must have the same number of values as 'input' has dimensions. 'input' has 2'dims' has 1 values");
        ShapeDsl.Infer(ArrayOps.Reverse, "?;[3]").Is("[?,?,?]");
        ShapeDsl.Infer(ArrayOps.Reverse, "[2,5];[?]").Is("[2,5]");
        ShapeDsl.Infer(ArrayOps.Reverse, "[2,5];[3]").Fails("Shape must be rank 3 but is rank 2");
    }

    [TestMethod]
    public void Errors()
    {
        var x = Tn.F([1, 2, 3, 4], 2, 2);
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => Reverse(x, 2));
        StringAssert.Contains(e.Message, "'axis'[0] = 2 is out of valid range [0, 1]");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => Reverse(x, 1, -1));
        StringAssert.Contains(e.Message, "axis 1 specified more than once");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.ReverseV2, [x, Tn.Scalar(0)]));
        StringAssert.Contains(e.Message, "'dims' must be 1-dimension, not 0");
    }

    [TestMethod]
    public void Shapes()
    {
        ShapeDsl.Infer(ArrayOps.ReverseV2, "[2,?,3];[1]", ("Tidx", DType.Int32)).Is("[2,?,3]");
        ShapeDsl.Infer(ArrayOps.ReverseV2, "?;[2]", ("Tidx", DType.Int32)).Const(1, Tn.Vec(0, 5)).Is("?");
        ShapeDsl.Infer(ArrayOps.ReverseV2, "[2,3];[1]", ("Tidx", DType.Int32)).Const(1, Tn.Vec(-1)).Is("[2,3]");
        ShapeDsl.Infer(ArrayOps.ReverseV2, "[2,3];[1]", ("Tidx", DType.Int32)).Const(1, Tn.Vec(2)).Fails("'axis'[0] = 2 is out of valid range [0, 1]");
        ShapeDsl.Infer(ArrayOps.ReverseV2, "[2,3];[2]", ("Tidx", DType.Int32)).Const(1, Tn.Vec(0, -2)).Fails("axis 0 specified more than once");
        ShapeDsl.Infer(ArrayOps.ReverseV2, "[2,3];[]", ("Tidx", DType.Int32)).Fails("Shape must be rank 1 but is rank 0");
    }
}
