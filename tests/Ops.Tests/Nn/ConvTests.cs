using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Nn;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Nn;

[TestClass]
public sealed class ConvTests
{
    // (N, H, W, C, KH, KW, OC): odd sizes, a 1×1 filter, a filter as large as the input.
    private static readonly (int N, int H, int W, int C, int KH, int KW, int OC)[] Shapes =
        [(2, 7, 5, 3, 3, 2, 4), (1, 5, 6, 2, 1, 1, 3), (2, 4, 3, 2, 4, 3, 2)];
    private static readonly (int H, int W)[] Strides = [(1, 1), (2, 2), (3, 2)];
    private static readonly (int H, int W)[] Dilations = [(1, 1), (2, 2), (1, 2)];

    internal static (string, AttrValue)[] Attrs(bool nchw, string padding, (int H, int W) s, (int H, int W)? d = null)
    {
        var dil = d ?? (1, 1);
        return
        [
            ("strides", AttrValue.Of(nchw ? new long[] { 1, 1, s.H, s.W } : [1, s.H, s.W, 1])),
            ("padding", padding),
            ("data_format", nchw ? "NCHW" : "NHWC"),
            ("dilations", AttrValue.Of(nchw ? new long[] { 1, 1, dil.H, dil.W } : [1, dil.H, dil.W, 1])),
        ];
    }

    /// <summary>The attrs plus T, for ops whose first input is the int32 sizes vector.</summary>
    internal static (string, AttrValue)[] WithT((string, AttrValue)[] attrs, DType t) => [.. attrs, ("T", t)];

    internal static double[] Random(int seed, int n) { var r = new System.Random(seed); return Enumerable.Range(0, n).Select(_ => r.NextDouble() * 4 - 2).ToArray(); }

    private static HostTensor T(double[] v, long[] dims, bool f32) =>
        f32 ? HostTensor.FromArray(v.Select(e => (float)e).ToArray(), dims) : HostTensor.FromArray(v, dims);

    private static double[] Values(HostTensor t) =>
        t.DType == DType.Float ? t.ToArray<float>().Select(v => (double)v).ToArray() : t.ToArray<double>();

    internal static void AssertClose(double[] expected, double[] actual, double tol, string what)
    {
        Assert.AreEqual(expected.Length, actual.Length, what + ": length");
        for (int i = 0; i < expected.Length; i++)
            if (System.Math.Abs(expected[i] - actual[i]) > tol * (1 + System.Math.Abs(expected[i])))
                Assert.Fail($"{what}: element {i} expected {expected[i]} got {actual[i]}");
    }

    [TestMethod]
    public void Conv2D_and_backprops_match_the_naive_reference_for_every_combination()
    {
        int checkedCases = 0;
        foreach (var (n, h, w, c, kh, kw, oc) in Shapes)
            foreach (var same in new[] { true, false })
                foreach (var s in Strides)
                    foreach (var d in Dilations)
                        foreach (var nchw in new[] { false, true })
                            foreach (var f32 in new[] { false, true })
                            {
                                if (!same && ((kh - 1) * d.H + 1 > h || (kw - 1) * d.W + 1 > w)) continue;   // VALID error: tested below
                                string what = $"{(n, h, w, c, kh, kw, oc)} {(same ? "SAME" : "VALID")} s{s} d{d} {(nchw ? "NCHW" : "NHWC")} {(f32 ? "f32" : "f64")}";
                                var x = new Img(Random(1, n * h * w * c), n, h, w, c, nchw);
                                var f = Random(2, kh * kw * c * oc);
                                var attrs = Attrs(nchw, same ? "SAME" : "VALID", s, d);
                                double tol = f32 ? 1e-4 : 1e-12;
                                var y = NaiveWindows.Conv(x, f, kh, kw, oc, s.H, s.W, d.H, d.W, same);
                                var got = KernelRunner.Run1(NnOps.Conv2D, [T(x.Data, x.Dims, f32), T(f, [kh, kw, c, oc], f32)], attrs);
                                CollectionAssert.AreEqual(y.Dims, got.Dims.ToArray(), what + " shape");
                                AssertClose(y.Data, Values(got), tol, what + " Conv2D");

                                var dy = new Img(Random(3, y.Data.Length), n, y.H, y.W, oc, nchw);
                                var dx = NaiveWindows.ConvBackInput(dy, f, n, h, w, c, kh, kw, s.H, s.W, d.H, d.W, same);
                                var gotDx = KernelRunner.Run1(NnOps.Conv2DBackpropInput,
                                    [Tn.I(x.Dims.Select(v => (int)v).ToArray(), 4), T(f, [kh, kw, c, oc], f32), T(dy.Data, dy.Dims, f32)], WithT(attrs, f32 ? DType.Float : DType.Double));
                                AssertClose(dx.Data, Values(gotDx), tol, what + " Conv2DBackpropInput");

                                var df = NaiveWindows.ConvBackFilter(x, dy, kh, kw, s.H, s.W, d.H, d.W, same);
                                var gotDf = KernelRunner.Run1(NnOps.Conv2DBackpropFilter,
                                    [T(x.Data, x.Dims, f32), Tn.I([kh, kw, c, oc], 4), T(dy.Data, dy.Dims, f32)], attrs);
                                AssertClose(df, Values(gotDf), tol, what + " Conv2DBackpropFilter");
                                checkedCases++;
                            }
        Assert.IsGreaterThan(150, checkedCases);
    }

    [TestMethod]
    public void Batches_larger_than_one_im2col_chunk_accumulate_correctly()
    {
        // 5 images of 40×40×64 with a 3×3 window: the col matrix (5·1600·576 elements) exceeds one chunk (2^22).
        int n = 5, h = 40, w = 40, c = 64, oc = 1;
        var x = new Img(Random(4, n * h * w * c), n, h, w, c, false);
        var f = Random(5, 9 * c * oc);
        var attrs = Attrs(false, "SAME", (1, 1));
        var y = NaiveWindows.Conv(x, f, 3, 3, oc, 1, 1, 1, 1, true);
        AssertClose(y.Data, KernelRunner.Run1(NnOps.Conv2D, [Tn.D(x.Data, x.Dims), Tn.D(f, 3, 3, c, oc)], attrs).ToArray<double>(), 1e-12, "forward");
        var dy = new Img(Random(6, y.Data.Length), n, h, w, oc, false);
        var df = NaiveWindows.ConvBackFilter(x, dy, 3, 3, 1, 1, 1, 1, true);
        AssertClose(df, KernelRunner.Run1(NnOps.Conv2DBackpropFilter, [Tn.D(x.Data, x.Dims), Tn.I([3, 3, c, oc], 4), Tn.D(dy.Data, dy.Dims)], attrs)
            .ToArray<double>(), 1e-11, "filter gradient");
        var dx = NaiveWindows.ConvBackInput(dy, f, n, h, w, c, 3, 3, 1, 1, 1, 1, true);
        AssertClose(dx.Data, KernelRunner.Run1(NnOps.Conv2DBackpropInput, [Tn.I([n, h, w, c], 4), Tn.D(f, 3, 3, c, oc), Tn.D(dy.Data, dy.Dims)], WithT(attrs, DType.Double))
            .ToArray<double>(), 1e-12, "input gradient");
    }

    [TestMethod]
    public void DepthwiseConv2dNative_and_backprops_match_the_naive_reference()
    {
        foreach (var (n, h, w, c, kh, kw, m) in new[] { (2, 7, 5, 3, 3, 2, 2), (1, 4, 4, 2, 1, 1, 3), (1, 3, 4, 2, 3, 4, 1) })
            foreach (var same in new[] { true, false })
                foreach (var s in new[] { 1, 2 })
                    foreach (var d in new[] { 1, 2 })
                        foreach (var nchw in new[] { false, true })
                        {
                            if (!same && ((kh - 1) * d + 1 > h || (kw - 1) * d + 1 > w)) continue;
                            string what = $"{(n, h, w, c, kh, kw, m)} {same} s{s} d{d} {nchw}";
                            var x = new Img(Random(7, n * h * w * c), n, h, w, c, nchw);
                            var f = Random(8, kh * kw * c * m);
                            var attrs = Attrs(nchw, same ? "SAME" : "VALID", (s, s), (d, d));
                            var y = NaiveWindows.Depthwise(x, f, kh, kw, m, s, d, same);
                            var got = KernelRunner.Run1(NnOps.DepthwiseConv2dNative, [Tn.D(x.Data, x.Dims), Tn.D(f, kh, kw, c, m)], attrs);
                            CollectionAssert.AreEqual(y.Dims, got.Dims.ToArray(), what);
                            AssertClose(y.Data, got.ToArray<double>(), 1e-12, what);
                            // The backprops are the adjoints of the forward map: <dy, J·v> = <Jᵀ·dy, v> for v = x and v = f.
                            var dy = Random(9, y.Data.Length);
                            var dx = KernelRunner.Run1(NnOps.DepthwiseConv2dNativeBackpropInput,
                                [Tn.I(x.Dims.Select(v => (int)v).ToArray(), 4), Tn.D(f, kh, kw, c, m), Tn.D(dy, y.Dims)], WithT(attrs, DType.Double)).ToArray<double>();
                            var df = KernelRunner.Run1(NnOps.DepthwiseConv2dNativeBackpropFilter,
                                [Tn.D(x.Data, x.Dims), Tn.I([kh, kw, c, m], 4), Tn.D(dy, y.Dims)], attrs).ToArray<double>();
                            double lhs = y.Data.Zip(dy, (a, b) => a * b).Sum();
                            Assert.AreEqual(lhs, dx.Zip(x.Data, (a, b) => a * b).Sum(), 1e-9, what + " input adjoint");
                            Assert.AreEqual(lhs, df.Zip(f, (a, b) => a * b).Sum(), 1e-9, what + " filter adjoint");
                        }
    }

    [TestMethod]
    public void Shape_inference_follows_TF_including_unknown_batch()
    {
        ShapeDsl.Infer(NnOps.Conv2D, "[?,5,5,3];[3,3,3,8]", Attrs(false, "SAME", (1, 1))).Is("[?,5,5,8]");
        ShapeDsl.Infer(NnOps.Conv2D, "[?,5,7,3];[3,3,3,8]", Attrs(false, "VALID", (2, 2))).Is("[?,2,3,8]");
        ShapeDsl.Infer(NnOps.Conv2D, "[4,3,9,9];[3,3,3,8]", Attrs(true, "SAME", (2, 2))).Is("[4,8,5,5]");
        ShapeDsl.Infer(NnOps.Conv2D, "[1,9,9,2];[3,3,2,1]", Attrs(false, "VALID", (1, 1), (2, 2))).Is("[1,5,5,1]");
        ShapeDsl.Infer(NnOps.Conv2D, "[?,?,5,3];[3,3,3,8]", Attrs(false, "VALID", (1, 1))).Is("[?,?,3,8]");
        ShapeDsl.Infer(NnOps.Conv2D, "?;[3,3,3,8]", Attrs(false, "SAME", (1, 1))).Is("[?,?,?,8]");
        ShapeDsl.Infer(NnOps.Conv2DBackpropInput, "[4];[3,3,3,8];[?,5,5,8]", Attrs(false, "SAME", (1, 1)))
            .Const(0, Tn.I([2, 5, 5, 3], 4)).Is("[2,5,5,3]");
        ShapeDsl.Infer(NnOps.Conv2DBackpropInput, "[4];[3,3,3,8];[?,5,5,8]", Attrs(false, "SAME", (1, 1))).Is("[?,?,?,?]");
        ShapeDsl.Infer(NnOps.Conv2DBackpropFilter, "[?,5,5,3];[4];[?,5,5,8]", Attrs(false, "SAME", (1, 1)))
            .Const(1, Tn.I([3, 3, 3, 8], 4)).Is("[3,3,3,8]");
        ShapeDsl.Infer(NnOps.DepthwiseConv2dNative, "[?,6,6,3];[3,3,3,2]", Attrs(false, "SAME", (2, 2))).Is("[?,3,3,6]");
    }

    [TestMethod]
    public void Shape_errors_carry_TF_messages()
    {
        ShapeDsl.Infer(NnOps.Conv2D, "[1,3,3,1];[5,5,1,1]", Attrs(false, "VALID", (1, 1)))
            .Fails("Negative dimension size caused by subtracting 5 from 3 for 'n' (op: 'Conv2D') with input shapes: [1,3,3,1], [5,5,1,1].");
        ShapeDsl.Infer(NnOps.Conv2D, "[1,5,5,3];[3,3,2,4]", Attrs(false, "SAME", (1, 1)))
            .Fails("Depth of input (3) is not a multiple of input depth of filter (2)");
        ShapeDsl.Infer(NnOps.Conv2D, "[5,5,3];[3,3,3,4]", Attrs(false, "SAME", (1, 1))).Fails("Shape must be rank 4 but is rank 3");
        ShapeDsl.Infer(NnOps.Conv2D, "[1,5,5,3];[3,3,3,4]", ("strides", AttrValue.Of(new long[] { 1, 1, 1 })), ("padding", "SAME"))
            .Fails("Conv2D requires the stride attribute to contain 4 values, but got: 3");
        ShapeDsl.Infer(NnOps.DepthwiseConv2dNative, "[1,5,5,3];[3,3,2,4]", Attrs(false, "SAME", (1, 1))).Fails("Dimensions must be equal, but are 3 and 2");
    }

    [TestMethod]
    public void Kernel_errors_carry_TF_messages()
    {
        var x = Tn.D(new double[9], 1, 3, 3, 1);
        var f = Tn.D(new double[25], 5, 5, 1, 1);
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(NnOps.Conv2D, [x, f], Attrs(false, "VALID", (1, 1))));
        StringAssert.Contains(e.Message, "Computed output size would be negative: -1 [input_size: 3, effective_filter_size: 5, stride: 1]");
        Assert.ThrowsExactly<UnimplementedException>(() => KernelRunner.Run1(NnOps.Conv2D, [x, f],
            ("strides", AttrValue.Of(new long[] { 1, 1, 1, 1 })), ("padding", "EXPLICIT"),
            ("explicit_paddings", AttrValue.Of(new long[] { 0, 0, 1, 1, 1, 1, 0, 0 }))));
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(NnOps.Conv2D, [x, Tn.D(new double[1], 1, 1, 1, 1)],
            ("strides", AttrValue.Of(new long[] { 2, 1, 1, 1 })), ("padding", "SAME")));
        StringAssert.Contains(e.Message, "Current implementation does not yet support strides in the batch and depth dimensions.");
        Assert.ThrowsExactly<UnimplementedException>(() => KernelRunner.Run1(NnOps.Conv2D,
            [Tn.D(new double[4], 1, 1, 1, 4), Tn.D(new double[2], 1, 1, 2, 1)], Attrs(false, "SAME", (1, 1))));
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(NnOps.Conv2D,
            [Tn.D(new double[3], 1, 1, 1, 3), Tn.D(new double[2], 1, 1, 2, 1)], Attrs(false, "SAME", (1, 1))));
        StringAssert.Contains(e.Message, "input depth must be evenly divisible by filter depth: 3 vs 2");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(NnOps.Conv2DBackpropInput,
            [Tn.I([1, 3, 3, 1], 4), Tn.D(new double[1], 1, 1, 1, 1), Tn.D(new double[4], 1, 2, 2, 1)], WithT(Attrs(false, "SAME", (1, 1)), DType.Double)));
        StringAssert.Contains(e.Message, "Size of out_backprop doesn't match computed");
    }
}
