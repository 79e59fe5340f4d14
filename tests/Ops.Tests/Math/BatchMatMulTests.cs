using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Math;

[TestClass]
public sealed class BatchMatMulTests
{
    private static HostTensor Bmm(HostTensor x, HostTensor y, bool adjX = false, bool adjY = false, bool v2 = true) =>
        KernelRunner.Run1(v2 ? MathOps.BatchMatMulV2 : MathOps.BatchMatMul, [x, y], ("adj_x", adjX), ("adj_y", adjY));

    /// <summary>Triple loop in double over NumPy-broadcast batch dims.</summary>
    private static double[] Reference(double[] x, long[] xd, double[] y, long[] yd, bool adjX, bool adjY, out long[] outDims)
    {
        var xb = xd[..^2];
        var yb = yd[..^2];
        int rank = System.Math.Max(xb.Length, yb.Length);
        var batch = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            long a = i - (rank - xb.Length) >= 0 ? xb[i - (rank - xb.Length)] : 1, b = i - (rank - yb.Length) >= 0 ? yb[i - (rank - yb.Length)] : 1;
            batch[i] = a == 1 ? b : a;
        }
        long m = adjX ? xd[^1] : xd[^2], k = adjX ? xd[^2] : xd[^1], n = adjY ? yd[^2] : yd[^1];
        outDims = [.. batch, m, n];
        long count = batch.Aggregate(1L, (p, d) => p * d);
        var z = new double[count * m * n];
        for (long bi = 0; bi < count; bi++)
        {
            long rest = bi, xo = 0, yo = 0, xs = 1, ys = 1;
            for (int d = rank - 1; d >= 0; d--)
            {
                long c = rest % batch[d];
                rest /= batch[d];
                int dx = d - (rank - xb.Length), dy = d - (rank - yb.Length);
                if (dx >= 0) { xo += (xb[dx] == 1 ? 0 : c) * xs; xs *= xb[dx]; }
                if (dy >= 0) { yo += (yb[dy] == 1 ? 0 : c) * ys; ys *= yb[dy]; }
            }
            for (long i = 0; i < m; i++)
                for (long j = 0; j < n; j++)
                {
                    double s = 0;
                    for (long p = 0; p < k; p++)
                        s += x[xo * m * k + (adjX ? p * m + i : i * k + p)] * y[yo * k * n + (adjY ? j * k + p : p * n + j)];
                    z[(bi * m + i) * n + j] = s;
                }
        }
        return z;
    }

    [TestMethod]
    public void Hand_computed_batch_of_two()
    {
        var x = Tn.F([1, 2, 3, 4, 1, 0, 0, 1], 2, 2, 2);
        var y = Tn.F([1, 1, 0, 1, 5, 6, 7, 8], 2, 2, 2);
        var z = Bmm(x, y);
        CollectionAssert.AreEqual(new long[] { 2, 2, 2 }, z.Dims.ToArray());
        CollectionAssert.AreEqual(new float[] { 1, 3, 3, 7, 5, 6, 7, 8 }, z.ToArray<float>());
        var zi = Bmm(Tn.I([1, 2, 3, 4], 1, 2, 2), Tn.I([1, 0, 0, 1], 2, 2), adjX: true);
        CollectionAssert.AreEqual(new[] { 1, 3, 2, 4 }, zi.ToArray<int>());
    }

    [TestMethod]
    public void Broadcast_and_adjoints_match_reference()
    {
        var cases = new (long[] X, long[] Y)[]
        {
            ([2, 3, 4], [2, 4, 5]), ([3, 4], [2, 4, 5]), ([2, 1, 3, 4], [3, 4, 5]), ([1, 3, 4], [5, 4, 2]), ([2, 7, 67], [1, 67, 3]), ([0, 3, 4], [4, 2]),
        };
        int seed = 0;
        foreach (var (xd, yd) in cases)
            foreach (var adjX in new[] { false, true })
                foreach (var adjY in new[] { false, true })
                {
                    long[] xs = adjX ? [.. xd[..^2], xd[^1], xd[^2]] : xd;
                    long[] ys = adjY ? [.. yd[..^2], yd[^1], yd[^2]] : yd;
                    var x = Tn.RandomD(++seed, xs);
                    var y = Tn.RandomD(++seed, ys);
                    var want = Reference(x.ToArray<double>(), xs, y.ToArray<double>(), ys, adjX, adjY, out var dims);
                    var got = Bmm(x, y, adjX, adjY);
                    CollectionAssert.AreEqual(dims, got.Dims.ToArray());
                    var g = got.ToArray<double>();
                    for (int i = 0; i < want.Length; i++) Assert.AreEqual(want[i], g[i], 1e-12, $"{string.Join(",", xs)} x {string.Join(",", ys)} adj {adjX},{adjY} at {i}");
                    var f = Bmm(Tn.F(x.ToArray<double>().Select(v => (float)v).ToArray(), xs), Tn.F(y.ToArray<double>().Select(v => (float)v).ToArray(), ys), adjX, adjY).ToArray<float>();
                    for (int i = 0; i < want.Length; i++) Assert.AreEqual(want[i], f[i], 1e-4);
                }
    }

    [TestMethod]
    public void Many_small_products_split_across_cores_match_reference()
    {
        long[] xd = [600, 8, 16], yd = [600, 16, 12];
        var x = Tn.RandomD(41, xd);
        var y = Tn.RandomD(42, yd);
        var want = Reference(x.ToArray<double>(), xd, y.ToArray<double>(), yd, false, false, out _);
        var got = Bmm(x, y).ToArray<double>();
        for (int i = 0; i < want.Length; i++) Assert.AreEqual(want[i], got[i], 1e-12);
    }

    [TestMethod]
    public void One_kernel_instance_follows_changing_batch_shapes_also_from_several_threads()
    {
        // The kernel keeps the batch offsets of the last shapes it saw: switching shapes (and threads racing
        // with different shapes on the shared kernel, as concurrent runs of one plan do) must not mix them up.
        var kernel = KernelRunner.For(MathOps.BatchMatMulV2, ("T", DType.Double), ("adj_x", false), ("adj_y", false));
        var cases = new (long[] X, long[] Y)[] { ([2, 3, 4], [2, 4, 5]), ([3, 1, 3, 4], [2, 4, 5]), ([1, 3, 4], [6, 4, 2]), ([40, 5, 6], [1, 6, 7]), ([64, 32, 32], [1, 32, 32]) };
        // The last case is past the flop threshold where batches are split across cores.
        var inputs = cases.Select((c, i) => (X: Tn.RandomD(100 + i, c.X), Y: Tn.RandomD(200 + i, c.Y), c.X, c.Y)).ToArray();
        var wants = inputs.Select(c => Reference(c.X.ToArray<double>(), c.Item3, c.Y.ToArray<double>(), c.Item4, false, false, out _)).ToArray();
        void Check(int i, string what)
        {
            var got = kernel.Run(inputs[i].X, inputs[i].Y)[0].ToArray<double>();
            Assert.AreEqual(wants[i].Length, got.Length, what);
            for (int j = 0; j < got.Length; j++) Assert.AreEqual(wants[i][j], got[j], 1e-12, $"{what} at {j}");
        }
        for (int round = 0; round < 3; round++)
            for (int i = 0; i < cases.Length; i++) Check(i, $"round {round} case {i}");
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            try
            {
                for (int r = 0; r < 50; r++) Check((t + r) % cases.Length, $"thread {t} run {r}");
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
            }
        })).ToList();
        threads.ForEach(th => th.Start());
        threads.ForEach(th => th.Join());
        Assert.IsTrue(errors.IsEmpty, errors.FirstOrDefault()?.Message);
    }

    [TestMethod]
    public void Legacy_BatchMatMul_needs_equal_batch_dims()
    {
        var z = Bmm(Tn.L([1, 2, 3, 4], 1, 2, 2), Tn.L([1, 2, 3, 4], 1, 2, 2), adjY: true, v2: false);
        CollectionAssert.AreEqual(new long[] { 5, 11, 11, 25 }, z.ToArray<long>());
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => Bmm(Tn.F(new float[8], 2, 2, 2), Tn.F(new float[4], 1, 2, 2), v2: false));
        StringAssert.Contains(e.Message, "must have the same batch dimensions");
    }

    [TestMethod]
    public void Errors()
    {
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => Bmm(Tn.F(new float[12], 2, 2, 3), Tn.F(new float[12], 3, 2, 2)));
        StringAssert.Contains(e.Message, "In[0] and In[1] must have compatible batch dimensions: [2,2,3] vs. [3,2,2]");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => Bmm(Tn.F(new float[12], 2, 2, 3), Tn.F(new float[8], 2, 2, 2)));
        StringAssert.Contains(e.Message, "Matrix size-incompatible: In[0]: [2,2,3], In[1]: [2,2,2]");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => Bmm(Tn.F([1, 2]), Tn.F(new float[4], 2, 2)));
        StringAssert.Contains(e.Message, "In[0] ndims must be >= 2: 1");
    }

    [TestMethod]
    public void Shapes()
    {
        ShapeDsl.Infer(MathOps.BatchMatMulV2, "[2,1,3,4];[5,4,6]").Is("[2,5,3,6]");
        ShapeDsl.Infer(MathOps.BatchMatMulV2, "[?,3,4];[4,6]").Is("[?,3,6]");
        ShapeDsl.Infer(MathOps.BatchMatMulV2, "[2,4,3];[2,6,4]", ("adj_x", true), ("adj_y", true)).Is("[2,3,6]");
        ShapeDsl.Infer(MathOps.BatchMatMulV2, "?;[4,6]").Is("?");
        ShapeDsl.Infer(MathOps.BatchMatMulV2, "[2,3,4];[2,5,6]").Fails("Dimensions must be equal, but are 4 and 5");
        ShapeDsl.Infer(MathOps.BatchMatMulV2, "[2,3,4];[3,4,6]").Fails("Dimensions must be equal, but are 2 and 3");
        ShapeDsl.Infer(MathOps.BatchMatMulV2, "[4];[4,6]").Fails("Shape must be at least rank 2 but is rank 1");
        ShapeDsl.Infer(MathOps.BatchMatMul, "[2,3,4];[?,4,6]").Is("[2,3,6]");
        ShapeDsl.Infer(MathOps.BatchMatMul, "?;[7,4,6]").Is("[7,?,6]");
        ShapeDsl.Infer(MathOps.BatchMatMul, "[3,4];[2,4,6]").Fails("Shape must be rank 2 but is rank 3");
    }
}
