using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Math;

[TestClass]
public sealed class Reductions2Tests
{
    /// <summary>Reference reduction over axes by walking every input element.</summary>
    private static (double[] Values, long[] Dims) Reference(double[] x, long[] dims, int[] axes, bool keepDims, double init, Func<double, double, double> f)
    {
        int rank = dims.Length;
        var red = new bool[rank];
        foreach (var a in axes) red[a < 0 ? a + rank : a] = true;
        var outDims = Enumerable.Range(0, rank).Where(i => !red[i] || keepDims).Select(i => red[i] ? 1L : dims[i]).ToArray();
        long outN = outDims.Aggregate(1L, (p, d) => p * d);
        var acc = Enumerable.Repeat(init, (int)outN).ToArray();
        for (long i = 0; i < x.Length; i++)
        {
            long rest = i, o = 0, stride = 1;
            for (int d = rank - 1; d >= 0; d--)
            {
                long c = rest % dims[d];
                rest /= dims[d];
                if (!red[d]) { o += c * stride; stride *= dims[d]; }
            }
            acc[o] = f(acc[o], x[i]);
        }
        return (acc, outDims);
    }

    public static IEnumerable<object[]> Cases =>
    [
        [new long[] { 2, 3, 4 }, new[] { 1 }, false],
        [new long[] { 2, 3, 4 }, new[] { -1 }, true],
        [new long[] { 2, 3, 4 }, new[] { 0, 2 }, false],
        [new long[] { 2, 3, 4 }, new[] { 0, 1, 2 }, true],
        [new long[] { 5, 1, 67 }, new[] { 0 }, false],
        [new long[] { 3, 1, 4, 1, 5 }, new[] { 1, 2, 4 }, true],
        [new long[] { 0, 3 }, new[] { 0 }, false],
        [new long[] { 37, 41 }, new[] { 1 }, false],
    ];

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Prod_max_min_match_reference(long[] dims, int[] axes, bool keepDims)
    {
        var xd = Tn.RandomD(dims.Length * 7 + axes.Length, dims, 0.5, 1.5);
        var xv = xd.ToArray<double>();
        var ops = new (OpDef Op, double Init, Func<double, double, double> F)[]
        {
            (MathOps.Prod, 1, (a, b) => a * b), (MathOps.Max, double.NegativeInfinity, System.Math.Max), (MathOps.Min, double.PositiveInfinity, System.Math.Min),
        };
        foreach (var (op, init, f) in ops)
        {
            var (want, wantDims) = Reference(xv, dims, axes, keepDims, init, f);
            var got = KernelRunner.Run1(op, [xd, Tn.I(axes, axes.Length)], ("keep_dims", keepDims));
            CollectionAssert.AreEqual(wantDims, got.Dims.ToArray(), op.Name);
            var g = got.ToArray<double>();
            for (int i = 0; i < want.Length; i++) Assert.AreEqual(want[i], g[i], 1e-12 * System.Math.Abs(want[i]), $"{op.Name} [{i}]");
            // Integer inputs, int64 axes.
            var xi = HostTensor.FromArray(xv.Select(v => (long)(v * 3) - 2).ToArray(), dims);
            var (wantI, _) = Reference(xi.ToArray<long>().Select(v => (double)v).ToArray(), dims, axes, keepDims, init, f);
            var gotI = KernelRunner.Run1(op, [xi, HostTensor.FromArray(axes.Select(a => (long)a).ToArray(), axes.Length)], ("keep_dims", keepDims), ("Tidx", DType.Int64));
            var expectI = wantI.Select(v => double.IsInfinity(v) ? (v > 0 ? long.MaxValue : long.MinValue) : (long)v).ToArray();
            CollectionAssert.AreEqual(expectI, gotI.ToArray<long>(), $"{op.Name} int64");
        }
    }

    [TestMethod]
    public void Float_int32_nan_and_forwarding()
    {
        var x = Tn.F([1, float.NaN, 3, 4, 5, 6], 2, 3);
        var mx = KernelRunner.Run1(MathOps.Max, [x, Tn.Scalar(1)]).ToArray<float>();
        Assert.IsTrue(float.IsNaN(mx[0]));
        Assert.AreEqual(6f, mx[1]);
        var p = KernelRunner.Run1(MathOps.Prod, [Tn.I([1, 2, 3, 4, 5, 6], 2, 3), Tn.Scalar(0)]);
        CollectionAssert.AreEqual(new[] { 4, 10, 18 }, p.ToArray<int>());
        // No axes: the input comes back unchanged.
        var same = Tn.I([3, 1, 2]);
        Assert.AreSame(same, KernelRunner.Run1(MathOps.Min, [same, Tn.I([], 0)]));
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(MathOps.Max, [x, Tn.Scalar(2)]));
        StringAssert.Contains(e.Message, "Invalid reduction dimension (2 for input with 2 dimension(s)");
    }

    [TestMethod]
    public void All_and_any()
    {
        var x = HostTensor.FromArray(new[] { true, true, false, true, true, true }, 2, 3);
        CollectionAssert.AreEqual(new[] { false, true }, KernelRunner.Run1(MathOps.All, [x, Tn.Scalar(1)]).ToArray<bool>());
        CollectionAssert.AreEqual(new[] { true, true, false }, KernelRunner.Run1(MathOps.All, [x, Tn.Scalar(0)]).ToArray<bool>());
        CollectionAssert.AreEqual(new[] { true, true, true }, KernelRunner.Run1(MathOps.Any, [x, Tn.Scalar(-2)]).ToArray<bool>());
        var none = HostTensor.FromArray(new[] { false, false, false, false }, 2, 2);
        var any = KernelRunner.Run1(MathOps.Any, [none, Tn.I([0, 1], 2)], ("keep_dims", true));
        CollectionAssert.AreEqual(new long[] { 1, 1 }, any.Dims.ToArray());
        Assert.IsFalse(any.ToArray<bool>()[0]);
        // Empty reductions give the identities.
        var empty = HostTensor.FromArray(System.Array.Empty<bool>(), 0, 2);
        CollectionAssert.AreEqual(new[] { true, true }, KernelRunner.Run1(MathOps.All, [empty, Tn.Scalar(0)]).ToArray<bool>());
        CollectionAssert.AreEqual(new[] { false, false }, KernelRunner.Run1(MathOps.Any, [empty, Tn.Scalar(0)]).ToArray<bool>());
    }

    [TestMethod]
    public void ArgMax_and_argmin_first_extreme_index()
    {
        var x = Tn.F([1, 5, 5, -2, 0, 3, 7, 7, -9, 0, 3, 2], 3, 4);
        var a1 = KernelRunner.Run1(MathOps.ArgMax, [x, Tn.Scalar(1)]);
        Assert.AreEqual(DType.Int64, a1.DType);
        CollectionAssert.AreEqual(new long[] { 1, 2, 2 }, a1.ToArray<long>());
        CollectionAssert.AreEqual(new long[] { 0, 0, 1, 1 }, KernelRunner.Run1(MathOps.ArgMax, [x, Tn.Scalar(0)]).ToArray<long>());
        var m = KernelRunner.Run1(MathOps.ArgMin, [x, Tn.Scalar(-1)], ("output_type", DType.Int32));
        Assert.AreEqual(DType.Int32, m.DType);
        CollectionAssert.AreEqual(new[] { 3, 0, 0 }, m.ToArray<int>());
        var big = Tn.RandomD(9, [5, 67, 3]);
        var bv = big.ToArray<double>();
        var got = KernelRunner.Run1(MathOps.ArgMin, [big, Tn.Scalar(1L)], ("Tidx", DType.Int64)).ToArray<long>();
        for (int a = 0; a < 5; a++)
            for (int c = 0; c < 3; c++)
            {
                int best = 0;
                for (int k = 1; k < 67; k++) if (bv[(a * 67 + k) * 3 + c] < bv[(a * 67 + best) * 3 + c]) best = k;
                Assert.AreEqual(best, got[a * 3 + c]);
            }
        CollectionAssert.AreEqual(new long[] { 2 }, KernelRunner.Run1(MathOps.ArgMax, [Tn.I([1, 2, 9, 9]), Tn.Scalar(0)]).ToArray<long>()[..1]);
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(MathOps.ArgMax, [x, Tn.Scalar(2)]));
        StringAssert.Contains(e.Message, "Expected dimension in the range [-2, 2), but got 2");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(MathOps.ArgMax, [Tn.F([], 0, 2), Tn.Scalar(0)]));
        StringAssert.Contains(e.Message, "Reduction axis 0 is empty in shape [0,2]");
    }

    [TestMethod]
    public void Shapes()
    {
        ShapeDsl.Infer(MathOps.Max, "[2,?,4];[1]").Const(1, Tn.I([1], 1)).Is("[2,4]");
        ShapeDsl.Infer(MathOps.Prod, "[2,?,4];[1]", ("keep_dims", true)).Const(1, Tn.I([-1], 1)).Is("[2,?,1]");
        ShapeDsl.Infer(MathOps.All, "[2,3];[1]", ("keep_dims", true)).Is("[?,?]");
        ShapeDsl.Infer(MathOps.Any, "[2,3];[]").Const(1, Tn.Scalar(3)).Fails("Invalid reduction dimension 3 for input with 2 dimensions");
        ShapeDsl.Infer(MathOps.ArgMax, "[2,?,4];[]").Const(1, Tn.Scalar(-2)).Is("[2,4]");
        ShapeDsl.Infer(MathOps.ArgMin, "[2,?,4];[]").Is("[?,?]");
        ShapeDsl.Infer(MathOps.ArgMin, "[5];[]").Is("[]");
        ShapeDsl.Infer(MathOps.ArgMax, "?;[]").Is("?");
        ShapeDsl.Infer(MathOps.ArgMax, "[2,3];[]").Const(1, Tn.Scalar(2)).Fails("Dimension (2) must be in the range [-2, 2), where 2 is the number of dimensions in the input.");
    }
}
