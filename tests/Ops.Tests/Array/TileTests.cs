using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Array;

[TestClass]
public sealed class TileTests
{
    /// <summary>out[i] = in[i mod in_dims], per dimension.</summary>
    private static int[] Reference(int[] x, long[] dims, long[] m)
    {
        var outDims = dims.Zip(m, (d, k) => d * k).ToArray();
        long n = outDims.Aggregate(1L, (a, b) => a * b);
        var y = new int[n];
        for (long f = 0; f < n; f++)
        {
            long rest = f, src = 0, stride = 1;
            for (int d = dims.Length - 1; d >= 0; d--)
            {
                long c = rest % outDims[d];
                rest /= outDims[d];
                src += c % dims[d] * stride;
                stride *= dims[d];
            }
            y[f] = x[src];
        }
        return y;
    }

    [TestMethod]
    public void Tile_matches_reference()
    {
        foreach (var (dims, m) in new[] { (new long[] { 2, 3 }, new long[] { 2, 1 }), (new long[] { 2, 3 }, new long[] { 1, 3 }), (new long[] { 3, 1, 5 }, new long[] { 2, 4, 3 }), (new long[] { 67 }, new long[] { 3 }), (new long[] { 2, 2 }, new long[] { 0, 2 }) })
        {
            var xv = Enumerable.Range(0, (int)dims.Aggregate(1L, (a, b) => a * b)).ToArray();
            var y = KernelRunner.Run1(ArrayOps.Tile, [HostTensor.FromArray(xv, dims), Tn.L(m, m.Length)], ("Tmultiples", DType.Int64));
            CollectionAssert.AreEqual(dims.Zip(m, (d, k) => d * k).ToArray(), y.Dims.ToArray());
            CollectionAssert.AreEqual(Reference(xv, dims, m), y.ToArray<int>(), $"[{string.Join(",", dims)}] x [{string.Join(",", m)}]");
        }
    }

    [TestMethod]
    public void Other_dtypes_and_identity()
    {
        var d = KernelRunner.Run1(ArrayOps.Tile, [Tn.D([1.5, -2]), Tn.Vec(3)]);
        CollectionAssert.AreEqual(new[] { 1.5, -2, 1.5, -2, 1.5, -2 }, d.ToArray<double>());
        var b = KernelRunner.Run1(ArrayOps.Tile, [HostTensor.FromArray(new[] { true, false }, 2, 1), Tn.Vec(1, 2)]);
        CollectionAssert.AreEqual(new[] { true, true, false, false }, b.ToArray<bool>());
        var s = KernelRunner.Run1(ArrayOps.Tile, [Tn.Scalar(4L), Tn.I([], 0)]);
        Assert.AreEqual(4L, s.ScalarValue<long>());
        var f = Tn.F([1, 2, 3]);
        Assert.AreSame(f, KernelRunner.Run1(ArrayOps.Tile, [f, Tn.Vec(1)]));
    }

    [TestMethod]
    public void Errors()
    {
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.Tile, [Tn.F([1, 2, 3, 4], 2, 2), Tn.Vec(2)]));
        StringAssert.Contains(e.Message, "Expected multiples argument to be a vector of length 2 but got length 1");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.Tile, [Tn.F([1, 2]), Tn.Vec(-1)]));
        StringAssert.Contains(e.Message, "Expected multiples[0] >= 0, but got -1");
    }

    [TestMethod]
    public void Shapes()
    {
        ShapeDsl.Infer(ArrayOps.Tile, "[2,?,3];[3]").Const(1, Tn.Vec(2, 3, 1)).Is("[4,?,3]");
        ShapeDsl.Infer(ArrayOps.Tile, "[2,1,3];[3]").Is("[?,?,?]");
        ShapeDsl.Infer(ArrayOps.Tile, "[2,1,3];[3]").AsShape(1, "[1,5,?]").Is("[2,5,?]");
        ShapeDsl.Infer(ArrayOps.Tile, "?;[2]").Is("[?,?]");
        ShapeDsl.Infer(ArrayOps.Tile, "?;[?]").Is("?");
        ShapeDsl.Infer(ArrayOps.Tile, "[2,3];[3]").Fails("Shape must be rank 3 but is rank 2");
        ShapeDsl.Infer(ArrayOps.Tile, "[2,3];[2,2]").Fails("Shape must be rank 1 but is rank 2");
    }
}
