using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Nn;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Nn;

[TestClass]
public sealed class BatchNormTests
{
    private static HostTensor F(double[] v, params long[] dims) => HostTensor.FromArray(v.Select(e => (float)e).ToArray(), dims);

    private static double[] D(HostTensor t) => t.ToArray<float>().Select(v => (double)v).ToArray();

    [TestMethod]
    public void FusedBatchNormV3_and_its_gradient_match_the_definition()
    {
        foreach (var nchw in new[] { false, true })
            foreach (var training in new[] { true, false })
                foreach (var factor in new[] { 1.0, 0.25 })
                {
                    string what = $"{(nchw ? "NCHW" : "NHWC")} training={training} factor={factor}";
                    int n = 2, h = 3, w = 5, c = 3;
                    var x = new Img(ConvTests.Random(1, n * h * w * c).Select(v => v * 3 + 1).ToArray(), n, h, w, c, nchw);
                    double[] scale = [0.5, -1.5, 2.0], offset = [0.1, 0.2, -0.3], runMean = [0.3, -0.2, 1.0], runVar = [1.5, 0.5, 2.0];
                    const double eps = 0.001;
                    (string, AttrValue)[] attrs = [("T", DType.Float), ("U", DType.Float), ("epsilon", (float)eps),
                        ("exponential_avg_factor", (float)factor), ("data_format", nchw ? "NCHW" : "NHWC"), ("is_training", training)];
                    var outs = KernelRunner.Run(NnOps.FusedBatchNormV3,
                        [F(x.Data, x.Dims), F(scale, 3), F(offset, 3), F(runMean, 3), F(runVar, 3)], attrs);

                    int m = n * h * w;
                    var mean = new double[c];
                    var variance = new double[c];
                    for (int ch = 0; ch < c; ch++)
                    {
                        var vals = Pixels(x, ch).ToArray();
                        mean[ch] = training ? vals.Average() : runMean[ch];
                        variance[ch] = training ? vals.Select(v => (v - vals.Average()) * (v - vals.Average())).Average() : runVar[ch];
                    }
                    var y = Img.Zeros(n, h, w, c, nchw);
                    ForEach(x, (b, i, j, ch) => y[b, i, j, ch] = scale[ch] * (x[b, i, j, ch] - mean[ch]) / System.Math.Sqrt(variance[ch] + eps) + offset[ch]);
                    ConvTests.AssertClose(y.Data, D(outs[0]), 1e-5, what + " y");
                    var expMean = training ? mean.Select((v, ch) => (1 - factor) * runMean[ch] + factor * v).ToArray() : runMean;
                    var expVar = training ? variance.Select((v, ch) => (1 - factor) * runVar[ch] + factor * v * m / (m - 1)).ToArray() : runVar;
                    ConvTests.AssertClose(expMean, D(outs[1]), 1e-5, what + " batch_mean");
                    ConvTests.AssertClose(expVar, D(outs[2]), 1e-5, what + " batch_variance");
                    ConvTests.AssertClose(mean, D(outs[3]), 1e-5, what + " reserve_space_1");
                    ConvTests.AssertClose(variance, D(outs[4]), 1e-5, what + " reserve_space_2");

                    // Gradient: compare with central differences of the reference y (in double) along dy.
                    var dy = new Img(ConvTests.Random(2, x.Data.Length), n, h, w, c, nchw);
                    var grads = KernelRunner.Run(NnOps.FusedBatchNormGradV3,
                        [F(dy.Data, dy.Dims), F(x.Data, x.Dims), F(scale, 3), outs[3], outs[4], outs[5]],
                        [("T", DType.Float), ("U", DType.Float), ("epsilon", (float)eps), ("data_format", nchw ? "NCHW" : "NHWC"), ("is_training", training)]);
                    double Loss(double[] xs, double[] sc, double[] of)
                    {
                        var xi = new Img(xs, n, h, w, c, nchw);
                        double total = 0;
                        for (int ch = 0; ch < c; ch++)
                        {
                            var vals = Pixels(xi, ch).ToArray();
                            double mu = training ? vals.Average() : runMean[ch];
                            double va = training ? vals.Select(v => (v - mu) * (v - mu)).Average() : runVar[ch];
                            ForEach(xi, (b, i, j, k) => { if (k == ch) total += dy[b, i, j, k] * (sc[ch] * (xi[b, i, j, k] - mu) / System.Math.Sqrt(va + eps) + of[ch]); });
                        }
                        return total;
                    }
                    double[] Numeric(double[] v, Func<double[], double> f) => v.Select((_, i) =>
                    {
                        var p = (double[])v.Clone(); p[i] += 1e-5;
                        var q = (double[])v.Clone(); q[i] -= 1e-5;
                        return (f(p) - f(q)) / 2e-5;
                    }).ToArray();
                    ConvTests.AssertClose(Numeric(x.Data, xs => Loss(xs, scale, offset)), D(grads[0]), 1e-3, what + " x_backprop");
                    ConvTests.AssertClose(Numeric(scale, s => Loss(x.Data, s, offset)), D(grads[1]), 1e-3, what + " scale_backprop");
                    ConvTests.AssertClose(Numeric(offset, o => Loss(x.Data, scale, o)), D(grads[2]), 1e-3, what + " offset_backprop");
                    CollectionAssert.AreEqual(new long[] { 0 }, grads[3].Dims.ToArray());
                }
    }

    private static IEnumerable<double> Pixels(Img x, int ch)
    {
        for (int b = 0; b < x.N; b++)
            for (int i = 0; i < x.H; i++)
                for (int j = 0; j < x.W; j++)
                    yield return x[b, i, j, ch];
    }

    private static void ForEach(Img x, Action<int, int, int, int> f)
    {
        for (int b = 0; b < x.N; b++)
            for (int i = 0; i < x.H; i++)
                for (int j = 0; j < x.W; j++)
                    for (int ch = 0; ch < x.C; ch++)
                        f(b, i, j, ch);
    }

    [TestMethod]
    public void Shape_inference_follows_TF()
    {
        (string, AttrValue)[] a = [("T", DType.Float), ("U", DType.Float), ("data_format", "NCHW")];
        ShapeDsl.Infer(NnOps.FusedBatchNormV3, "[?,3,4,4];[3];[3];[0];[0]", a).Is("[?,3,4,4];[3];[3];[3];[3];?");
        ShapeDsl.Infer(NnOps.FusedBatchNormV3, "[?,4,4,?];[3];[?];[?];[?]", ("is_training", false)).Is("[?,4,4,3];[3];[3];[3];[3];?");
        ShapeDsl.Infer(NnOps.FusedBatchNormV3, "[?,4,4,2];[3];[3];[0];[0]").Fails("Dimensions must be equal, but are 2 and 3");
        ShapeDsl.Infer(NnOps.FusedBatchNormGradV3, "[?,4,4,3];[2,4,4,?];[3];[3];[3];?").Is("[2,4,4,3];[3];[3];[0];[0]");
        Assert.ThrowsExactly<UnimplementedException>(() => ShapeDsl.Infer(NnOps.FusedBatchNormV3, "[?,2,4,4,3];[3];[3];[0];[0]",
            ("data_format", "NDHWC")).Is("?"));
    }
}
