using GraphEngine.Ops.Compute;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Compute;

[TestClass]
public sealed class StridedTests
{
    [TestMethod]
    public void Copy_with_permuted_zero_and_merged_strides()
    {
        var src = Enumerable.Range(0, 6).ToArray();   // a [2,3] matrix
        var t = new int[6];
        Strided.Copy<int>(src, [3, 2], [1, 3], t);   // its transpose
        CollectionAssert.AreEqual(new[] { 0, 3, 1, 4, 2, 5 }, t);
        var b = new int[12];
        Strided.Copy<int>(src, [2, 2, 3], [3, 0, 1], b);   // each row repeated twice
        CollectionAssert.AreEqual(new[] { 0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5 }, b);
        var f = new int[4];
        Strided.Copy<int>(src, [4], [0], f);
        CollectionAssert.AreEqual(new[] { 0, 0, 0, 0 }, f);
        Assert.ThrowsExactly<ArgumentException>(() => Strided.Copy<int>(src, [4], [2], new int[4]));
    }

    [TestMethod]
    public void CopyBytes_handles_every_element_size()
    {
        foreach (var size in new[] { 1, 2, 4, 8, 16 })
        {
            var src = Enumerable.Range(0, 6 * size).Select(i => (byte)i).ToArray();
            var dst = new byte[6 * size];
            Strided.CopyBytes(src, size, [3, 2], [1, 3], dst);
            int[] order = [0, 3, 1, 4, 2, 5];
            for (int e = 0; e < 6; e++)
                CollectionAssert.AreEqual(src.Skip(order[e] * size).Take(size).ToArray(), dst.Skip(e * size).Take(size).ToArray(), $"size {size}");
        }
        Assert.ThrowsExactly<ArgumentException>(() => Strided.CopyBytes(new byte[3], 3, [1], [1], new byte[3]));
    }
}
