using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Math;

[TestClass]
public sealed class ReductionsTests
{
    /// <summary>Reference sum/mean over axes by walking every input element.</summary>
    private static (double[] Values, long[] Dims) Reference(double[] x, long[] dims, int[] axes, bool keepDims, bool mean)
    {
        int rank = dims.Length;
        var red = new bool[rank];
        foreach (var a in axes) red[a < 0 ? a + rank : a] = true;
        var outDims = Enumerable.Range(0, rank).Where(i => !red[i] || keepDims).Select(i => red[i] ? 1L : dims[i]).ToArray();
        long outN = outDims.Aggregate(1L, (p, d) => p * d);
        var sums = new double[outN];
        long count = Enumerable.Range(0, rank).Where(i => red[i]).Aggregate(1L, (p, i) => p * dims[i]);
        for (long f = 0; f < x.Length; f++)
        {
            long rest = f, o = 0, stride = 1;
            for (int d = rank - 1; d >= 0; d--)
            {
                long c = rest % dims[d];
                rest /= dims[d];
                if (!red[d]) { o += c * stride; stride *= dims[d]; }
            }
            sums[o] += x[f];
        }
        return (mean ? sums.Select(s => s / count).ToArray() : sums, outDims);
    }

    public static IEnumerable<object[]> Cases =>
    [
        [new long[] { 2, 3, 4 }, new[] { 1 }, false],
        [new long[] { 2, 3, 4 }, new[] { -1 }, true],
        [new long[] { 2, 3, 4 }, new[] { 0, 2 }, false],
        [new long[] { 2, 3, 4 }, new[] { -3, 1 }, true],
        [new long[] { 2, 3, 4 }, new[] { 0, 1, 2 }, false],
        [new long[] { 5, 1, 67 }, new[] { 0 }, false],
        [new long[] { 67 }, new[] { 0 }, false],
        [new long[] { 3, 1, 4, 1, 5 }, new[] { 1, 2, 4 }, true],
        [new long[] { 0, 3 }, new[] { 0 }, false],
        [new long[] { 300, 301 }, new[] { 1 }, false],
        [new long[] { 300, 301 }, new[] { 0 }, false],
        [new long[] { 64, 40, 30 }, new[] { 1 }, true],
        [new long[] { 64, 40, 30 }, new[] { -1 }, false],
    ];

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Sum_and_mean_match_reference(long[] dims, int[] axes, bool keepDims)
    {
        var xd = Tn.RandomD(dims.Length + axes.Length, dims);
        var xv = xd.ToArray<double>();
        var xf = HostTensor.FromArray(xv.Select(v => (float)v).ToArray(), dims);
        foreach (var mean in new[] { false, true })
        {
            var op = mean ? MathOps.Mean : MathOps.Sum;
            var (want, wantDims) = Reference(xv, dims, axes, keepDims, mean);
            var gotD = KernelRunner.Run1(op, [xd, Tn.I(axes, axes.Length)], ("keep_dims", keepDims));
            var gotF = KernelRunner.Run1(op, [xf, HostTensor.FromArray(axes.Select(a => (long)a).ToArray(), axes.Length)],
                ("keep_dims", keepDims), ("Tidx", DType.Int64));
            CollectionAssert.AreEqual(wantDims, gotD.Dims.ToArray(), $"{op.Name} dims");
            CollectionAssert.AreEqual(wantDims, gotF.Dims.ToArray(), $"{op.Name} dims (float)");
            var d = gotD.ToArray<double>();
            var f = gotF.ToArray<float>();
            for (int i = 0; i < want.Length; i++)
            {
                if (double.IsNaN(want[i])) { Assert.IsTrue(double.IsNaN(d[i])); continue; }
                Assert.AreEqual(want[i], d[i], 1e-11, $"{op.Name} double [{i}]");
                Assert.AreEqual(want[i], f[i], 1e-4 * System.Math.Max(1, System.Math.Abs(want[i])), $"{op.Name} float [{i}]");
            }
        }
    }

    [TestMethod]
    public void Scalar_axis_and_integer_types()
    {
        var x = Tn.I([1, 2, 3, 4, 5, 6], 2, 3);
        CollectionAssert.AreEqual(new[] { 6, 15 }, KernelRunner.Run1(MathOps.Sum, [x, HostTensor.Scalar(1)]).ToArray<int>());
        CollectionAssert.AreEqual(new[] { 2, 5 }, KernelRunner.Run1(MathOps.Mean, [x, HostTensor.Scalar(-1)]).ToArray<int>());  // integer mean truncates
        var s = KernelRunner.Run1(MathOps.Sum, [Tn.L([1, 2, 3, 4], 2, 2), Tn.Vec(0, 1)]);
        Assert.AreEqual(0, s.Rank);
        Assert.AreEqual(10L, s.ScalarValue<long>());
    }

    [TestMethod]
    public void Empty_axes_is_identity()
    {
        var x = Tn.F([1, 2, 3, 4, 5, 6], 2, 3);
        var y = KernelRunner.Run1(MathOps.Sum, [x, HostTensor.FromArray(System.Array.Empty<int>(), 0)], ("keep_dims", true));
        Assert.AreSame(x, y);
        var m = KernelRunner.Run1(MathOps.Mean, [x, HostTensor.FromArray(System.Array.Empty<int>(), 0)]);
        CollectionAssert.AreEqual(x.ToArray<float>(), m.ToArray<float>());
    }

    [TestMethod]
    public void Mean_of_empty_reduction_is_nan_for_floats()
    {
        var y = KernelRunner.Run1(MathOps.Mean, [Tn.F([], 0, 2), HostTensor.Scalar(0)]);
        CollectionAssert.AreEqual(new long[] { 2 }, y.Dims.ToArray());
        Assert.IsTrue(y.ToArray<float>().All(float.IsNaN));
        var s = KernelRunner.Run1(MathOps.Sum, [Tn.F([], 0, 2), HostTensor.Scalar(0)]);
        CollectionAssert.AreEqual(new[] { 0f, 0f }, s.ToArray<float>());
    }

    [TestMethod]
    public void Out_of_range_axis_is_rejected()
    {
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(MathOps.Sum, [Tn.F([1, 2], 2), HostTensor.Scalar(1)]));
        StringAssert.Contains(e.Message, "Invalid reduction dimension (1 for input with 1 dimension(s)");
    }

    [TestMethod]
    public void Shape_function()
    {
        ShapeDsl.Infer(MathOps.Sum, "[2,3,4];[1]").Const(1, Tn.Vec(-1)).Is("[2,3]");
        ShapeDsl.Infer(MathOps.Sum, "[2,?,4];[2]", ("keep_dims", true)).Const(1, Tn.Vec(0, 2)).Is("[1,?,1]");
        ShapeDsl.Infer(MathOps.Mean, "[2,3];[0]").Const(1, HostTensor.FromArray(System.Array.Empty<int>(), 0)).Is("[2,3]");
        ShapeDsl.Infer(MathOps.Mean, "[2,3];[1]", ("keep_dims", true)).Is("[?,?]");
        ShapeDsl.Infer(MathOps.Mean, "[2,3];[1]").Is("?");
        ShapeDsl.Infer(MathOps.Sum, "[2,3];[]").Const(1, HostTensor.Scalar(2)).Fails("Invalid reduction dimension 2 for input with 2 dimensions");
    }
}
