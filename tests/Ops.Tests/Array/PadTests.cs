using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Array;

[TestClass]
public sealed class PadTests
{
    private static readonly HostTensor T23 = Tn.F([1, 2, 3, 4, 5, 6], 2, 3);
    private static HostTensor Pairs(params int[] v) => Tn.I(v, v.Length / 2, 2);

    private static HostTensor Mirror(HostTensor x, HostTensor p, string mode) =>
        KernelRunner.Run1(ArrayOps.MirrorPad, [x, p], ("mode", mode), ("Tpaddings", p.DType));

    private static HostTensor MirrorGrad(HostTensor g, HostTensor p, string mode) =>
        KernelRunner.Run1(ArrayOps.MirrorPadGrad, [g, p], ("mode", mode), ("Tpaddings", p.DType));

    [TestMethod]
    public void Pad_modes_match_tfs_documented_examples()
    {
        var p = Pairs(1, 1, 2, 2);
        var c = KernelRunner.Run1(ArrayOps.Pad, [T23, p]);
        CollectionAssert.AreEqual(new long[] { 4, 7 }, c.Dims.ToArray());
        CollectionAssert.AreEqual(new float[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 0, 0, 4, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, c.ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1, 6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1 },
            Mirror(T23, p, "REFLECT").ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 2, 1, 1, 2, 3, 3, 2, 2, 1, 1, 2, 3, 3, 2, 5, 4, 4, 5, 6, 6, 5, 5, 4, 4, 5, 6, 6, 5 },
            Mirror(T23, p, "SYMMETRIC").ToArray<float>());
        // MirrorPadGrad's documented example: SYMMETRIC [[0, 1], [0, 1]] folds the last row and column back.
        var g = MirrorGrad(Tn.F([1, 2, 3, 4, 5, 6, 7, 8, 9], 3, 3), Pairs(0, 1, 0, 1), "SYMMETRIC");
        CollectionAssert.AreEqual(new float[] { 1, 5, 11, 28 }, g.ToArray<float>());
    }

    [TestMethod]
    public void PadV2_fills_with_the_constant_for_every_dtype()
    {
        var d = KernelRunner.Run1(ArrayOps.PadV2, [Tn.D([1, 2]), Tn.L([1, 2], 1, 2), Tn.Scalar(-0.5)], ("Tpaddings", DType.Int64));
        CollectionAssert.AreEqual(new[] { -0.5, 1, 2, -0.5, -0.5 }, d.ToArray<double>());
        var i = KernelRunner.Run1(ArrayOps.PadV2, [Tn.Vec(7), Pairs(0, 1), Tn.Scalar(9)]);
        CollectionAssert.AreEqual(new[] { 7, 9 }, i.ToArray<int>());
        var l = KernelRunner.Run1(ArrayOps.PadV2, [Tn.L([7], 1), Pairs(1, 0), Tn.Scalar(long.MinValue)]);
        CollectionAssert.AreEqual(new[] { long.MinValue, 7L }, l.ToArray<long>());
        var b = KernelRunner.Run1(ArrayOps.PadV2, [HostTensor.FromArray(new[] { false }, 1), Pairs(1, 1), Tn.Scalar(true)]);
        CollectionAssert.AreEqual(new[] { true, false, true }, b.ToArray<bool>());
        var s = KernelRunner.Run1(ArrayOps.Pad, [Tn.Scalar(3f), Tn.I([], 0, 2)]);
        Assert.AreEqual(3f, s.ScalarValue<float>());
        var empty = KernelRunner.Run1(ArrayOps.Pad, [Tn.F([], 0, 2), Pairs(1, 0, 0, 1)]);
        CollectionAssert.AreEqual(new long[] { 1, 3 }, empty.Dims.ToArray());
        CollectionAssert.AreEqual(new float[3], empty.ToArray<float>());
    }

    /// <summary>Where output index o of a mirror-padded axis reads from (the definition, per element).</summary>
    private static long MirrorIndex(long o, long before, long n, bool reflect)
    {
        long i = o - before;
        if (i < 0) return reflect ? -i : -i - 1;
        if (i >= n) return reflect ? 2 * n - i - 2 : 2 * n - i - 1;
        return i;
    }

    [TestMethod]
    public void MirrorPad_matches_the_definition_and_its_grad_is_its_adjoint()
    {
        var rnd = new System.Random(5);
        foreach (var reflect in new[] { true, false })
            for (int trial = 0; trial < 40; trial++)
            {
                int rank = rnd.Next(1, 4);
                var dims = Enumerable.Range(0, rank).Select(_ => (long)rnd.Next(1, 5)).ToArray();
                var pads = dims.SelectMany(d => new[] { rnd.Next(0, (int)(reflect ? d : d + 1)), rnd.Next(0, (int)(reflect ? d : d + 1)) }).ToArray();
                var x = Tn.RandomD(trial, dims);
                string mode = reflect ? "REFLECT" : "SYMMETRIC";
                var y = Mirror(x, Pairs(pads), mode);
                var outDims = dims.Select((d, k) => d + pads[2 * k] + pads[2 * k + 1]).ToArray();
                CollectionAssert.AreEqual(outDims, y.Dims.ToArray());
                var xs = x.ToArray<double>();
                var xStrides = GraphEngine.Ops.Compute.Strided.RowMajorStrides(dims);
                long n = outDims.Aggregate(1L, (a, b) => a * b);
                var want = new double[n];
                var srcOf = new long[n];
                for (long f = 0; f < n; f++)
                {
                    long rest = f, src = 0;
                    for (int k = rank - 1; k >= 0; k--)
                    {
                        src += MirrorIndex(rest % outDims[k], pads[2 * k], dims[k], reflect) * xStrides[k];
                        rest /= outDims[k];
                    }
                    want[f] = xs[src];
                    srcOf[f] = src;
                }
                CollectionAssert.AreEqual(want, y.ToArray<double>(), $"{mode} trial {trial}");
                // The gradient sums dy over every output element that read each input element.
                var dy = Tn.RandomD(100 + trial, outDims);
                var dx = MirrorGrad(dy, Pairs(pads), mode);
                CollectionAssert.AreEqual(dims, dx.Dims.ToArray());
                var wantDx = new double[xs.Length];
                var dys = dy.ToArray<double>();
                for (long f = 0; f < n; f++) wantDx[srcOf[f]] += dys[f];
                var got = dx.ToArray<double>();
                for (int k = 0; k < got.Length; k++) Assert.AreEqual(wantDx[k], got[k], 1e-12, $"{mode} trial {trial} dx[{k}]");
            }
    }

    [TestMethod]
    public void MirrorPadGrad_for_integer_types()
    {
        // REFLECT [1, 1] on n = 3: outputs 0..4 read x[1], x[0], x[1], x[2], x[1].
        var g = MirrorGrad(Tn.I([1, 2, 3, 4, 5], 5), Pairs(1, 1), "REFLECT");
        CollectionAssert.AreEqual(new[] { 2, 1 + 3 + 5, 4 }, g.ToArray<int>());
        var l = MirrorGrad(Tn.L([1, 2, 3, 4], 4), Pairs(1, 1), "SYMMETRIC");
        CollectionAssert.AreEqual(new long[] { 3, 7 }, l.ToArray<long>());
    }

    [TestMethod]
    public void Bad_paddings_are_invalid_arguments()
    {
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.Pad, [T23, Pairs(1, -1, 0, 0)]));
        StringAssert.Contains(e.Message, "Paddings must be non-negative: 1 -1");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.Pad, [T23, Pairs(1, 1)]));
        StringAssert.Contains(e.Message, "The first dimension of paddings must be the rank of inputs[1,2], [2,3]");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.Pad, [T23, Tn.Vec(1, 1, 1, 1)]));
        StringAssert.Contains(e.Message, "paddings must be a matrix with 2 columns: [4]");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(ArrayOps.PadV2, [T23, Pairs(1, 1, 0, 0), Tn.F([1, 2])]));
        StringAssert.Contains(e.Message, "constant_values must be a scalar. Got: [2]");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => Mirror(T23, Pairs(2, 0, 0, 0), "REFLECT"));
        StringAssert.Contains(e.Message, "paddings must be less than the dimension size: 2, 0 not less than 2");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => Mirror(T23, Pairs(0, 0, 0, 4), "SYMMETRIC"));
        StringAssert.Contains(e.Message, "paddings must be no greater than the dimension size: 0, 4 greater than 3");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => MirrorGrad(T23, Pairs(1, 0, 0, 0), "REFLECT"));
        StringAssert.Contains(e.Message, "paddings must be less than the output dimension size: 1, 0 not less than 1");
    }

    [TestMethod]
    public void Pad_shapes()
    {
        ShapeDsl.Infer(ArrayOps.Pad, "[2,?];[2,2]").Const(1, Pairs(1, 2, 0, 3)).Is("[5,?]");
        ShapeDsl.Infer(ArrayOps.Pad, "[2,?];[2,2]").Is("[?,?]");
        ShapeDsl.Infer(ArrayOps.Pad, "?;[3,2]").Is("[?,?,?]");
        ShapeDsl.Infer(ArrayOps.Pad, "?;[?,2]").Is("?");
        ShapeDsl.Infer(ArrayOps.PadV2, "[2];[1,2];[]").Const(1, Pairs(1, 1)).Is("[4]");
        ShapeDsl.Infer(ArrayOps.MirrorPad, "[2,3];[2,2]", ("mode", "REFLECT")).Const(1, Pairs(1, 1, 2, 2)).Is("[4,7]");
        ShapeDsl.Infer(ArrayOps.Pad, "[2,3];[3,2]").Fails("Shape must be rank 3 but is rank 2");
        ShapeDsl.Infer(ArrayOps.Pad, "[2,3];[2,3]").Fails("Dimension must be 2 but is 3");
        ShapeDsl.Infer(ArrayOps.Pad, "[2,3];[2]").Fails("Shape must be rank 2 but is rank 1");
        ShapeDsl.Infer(ArrayOps.Pad, "[2,3];[2,2]").Const(1, Pairs(0, -1, 0, 0)).Fails("Paddings must be non-negative");
        ShapeDsl.Infer(ArrayOps.MirrorPadGrad, "[4,7];[2,2]", ("mode", "REFLECT")).Const(1, Pairs(1, 1, 2, 2)).Is("[2,3]");
        ShapeDsl.Infer(ArrayOps.MirrorPadGrad, "[4,7];[2,2]", ("mode", "REFLECT")).Is("[?,?]");
        ShapeDsl.Infer(ArrayOps.MirrorPadGrad, "?;[?,2]", ("mode", "REFLECT")).Is("?");
        ShapeDsl.Infer(ArrayOps.MirrorPadGrad, "[1,7];[2,2]", ("mode", "REFLECT")).Const(1, Pairs(1, 1, 2, 2))
            .Fails("Negative dimension size caused by subtracting 2 from 1");
    }
}
