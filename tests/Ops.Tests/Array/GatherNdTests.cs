using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Array;

[TestClass]
public sealed class GatherNdTests
{
    private static HostTensor GatherNd(HostTensor p, HostTensor idx, string policy = "") =>
        KernelRunner.Run1(ArrayOps.GatherNd, [p, idx], ("Tparams", p.DType), ("Tindices", idx.DType), ("bad_indices_policy", policy));

    [TestMethod]
    public void Gathers_elements_rows_and_whole_tensors()
    {
        var p = Tn.F([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 2, 3, 2);
        // Full index tuples pick elements: p[1,2,0] = 10, p[0,1,1] = 3.
        var e = GatherNd(p, Tn.I([1, 2, 0, 0, 1, 1], 2, 3));
        CollectionAssert.AreEqual(new long[] { 2 }, e.Dims.ToArray());
        CollectionAssert.AreEqual(new float[] { 10, 3 }, e.ToArray<float>());
        // Pairs pick rows of 2: indices [2,1,2] → output [2,1,2].
        var r = GatherNd(p, Tn.L([0, 2, 1, 0], 2, 1, 2));
        CollectionAssert.AreEqual(new long[] { 2, 1, 2 }, r.Dims.ToArray());
        CollectionAssert.AreEqual(new float[] { 4, 5, 6, 7 }, r.ToArray<float>());
        // Single indices pick [3,2] blocks.
        var b = GatherNd(p, Tn.Vec(1));
        CollectionAssert.AreEqual(new long[] { 3, 2 }, b.Dims.ToArray());
        CollectionAssert.AreEqual(new float[] { 6, 7, 8, 9, 10, 11 }, b.ToArray<float>());
        // An empty index tuple repeats all of params.
        var all = GatherNd(Tn.D([1, 2]), Tn.I([], 2, 0));
        CollectionAssert.AreEqual(new long[] { 2, 2 }, all.Dims.ToArray());
        CollectionAssert.AreEqual(new double[] { 1, 2, 1, 2 }, all.ToArray<double>());
        var ints = GatherNd(Tn.L([5, 6, 7]), HostTensor.FromArray(new short[] { 2, 0 }, 2, 1));
        CollectionAssert.AreEqual(new long[] { 7, 5 }, ints.ToArray<long>());
        var strings = GatherNd(HostTensor.FromStrings([[97], [98]], [2]), Tn.I([1], 1, 1));
        CollectionAssert.AreEqual(new byte[] { 98 }, strings.Strings![0]);
    }

    [TestMethod]
    public void Bad_indices_are_rejected_naming_the_row_or_zeroed_under_ignore()
    {
        var p = Tn.I([1, 2, 3, 4], 2, 2);
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => GatherNd(p, Tn.Vec(0, 1, 2, 0).Reshaped([2, 2])));
        StringAssert.Contains(e.Message, "indices[1] = [2, 0] does not index into param shape [2,2]");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => GatherNd(p, Tn.I([0, 0, 1, 1, 0, -1], 1, 3, 2)));
        StringAssert.Contains(e.Message, "indices[0,2] = [0, -1] does not index into param shape [2,2]");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => GatherNd(p, Tn.I([0, 0, 0], 1, 3)));
        StringAssert.Contains(e.Message, "index innermost dimension length must be <= params rank; saw: 3 vs. 2");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => GatherNd(p, Tn.Vec(0), "SKIP"));
        StringAssert.Contains(e.Message, "bad_indices_policy");
        var ignored = GatherNd(p, Tn.I([1, 0, 5], 3, 1), "IGNORE");
        CollectionAssert.AreEqual(new[] { 3, 4, 1, 2, 0, 0 }, ignored.ToArray<int>());
    }

    [TestMethod]
    public void Shapes()
    {
        (string, AttrValue)[] a = [("Tindices", DType.Int32)];
        ShapeDsl.Infer(ArrayOps.GatherNd, "[4,5,6];[2,3,2]", a).Is("[2,3,6]");
        ShapeDsl.Infer(ArrayOps.GatherNd, "[4,?,6];[?,1]", a).Is("[?,?,6]");
        ShapeDsl.Infer(ArrayOps.GatherNd, "[4,5];[3,2]", a).Is("[3]");
        ShapeDsl.Infer(ArrayOps.GatherNd, "[4,5];[3,?]", a).Is("?");
        ShapeDsl.Infer(ArrayOps.GatherNd, "?;[3,1]", a).Is("?");
        ShapeDsl.Infer(ArrayOps.GatherNd, "[4,5];[3,3]", a).Fails("indices.shape[-1] must be <= params.rank, but saw indices shape: [3,3] and params shape: [4,5]");
        ShapeDsl.Infer(ArrayOps.GatherNd, "[];[1]", a).Fails("Shape must be at least rank 1 but is rank 0");
        ShapeDsl.Infer(ArrayOps.GatherNd, "[3];[]", a).Fails("Shape must be at least rank 1 but is rank 0");
    }
}
