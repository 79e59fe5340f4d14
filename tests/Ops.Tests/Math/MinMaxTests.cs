using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Math;

[TestClass]
public sealed class MinMaxTests
{
    [TestMethod]
    public void Maximum_and_minimum_match_reference_with_broadcasting()
    {
        foreach (var (xd, yd) in new[] { (new long[] { 3, 5 }, new long[] { 5 }), (new long[] { 67 }, new long[] { 67 }), (new long[] { 4, 1 }, new long[] { 1, 3 }), (new long[] { 2, 3 }, new long[0]) })
        {
            var x = Tn.RandomD(1, xd);
            var y = Tn.RandomD(2, yd);
            var mx = KernelRunner.Run1(MathOps.Maximum, [x, y]);
            var mn = KernelRunner.Run1(MathOps.Minimum, [x, y]);
            var (want, dims) = Ref(x, y);
            CollectionAssert.AreEqual(dims, mx.Dims.ToArray());
            CollectionAssert.AreEqual(want.Select(p => System.Math.Max(p.Item1, p.Item2)).ToArray(), mx.ToArray<double>());
            CollectionAssert.AreEqual(want.Select(p => System.Math.Min(p.Item1, p.Item2)).ToArray(), mn.ToArray<double>());
        }
    }

    /// <summary>Broadcast pairs (x, y) for each output element, by explicit index arithmetic.</summary>
    private static ((double, double)[] Pairs, long[] Dims) Ref(HostTensor x, HostTensor y)
    {
        int rank = System.Math.Max(x.Rank, y.Rank);
        long[] Pad(HostTensor t) => [.. Enumerable.Repeat(1L, rank - t.Rank), .. t.Dims.ToArray()];
        var xd = Pad(x);
        var yd = Pad(y);
        var zd = xd.Zip(yd, System.Math.Max).ToArray();
        long n = zd.Aggregate(1L, (a, b) => a * b);
        var xv = x.ToArray<double>();
        var yv = y.ToArray<double>();
        var pairs = new (double, double)[n];
        for (long f = 0; f < n; f++)
        {
            long rest = f, xi = 0, yi = 0, xs = 1, ys = 1;
            for (int d = rank - 1; d >= 0; d--)
            {
                long c = rest % zd[d];
                rest /= zd[d];
                xi += (xd[d] == 1 ? 0 : c) * xs;
                yi += (yd[d] == 1 ? 0 : c) * ys;
                xs *= xd[d];
                ys *= yd[d];
            }
            pairs[f] = (xv[xi], yv[yi]);
        }
        return (pairs, zd);
    }

    [TestMethod]
    public void Integer_types_and_nan_propagation()
    {
        CollectionAssert.AreEqual(new[] { 3, 5, -1 }, KernelRunner.Run1(MathOps.Maximum, [Tn.I([1, 5, -7]), Tn.I([3, 2, -1])]).ToArray<int>());
        CollectionAssert.AreEqual(new long[] { long.MinValue, 2 }, KernelRunner.Run1(MathOps.Minimum, [Tn.L([long.MinValue, 5]), Tn.L([0, 2])]).ToArray<long>());
        var f = KernelRunner.Run1(MathOps.Maximum, [Tn.F([float.NaN, 1, 2]), Tn.F([0, float.NaN, 1])]).ToArray<float>();
        Assert.IsTrue(float.IsNaN(f[0]) && float.IsNaN(f[1]));
        Assert.AreEqual(2f, f[2]);
    }

    [TestMethod]
    public void Shapes_and_errors()
    {
        ShapeDsl.Infer(MathOps.Maximum, "[?,3];[2,1]").Is("[2,3]");
        ShapeDsl.Infer(MathOps.Minimum, "[2];[3]").Fails("Dimensions must be equal, but are 2 and 3");
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(MathOps.Maximum, [Tn.F([1, 2]), Tn.F([1, 2, 3])]));
        StringAssert.Contains(e.Message, "Incompatible shapes: [2] vs. [3]");
    }
}
