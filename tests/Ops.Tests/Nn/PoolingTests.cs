using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Nn;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Nn;

[TestClass]
public sealed class PoolingTests
{
    private static (string, AttrValue)[] Attrs(bool nchw, string padding, (int H, int W) k, (int H, int W) s) =>
    [
        ("ksize", AttrValue.Of(nchw ? new long[] { 1, 1, k.H, k.W } : [1, k.H, k.W, 1])),
        ("strides", AttrValue.Of(nchw ? new long[] { 1, 1, s.H, s.W } : [1, s.H, s.W, 1])),
        ("padding", padding),
        ("data_format", nchw ? "NCHW" : "NHWC"),
    ];

    /// <summary>Distinct values (a shuffled ramp) so every window has a unique maximum.</summary>
    private static double[] Distinct(int seed, int n)
    {
        var r = new System.Random(seed);
        return Enumerable.Range(0, n).Select(i => i * 0.37 - n * 0.1).OrderBy(_ => r.Next()).ToArray();
    }

    [TestMethod]
    public void Pools_and_their_gradients_match_the_naive_reference_for_every_combination()
    {
        int count = 0;
        foreach (var (n, h, w, c) in new[] { (2, 7, 5, 3), (1, 4, 4, 2), (1, 1, 1, 1) })
            foreach (var k in new[] { (1, 1), (2, 2), (3, 2), (h, w) })
                foreach (var s in new[] { (1, 1), (2, 2), (3, 1) })
                    foreach (var same in new[] { true, false })
                        foreach (var nchw in new[] { false, true })
                            foreach (var max in new[] { true, false })
                                foreach (var f32 in new[] { false, true })
                                {
                                    if (k.Item1 > h || k.Item2 > w) continue;
                                    string what = $"{(max ? "Max" : "Avg")} {(n, h, w, c)} k{k} s{s} {(same ? "SAME" : "VALID")} {(nchw ? "NCHW" : "NHWC")} {(f32 ? "f32" : "f64")}";
                                    var x = new Img(Distinct(n * h * w + c, n * h * w * c), n, h, w, c, nchw);
                                    var attrs = Attrs(nchw, same ? "SAME" : "VALID", k, s);
                                    var y = NaiveWindows.Pool(x, k.Item1, k.Item2, s.Item1, s.Item2, same, max);
                                    var xt = T(x.Data, x.Dims, f32);
                                    var got = KernelRunner.Run1(max ? NnOps.MaxPool : NnOps.AvgPool, [xt], attrs);
                                    CollectionAssert.AreEqual(y.Dims, got.Dims.ToArray(), what);
                                    double tol = f32 ? 1e-5 : 1e-12;
                                    ConvTests.AssertClose(y.Data, Values(got), tol, what);
                                    var dy = new Img(ConvTests.Random(5, y.Data.Length), n, y.H, y.W, c, nchw);
                                    var dx = NaiveWindows.PoolBack(x, dy, k.Item1, k.Item2, s.Item1, s.Item2, same, max);
                                    var gotDx = max
                                        ? KernelRunner.Run1(NnOps.MaxPoolGrad, [xt, got, T(dy.Data, dy.Dims, f32)], attrs)
                                        : KernelRunner.Run1(NnOps.AvgPoolGrad, [Tn.I(x.Dims.Select(d => (int)d).ToArray(), 4), T(dy.Data, dy.Dims, f32)],
                                            ConvTests.WithT(attrs, f32 ? DType.Float : DType.Double));
                                    ConvTests.AssertClose(dx.Data, Values(gotDx), tol, what + " grad");
                                    if (max)
                                    {
                                        // MaxPoolGradGrad is MaxPoolGrad's adjoint in grad: <MaxPoolGrad(dy), v> = <dy, MaxPoolGradGrad(v)>.
                                        var v = ConvTests.Random(6, x.Data.Length);
                                        var gg = Values(KernelRunner.Run1(NnOps.MaxPoolGradGrad, [xt, got, T(v, x.Dims, f32)], attrs));
                                        Assert.AreEqual(dx.Data.Zip(v, (a, b) => a * b).Sum(), dy.Data.Zip(gg, (a, b) => a * b).Sum(), f32 ? 1e-3 : 1e-9, what + " gradgrad");
                                    }
                                    count++;
                                }
        Assert.IsGreaterThan(300, count);
    }

    private static HostTensor T(double[] v, long[] dims, bool f32) =>
        f32 ? HostTensor.FromArray(v.Select(e => (float)e).ToArray(), dims) : HostTensor.FromArray(v, dims);

    private static double[] Values(HostTensor t) =>
        t.DType == DType.Float ? t.ToArray<float>().Select(v => (double)v).ToArray() : t.ToArray<double>();

    [TestMethod]
    public void Shape_inference_and_errors_follow_TF()
    {
        ShapeDsl.Infer(NnOps.MaxPool, "[?,7,5,3]", Attrs(false, "SAME", (2, 2), (2, 2))).Is("[?,4,3,3]");
        ShapeDsl.Infer(NnOps.AvgPool, "[?,3,7,5]", Attrs(true, "VALID", (2, 2), (2, 2))).Is("[?,3,3,2]");
        ShapeDsl.Infer(NnOps.MaxPoolGrad, "[?,7,5,3];[?,4,3,3];[?,4,3,3]", Attrs(false, "SAME", (2, 2), (2, 2))).Is("[?,7,5,3]");
        ShapeDsl.Infer(NnOps.AvgPoolGrad, "[4];[?,4,3,3]", Attrs(false, "SAME", (2, 2), (2, 2))).Const(0, Tn.I([2, 7, 5, 3], 4)).Is("[2,7,5,3]");
        ShapeDsl.Infer(NnOps.MaxPoolGradGrad, "[?,7,5,3];[?,4,3,3];[?,7,5,3]", Attrs(false, "SAME", (2, 2), (2, 2))).Is("[?,4,3,3]");
        ShapeDsl.Infer(NnOps.MaxPool, "[1,2,2,1]", Attrs(false, "VALID", (3, 3), (1, 1)))
            .Fails("Negative dimension size caused by subtracting 3 from 2 for 'n' (op: 'MaxPool')");
        ShapeDsl.Infer(NnOps.MaxPool, "[1,2,2]", Attrs(false, "VALID", (1, 1), (1, 1))).Fails("Shape must be rank 4 but is rank 3");
        Assert.ThrowsExactly<UnimplementedException>(() => KernelRunner.Run1(NnOps.MaxPool, [Tn.D(new double[8], 1, 2, 2, 2)],
            ("ksize", AttrValue.Of(new long[] { 1, 1, 1, 2 })), ("strides", AttrValue.Of(new long[] { 1, 1, 1, 2 })), ("padding", "VALID")));
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(NnOps.AvgPool, [Tn.D(new double[1], 1, 1, 1, 1)],
            Attrs(false, "VALID", (3, 3), (1, 1))));
        StringAssert.Contains(e.Message, "Computed output size would be negative");
    }
}
