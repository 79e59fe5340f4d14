namespace GraphEngine.Ops.Tests.Nn;

/// <summary>
/// Direct, loop-per-definition references for windowed ops in double, independent of the kernels:
/// tensors are addressed through (n, h, w, c) whatever the layout, padding is computed from TF's
/// definition (SAME: out = ⌈in/stride⌉, smaller half of the padding first).
/// </summary>
internal sealed class Img(double[] data, int n, int h, int w, int c, bool nchw)
{
    public double[] Data { get; } = data;
    public int N { get; } = n;
    public int H { get; } = h;
    public int W { get; } = w;
    public int C { get; } = c;
    public bool Nchw { get; } = nchw;

    public static Img Zeros(int n, int h, int w, int c, bool nchw) => new(new double[n * h * w * c], n, h, w, c, nchw);

    public long[] Dims => Nchw ? [N, C, H, W] : [N, H, W, C];

    public ref double this[int n, int h, int w, int c] =>
        ref Data[Nchw ? ((n * C + c) * H + h) * W + w : ((n * H + h) * W + w) * C + c];
}

internal static class NaiveWindows
{
    public static (int Out, int Pad) Size(int input, int k, int stride, int dilation, bool same)
    {
        int eff = (k - 1) * dilation + 1;
        if (!same) return ((input - eff) / stride + 1, 0);
        int output = (input + stride - 1) / stride;
        return (output, System.Math.Max(0, (output - 1) * stride + eff - input) / 2);
    }

    /// <summary>y = conv(x, f[kh,kw,ic,oc]); the reference also returns the adjoints for a given dy.</summary>
    public static Img Conv(Img x, double[] f, int kh, int kw, int oc, int sh, int sw, int dh, int dw, bool same)
    {
        var (oh, ph) = Size(x.H, kh, sh, dh, same);
        var (ow, pw) = Size(x.W, kw, sw, dw, same);
        var y = Img.Zeros(x.N, oh, ow, oc, x.Nchw);
        Visit(x, kh, kw, oc, sh, sw, dh, dw, ph, pw, oh, ow, (n, i, j, o, a, b, c, fi) => y[n, i, j, o] += x[n, a, b, c] * f[fi]);
        return y;
    }

    public static Img ConvBackInput(Img dy, double[] f, int n, int h, int w, int c, int kh, int kw, int sh, int sw, int dh, int dw, bool same)
    {
        var dx = Img.Zeros(n, h, w, c, dy.Nchw);
        var (_, ph) = Size(h, kh, sh, dh, same);
        var (_, pw) = Size(w, kw, sw, dw, same);
        Visit(dx, kh, kw, dy.C, sh, sw, dh, dw, ph, pw, dy.H, dy.W, (b, i, j, o, a, q, ch, fi) => dx[b, a, q, ch] += dy[b, i, j, o] * f[fi]);
        return dx;
    }

    public static double[] ConvBackFilter(Img x, Img dy, int kh, int kw, int sh, int sw, int dh, int dw, bool same)
    {
        var df = new double[kh * kw * x.C * dy.C];
        var (_, ph) = Size(x.H, kh, sh, dh, same);
        var (_, pw) = Size(x.W, kw, sw, dw, same);
        Visit(x, kh, kw, dy.C, sh, sw, dh, dw, ph, pw, dy.H, dy.W, (b, i, j, o, a, q, ch, fi) => df[fi] += x[b, a, q, ch] * dy[b, i, j, o]);
        return df;
    }

    /// <summary>Calls back (n, oh, ow, oc, ih, iw, ic, filter index) for every in-bounds tap of a dense convolution.</summary>
    private static void Visit(Img x, int kh, int kw, int oc, int sh, int sw, int dh, int dw, int ph, int pw, int oh, int ow,
        Action<int, int, int, int, int, int, int, int> tap)
    {
        for (int n = 0; n < x.N; n++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                    for (int o = 0; o < oc; o++)
                        for (int a = 0; a < kh; a++)
                            for (int b = 0; b < kw; b++)
                            {
                                int ih = i * sh - ph + a * dh, iw = j * sw - pw + b * dw;
                                if (ih < 0 || ih >= x.H || iw < 0 || iw >= x.W) continue;
                                for (int c = 0; c < x.C; c++)
                                    tap(n, i, j, o, ih, iw, c, ((a * kw + b) * x.C + c) * oc + o);
                            }
    }

    /// <summary>Depthwise: output channel c·m + k reads input channel c with filter [kh,kw,c,k].</summary>
    public static Img Depthwise(Img x, double[] f, int kh, int kw, int m, int s, int d, bool same)
    {
        var (oh, ph) = Size(x.H, kh, s, d, same);
        var (ow, pw) = Size(x.W, kw, s, d, same);
        var y = Img.Zeros(x.N, oh, ow, x.C * m, x.Nchw);
        for (int n = 0; n < x.N; n++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                    for (int c = 0; c < x.C; c++)
                        for (int k = 0; k < m; k++)
                            for (int a = 0; a < kh; a++)
                                for (int b = 0; b < kw; b++)
                                {
                                    int ih = i * s - ph + a * d, iw = j * s - pw + b * d;
                                    if (ih < 0 || ih >= x.H || iw < 0 || iw >= x.W) continue;
                                    y[n, i, j, c * m + k] += x[n, ih, iw, c] * f[((a * kw + b) * x.C + c) * m + k];
                                }
        return y;
    }

    /// <summary>Max or average over the in-bounds part of each window.</summary>
    public static Img Pool(Img x, int kh, int kw, int sh, int sw, bool same, bool max)
    {
        var (oh, ph) = Size(x.H, kh, sh, 1, same);
        var (ow, pw) = Size(x.W, kw, sw, 1, same);
        var y = Img.Zeros(x.N, oh, ow, x.C, x.Nchw);
        for (int n = 0; n < x.N; n++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                    for (int c = 0; c < x.C; c++)
                    {
                        double acc = max ? double.NegativeInfinity : 0;
                        int count = 0;
                        for (int a = 0; a < kh; a++)
                            for (int b = 0; b < kw; b++)
                            {
                                int ih = i * sh - ph + a, iw = j * sw - pw + b;
                                if (ih < 0 || ih >= x.H || iw < 0 || iw >= x.W) continue;
                                acc = max ? System.Math.Max(acc, x[n, ih, iw, c]) : acc + x[n, ih, iw, c];
                                count++;
                            }
                        y[n, i, j, c] = max ? acc : acc / count;
                    }
        return y;
    }

    /// <summary>Pooling's input gradient: the max's dy goes to the (unique) maximum, the average's is spread evenly.</summary>
    public static Img PoolBack(Img x, Img dy, int kh, int kw, int sh, int sw, bool same, bool max)
    {
        var (_, ph) = Size(x.H, kh, sh, 1, same);
        var (_, pw) = Size(x.W, kw, sw, 1, same);
        var dx = Img.Zeros(x.N, x.H, x.W, x.C, x.Nchw);
        for (int n = 0; n < x.N; n++)
            for (int i = 0; i < dy.H; i++)
                for (int j = 0; j < dy.W; j++)
                    for (int c = 0; c < x.C; c++)
                    {
                        var taps = new List<(int H, int W)>();
                        for (int a = 0; a < kh; a++)
                            for (int b = 0; b < kw; b++)
                            {
                                int ih = i * sh - ph + a, iw = j * sw - pw + b;
                                if (ih >= 0 && ih < x.H && iw >= 0 && iw < x.W) taps.Add((ih, iw));
                            }
                        if (max)
                        {
                            var best = taps.MaxBy(t => x[n, t.H, t.W, c]);
                            dx[n, best.H, best.W, c] += dy[n, i, j, c];
                        }
                        else
                            foreach (var t in taps) dx[n, t.H, t.W, c] += dy[n, i, j, c] / taps.Count;
                    }
        return dx;
    }
}
