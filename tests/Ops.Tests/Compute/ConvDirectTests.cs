using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Tests.Nn;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Compute;

/// <summary>
/// The optimised convolution kernels (direct AVX-512 tiles, and the im2col fallback) against the
/// loop-per-definition reference, on shapes chosen to hit every edge of the tiling: one and odd
/// input depths, output depths that are not whole vectors (and 1), pixel counts that are not whole
/// tiles, strides, dilations, SAME/VALID, batch 1 with enough work to be split by pixel range, and
/// batches large enough to run in parallel.
/// </summary>
[TestClass]
public sealed class ConvDirectTests
{
    // (N, H, W, C, KH, KW, OC, stride, dilation, SAME)
    private static readonly (int N, int H, int W, int C, int KH, int KW, int OC, int S, int D, bool Same)[] Cases =
    [
        (1, 5, 5, 1, 3, 3, 1, 1, 1, true),
        (2, 7, 9, 1, 5, 5, 32, 1, 1, true),      // LeNet conv1-like: one input channel
        (3, 8, 6, 3, 3, 3, 17, 1, 1, true),
        (2, 9, 7, 5, 3, 2, 33, 2, 1, false),
        (1, 11, 10, 7, 3, 3, 70, 1, 2, true),
        (2, 6, 13, 32, 5, 5, 64, 1, 1, true),    // LeNet conv2-like
        (1, 24, 24, 8, 5, 5, 20, 1, 1, true),    // batch 1, split by pixel range
        (4, 14, 14, 8, 5, 5, 40, 1, 1, false),   // parallel over images
        (3, 10, 11, 6, 4, 3, 9, 3, 1, true),
        (2, 12, 9, 4, 3, 3, 16, 2, 2, false),
        (5, 3, 4, 2, 1, 1, 5, 1, 1, true),       // pointwise (GEMM path)
        (2, 4, 4, 3, 2, 2, 8, 1, 1, false),
        (3, 14, 14, 6, 5, 5, 16, 1, 1, false),   // LeNet-5 conv2: one-vector output depth
        (2, 9, 8, 16, 3, 3, 48, 1, 1, true),     // float: 3 vectors (2 + 1); double: 6 (4 + 2)
        (2, 7, 7, 40, 3, 3, 24, 2, 1, true),
        (1, 5, 6, 64, 3, 3, 128, 1, 1, true),    // filter > 256 KiB (float): forward and input gradient in tap groups
        (7, 12, 12, 16, 3, 3, 24, 1, 1, true),   // 7 images over 4 filter-gradient partitions, in parallel
        (1, 4, 4, 8, 3, 3, 30, 1, 1, true),      // float 2-vector block, 16 pixels: a short 6-row last tile, 4 valid
        (2, 3, 6, 8, 3, 3, 30, 1, 1, true),      // 18 pixels: the 6-row last tile is whole (stored straight to the output)
    ];

    /// <summary>One case's random input, filter and output gradient, flat and as reference images.</summary>
    private sealed record Inputs(double[] X, double[] F, double[] Dy, Img XImg, Img DyImg, ConvGeometry G, int OC, bool Same);

    private static double[] Random(int seed, int n)
    {
        var r = new System.Random(seed);
        return Enumerable.Range(0, n).Select(_ => r.NextDouble() * 2 - 1).ToArray();
    }

    private static ConvGeometry Geometry((int N, int H, int W, int C, int KH, int KW, int OC, int S, int D, bool Same) c) =>
        ConvGeometry.Create(c.N, c.H, c.W, c.C, c.KH, c.KW, c.S, c.S, c.D, c.D, c.Same);

    private delegate void Kernel<T>(T[] a, T[] b, T[] result, ConvGeometry g, int oc);

    /// <summary>Runs one kernel in float and double over every case and compares with the reference.</summary>
    private static int Check(string name, Func<Inputs, (double[] A, double[] B, double[] Expected)> pick,
        Kernel<float> f32, Kernel<double> f64)
    {
        int count = 0;
        foreach (var c in Cases)
        {
            var g = Geometry(c);
            var x = Random(1, c.N * c.H * c.W * c.C);
            var f = Random(2, c.KH * c.KW * c.C * c.OC);
            var dy = Random(3, c.N * g.OH * g.OW * c.OC);
            var xi = new Img(x, c.N, c.H, c.W, c.C, false);
            var dyi = new Img(dy, c.N, g.OH, g.OW, c.OC, false);
            var (a, b, expected) = pick(new Inputs(x, f, dy, xi, dyi, g, c.OC, c.Same));
            // Garbage in the output proves the kernel overwrites rather than accumulates.
            var r64 = Enumerable.Repeat(double.NaN, expected.Length).ToArray();
            f64(a, b, r64, g, c.OC);
            ConvTests.AssertClose(expected, r64, 1e-12, $"{name} f64 {c}");
            var r32 = Enumerable.Repeat(float.NaN, expected.Length).ToArray();
            f32(a.Select(v => (float)v).ToArray(), b.Select(v => (float)v).ToArray(), r32, g, c.OC);
            ConvTests.AssertClose(expected, r32.Select(v => (double)v).ToArray(), 2e-5, $"{name} f32 {c}");
            count++;
        }
        return count;
    }

    private static (double[], double[], double[]) ForwardRef(Inputs t) =>
        (t.X, t.F, NaiveWindows.Conv(t.XImg, t.F, t.G.KH, t.G.KW, t.OC, t.G.SH, t.G.SW, t.G.DH, t.G.DW, t.Same).Data);

    private static (double[], double[], double[]) InputRef(Inputs t) =>
        (t.F, t.Dy, NaiveWindows.ConvBackInput(t.DyImg, t.F, t.G.N, t.G.H, t.G.W, t.G.C, t.G.KH, t.G.KW, t.G.SH, t.G.SW, t.G.DH, t.G.DW, t.Same).Data);

    private static (double[], double[], double[]) FilterRef(Inputs t) =>
        (t.X, t.Dy, NaiveWindows.ConvBackFilter(t.XImg, t.DyImg, t.G.KH, t.G.KW, t.G.SH, t.G.SW, t.G.DH, t.G.DW, t.Same));

    private static void RequireDirect()
    {
        if (!ConvDirect.IsSupported<float>())
            Assert.Inconclusive("This CPU has neither AVX-512 nor AVX2/FMA: the direct convolution kernels are not used here (the im2col tests cover the fallback).");
    }

    [TestMethod]
    public void Direct_forward_matches_the_reference()
    {
        RequireDirect();
        int n = Check("ConvDirect.Forward", ForwardRef,
            (a, b, r, g, oc) => Assert.IsTrue(ConvDirect.Forward<float>(a, b, r, g, oc)),
            (a, b, r, g, oc) => Assert.IsTrue(ConvDirect.Forward<double>(a, b, r, g, oc)));
        Assert.AreEqual(Cases.Length, n);
    }

    [TestMethod]
    public void Direct_input_gradient_matches_the_reference_for_unit_strides()
    {
        RequireDirect();
        int n = Check("ConvDirect.BackwardInput", InputRef,
            (a, b, r, g, oc) => { if (!ConvDirect.BackwardInput<float>(a, b, r, g, oc)) Conv2d.BackwardInputIm2Col<float>(a, b, r, g, oc); },
            (a, b, r, g, oc) => { if (!ConvDirect.BackwardInput<double>(a, b, r, g, oc)) Conv2d.BackwardInputIm2Col<double>(a, b, r, g, oc); });
        Assert.AreEqual(Cases.Length, n);
        Assert.IsTrue(Cases.Count(c => c.S == 1) >= 8, "most cases exercise the direct input gradient");
    }

    [TestMethod]
    public void Scatter_input_gradient_matches_the_reference_for_every_stride()
    {
        RequireDirect();
        int n = Check("ConvDirect.BackwardInputScatter", InputRef,
            (a, b, r, g, oc) => Assert.IsTrue(ConvDirect.BackwardInputScatter<float>(a, b, r, g, oc)),
            (a, b, r, g, oc) => Assert.IsTrue(ConvDirect.BackwardInputScatter<double>(a, b, r, g, oc)));
        Assert.AreEqual(Cases.Length, n);
    }

    [TestMethod]
    public void Direct_filter_gradient_matches_the_reference()
    {
        RequireDirect();
        int n = Check("ConvDirect.BackwardFilter", FilterRef,
            (a, b, r, g, oc) => Assert.IsTrue(ConvDirect.BackwardFilter<float>(a, b, r, g, oc)),
            (a, b, r, g, oc) => Assert.IsTrue(ConvDirect.BackwardFilter<double>(a, b, r, g, oc)));
        Assert.AreEqual(Cases.Length, n);
    }

    [TestMethod]
    public void Avx2_tiles_match_the_reference_on_an_avx512_machine_too()
    {
        // The AVX2 tiles are what an AVX2-only CPU (the Zen 3) runs: exercise them here as well.
        if (!System.Runtime.Intrinsics.X86.Fma.IsSupported || !System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
            Assert.Inconclusive("This CPU has no AVX2/FMA: the AVX2 convolution tiles cannot run here.");
        ConvTiles.Avx2Only = true;
        try
        {
            Assert.AreEqual(8, ConvTiles.Lanes<float>(), "the 256-bit tiles are the ones in use");
            Check("AVX2 Forward", ForwardRef,
                (a, b, r, g, oc) => Assert.IsTrue(ConvDirect.Forward<float>(a, b, r, g, oc)),
                (a, b, r, g, oc) => Assert.IsTrue(ConvDirect.Forward<double>(a, b, r, g, oc)));
            Check("AVX2 BackwardInput", InputRef,
                (a, b, r, g, oc) => { if (!ConvDirect.BackwardInput<float>(a, b, r, g, oc)) Conv2d.BackwardInputIm2Col<float>(a, b, r, g, oc); },
                (a, b, r, g, oc) => { if (!ConvDirect.BackwardInput<double>(a, b, r, g, oc)) Conv2d.BackwardInputIm2Col<double>(a, b, r, g, oc); });
            Check("AVX2 BackwardInputScatter", InputRef,
                (a, b, r, g, oc) => Assert.IsTrue(ConvDirect.BackwardInputScatter<float>(a, b, r, g, oc)),
                (a, b, r, g, oc) => Assert.IsTrue(ConvDirect.BackwardInputScatter<double>(a, b, r, g, oc)));
            Check("AVX2 BackwardFilter", FilterRef,
                (a, b, r, g, oc) => Assert.IsTrue(ConvDirect.BackwardFilter<float>(a, b, r, g, oc)),
                (a, b, r, g, oc) => Assert.IsTrue(ConvDirect.BackwardFilter<double>(a, b, r, g, oc)));
        }
        finally { ConvTiles.Avx2Only = false; }
    }

    [TestMethod]
    public void Parallel_filter_gradient_is_bit_identical_run_to_run()
    {
        // Training with a fixed seed must repeat exactly: the per-thread partial sums must not depend on scheduling.
        var g = ConvGeometry.Create(37, 12, 12, 8, 5, 5, 1, 1, 1, 1, true);
        var x = Random(4, 37 * 12 * 12 * 8).Select(v => (float)v).ToArray();
        var dy = Random(5, 37 * 12 * 12 * 24).Select(v => (float)v).ToArray();
        var first = new float[5 * 5 * 8 * 24];
        Conv2d.BackwardFilter<float>(x, dy, first, g, 24);
        for (int run = 0; run < 20; run++)
        {
            var again = new float[first.Length];
            Conv2d.BackwardFilter<float>(x, dy, again, g, 24);
            CollectionAssert.AreEqual(first, again, $"run {run}");
        }
    }

    [TestMethod]
    public unsafe void Operands_at_any_alignment_give_the_reference_result()
    {
        // 64-byte aligned filter / dy are read in place, others through an aligned copy: both must agree with the reference.
        RequireDirect();
        var c = (N: 3, H: 9, W: 8, C: 16, KH: 3, KW: 3, OC: 32, S: 1, D: 1, Same: true);
        var g = Geometry(c);
        var x = Random(8, c.N * c.H * c.W * c.C);
        var f = Random(9, c.KH * c.KW * c.C * c.OC);
        var dy = Random(10, c.N * g.OH * g.OW * c.OC);
        var xi = new Img(x, c.N, c.H, c.W, c.C, false);
        var forward = NaiveWindows.Conv(xi, f, c.KH, c.KW, c.OC, 1, 1, 1, 1, true).Data;
        var filter = NaiveWindows.ConvBackFilter(xi, new Img(dy, c.N, g.OH, g.OW, c.OC, false), c.KH, c.KW, 1, 1, 1, 1, true);
        var block = (double*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)((dy.Length + 8) * sizeof(double)), 64);
        try
        {
            foreach (int shift in new[] { 0, 1, 3 })
            {
                var fAt = new Span<double>(block + shift, f.Length);
                f.CopyTo(fAt);
                var y = new double[forward.Length];
                Assert.IsTrue(ConvDirect.Forward<double>(x, fAt, y, g, c.OC));
                ConvTests.AssertClose(forward, y, 1e-12, $"forward, filter {shift} elements past a 64-byte boundary");
                var dyAt = new Span<double>(block + shift, dy.Length);
                dy.CopyTo(dyAt);
                var df = new double[f.Length];
                Assert.IsTrue(ConvDirect.BackwardFilter<double>(x, dyAt, df, g, c.OC));
                ConvTests.AssertClose(filter, df, 1e-12, $"filter gradient, dy {shift} elements past a 64-byte boundary");
            }
        }
        finally { System.Runtime.InteropServices.NativeMemory.AlignedFree(block); }
    }

    [TestMethod]
    public void Filters_too_large_for_the_direct_scratch_fall_back_to_im2col()
    {
        // 70×70 taps would put 4,900 tap offsets on the stack: the direct kernels decline, Conv2d still answers.
        var g = ConvGeometry.Create(1, 71, 71, 1, 70, 70, 1, 1, 1, 1, false);
        var x = Random(6, 71 * 71);
        var f = Random(7, 70 * 70 * 2);
        var y = new double[g.OH * g.OW * 2];
        Assert.IsFalse(ConvDirect.Forward<double>(x, f, y, g, 2));
        Assert.IsFalse(ConvDirect.BackwardFilter<double>(x, y, new double[f.Length], g, 2));
        Conv2d.Forward<double>(x, f, y, g, 2);
        var expected = NaiveWindows.Conv(new Img(x, 1, 71, 71, 1, false), f, 70, 70, 2, 1, 1, 1, 1, false).Data;
        ConvTests.AssertClose(expected, y, 1e-12, "70×70 filter");
    }

    [TestMethod]
    public void Im2col_fallback_matches_the_reference()
    {
        Check("Conv2d.ForwardIm2Col", ForwardRef,
            (a, b, r, g, oc) => Conv2d.ForwardIm2Col<float>(a, b, r, g, oc), (a, b, r, g, oc) => Conv2d.ForwardIm2Col<double>(a, b, r, g, oc));
        Check("Conv2d.BackwardInputIm2Col", InputRef,
            (a, b, r, g, oc) => Conv2d.BackwardInputIm2Col<float>(a, b, r, g, oc), (a, b, r, g, oc) => Conv2d.BackwardInputIm2Col<double>(a, b, r, g, oc));
        Check("Conv2d.BackwardFilterIm2Col", FilterRef,
            (a, b, r, g, oc) => Conv2d.BackwardFilterIm2Col<float>(a, b, r, g, oc), (a, b, r, g, oc) => Conv2d.BackwardFilterIm2Col<double>(a, b, r, g, oc));
    }

    [TestMethod]
    public void Dispatching_entry_points_match_the_reference()
    {
        Check("Conv2d.Forward", ForwardRef,
            (a, b, r, g, oc) => Conv2d.Forward<float>(a, b, r, g, oc), (a, b, r, g, oc) => Conv2d.Forward<double>(a, b, r, g, oc));
        Check("Conv2d.BackwardInput", InputRef,
            (a, b, r, g, oc) => Conv2d.BackwardInput<float>(a, b, r, g, oc), (a, b, r, g, oc) => Conv2d.BackwardInput<double>(a, b, r, g, oc));
        Check("Conv2d.BackwardFilter", FilterRef,
            (a, b, r, g, oc) => Conv2d.BackwardFilter<float>(a, b, r, g, oc), (a, b, r, g, oc) => Conv2d.BackwardFilter<double>(a, b, r, g, oc));
    }
}
