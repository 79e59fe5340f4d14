using GraphEngine.Ops.Compute;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Compute;

[TestClass]
public sealed class StridedWindowTests
{
    /// <summary>The definition, element by element.</summary>
    private static void Reference(int[] src, long so, long[] ss, int[] dst, long dOff, long[] ds, long[] dims, bool add)
    {
        long total = dims.Aggregate(1L, (a, b) => a * b);
        for (long f = 0; f < total; f++)
        {
            long rest = f, s = so, d = dOff;
            for (int k = dims.Length - 1; k >= 0; k--)
            {
                long i = rest % dims[k];
                rest /= dims[k];
                s += i * ss[k];
                d += i * ds[k];
            }
            dst[d] = add ? dst[d] + src[s] : src[s];
        }
    }

    [TestMethod]
    public void Copy_and_add_match_the_definition_on_random_windows()
    {
        var rnd = new System.Random(7);
        for (int trial = 0; trial < 300; trial++)
        {
            int rank = rnd.Next(0, 5);
            var dims = Enumerable.Range(0, rank).Select(_ => (long)rnd.Next(0, 5)).ToArray();
            // A source of [2·dims] read with random (possibly negative or zero) steps from a middle point.
            var big = dims.Select(d => 2 * d + 1).ToArray();
            var rm = Strided.RowMajorStrides(big);
            var ss = new long[rank];
            long so = 0;
            for (int k = 0; k < rank; k++)
            {
                long step = rnd.Next(-2, 3);
                ss[k] = step * rm[k];
                so += (step < 0 ? 2 * dims[k] : 0) * rm[k];
            }
            int srcLen = (int)System.Math.Max(1, big.Aggregate(1L, (a, b) => a * b));
            var src = Enumerable.Range(0, srcLen).Select(i => i * 3 + 1).ToArray();
            var ds = Strided.RowMajorStrides(dims);
            int n = (int)dims.Aggregate(1L, (a, b) => a * b);
            foreach (bool add in new[] { false, true })
            {
                var want = Enumerable.Range(0, n).Select(i => -i).ToArray();
                var got = (int[])want.Clone();
                Reference(src, so, ss, want, 0, ds, dims, add);
                if (add) StridedWindow.Add<int>(src, so, ss, got, 0, ds, dims);
                else StridedWindow.Copy<int>(src, so, ss, got, 0, ds, dims);
                CollectionAssert.AreEqual(want, got, $"trial {trial} add={add} dims [{string.Join(",", dims)}] strides [{string.Join(",", ss)}]");
            }
        }
    }

    [TestMethod]
    public void Scatter_into_a_strided_destination_and_every_element_size()
    {
        // Write a [2,2] block into the middle of a [4,4] zero matrix, reversed along both dims.
        var dst = new int[16];
        StridedWindow.Copy<int>([1, 2, 3, 4], 0, [2, 1], dst, 10, [-4, -1], [2, 2]);
        CollectionAssert.AreEqual(new[] { 0, 0, 0, 0, 0, 4, 3, 0, 0, 2, 1, 0, 0, 0, 0, 0 }, dst);
        foreach (var size in new[] { 1, 2, 4, 8, 16 })
        {
            var src = Enumerable.Range(0, 4 * size).Select(i => (byte)i).ToArray();
            var bytes = new byte[4 * size];
            StridedWindow.CopyBytes(size, src, 3, [-1], bytes, 0, [1], [4]);
            for (int e = 0; e < 4; e++)
                CollectionAssert.AreEqual(src.Skip((3 - e) * size).Take(size).ToArray(), bytes.Skip(e * size).Take(size).ToArray(), $"size {size}");
        }
        var f = new double[3];
        StridedWindow.Add<double>([0.5, 1.5], 0, [1], f, 2, [-1], [2]);
        CollectionAssert.AreEqual(new[] { 0.0, 1.5, 0.5 }, f);
    }

    [TestMethod]
    public void Windows_reaching_outside_a_buffer_are_refused()
    {
        Assert.ThrowsExactly<ArgumentException>(() => StridedWindow.Copy<int>(new int[4], 1, [-1], new int[4], 0, [1], [3]));
        Assert.ThrowsExactly<ArgumentException>(() => StridedWindow.Copy<int>(new int[4], 0, [1], new int[4], 2, [1], [3]));
        Assert.ThrowsExactly<ArgumentException>(() => StridedWindow.Copy<int>(new int[4], 0, [1, 1], new int[4], 0, [1], [2]));
        Assert.ThrowsExactly<ArgumentException>(() => StridedWindow.CopyBytes(3, new byte[3], 0, [1], new byte[3], 0, [1], [1]));
        // An empty window touches nothing, wherever it points.
        StridedWindow.Copy<int>(new int[1], 100, [1, 1], new int[1], 100, [1, 1], [0, 5]);
    }
}
