using System.Numerics;

namespace GraphEngine.Ops.Compute;

/// <summary>
/// Depthwise 2-D convolution over NHWC input and [KH, KW, C, M] filters: output channel c·M+m sees
/// only input channel c. Direct loops: the per-pixel work is C·M multiply-adds, too little for a GEMM.
/// </summary>
public static class Depthwise
{
    /// <summary>y[N,OH,OW,C·M] = depthwise(x, f); y is overwritten.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> f, Span<T> y, in ConvGeometry g, int m) where T : unmanaged, INumber<T>
    {
        y.Clear();
        int c = g.C, oc = c * m;
        for (int n = 0; n < g.N; n++)
            for (int oh = 0; oh < g.OH; oh++)
                for (int ow = 0; ow < g.OW; ow++)
                {
                    var yp = y.Slice(((n * g.OH + oh) * g.OW + ow) * oc, oc);
                    for (int kh = 0; kh < g.KH; kh++)
                    {
                        int ih = oh * g.SH - g.PadTop + kh * g.DH;
                        if ((uint)ih >= (uint)g.H) continue;
                        for (int kw = 0; kw < g.KW; kw++)
                        {
                            int iw = ow * g.SW - g.PadLeft + kw * g.DW;
                            if ((uint)iw >= (uint)g.W) continue;
                            var xp = x.Slice(((n * g.H + ih) * g.W + iw) * c, c);
                            var fp = f.Slice((kh * g.KW + kw) * oc, oc);
                            for (int ch = 0; ch < c; ch++)
                                for (int j = 0; j < m; j++)
                                    yp[ch * m + j] += xp[ch] * fp[ch * m + j];
                        }
                    }
                }
    }

    /// <summary>dx[N,H,W,C] from dy; dx is overwritten.</summary>
    public static void BackwardInput<T>(ReadOnlySpan<T> f, ReadOnlySpan<T> dy, Span<T> dx, in ConvGeometry g, int m) where T : unmanaged, INumber<T>
    {
        dx.Clear();
        int c = g.C, oc = c * m;
        for (int n = 0; n < g.N; n++)
            for (int oh = 0; oh < g.OH; oh++)
                for (int ow = 0; ow < g.OW; ow++)
                {
                    var dyp = dy.Slice(((n * g.OH + oh) * g.OW + ow) * oc, oc);
                    for (int kh = 0; kh < g.KH; kh++)
                    {
                        int ih = oh * g.SH - g.PadTop + kh * g.DH;
                        if ((uint)ih >= (uint)g.H) continue;
                        for (int kw = 0; kw < g.KW; kw++)
                        {
                            int iw = ow * g.SW - g.PadLeft + kw * g.DW;
                            if ((uint)iw >= (uint)g.W) continue;
                            var dxp = dx.Slice(((n * g.H + ih) * g.W + iw) * c, c);
                            var fp = f.Slice((kh * g.KW + kw) * oc, oc);
                            for (int ch = 0; ch < c; ch++)
                            {
                                T acc = T.Zero;
                                for (int j = 0; j < m; j++) acc += dyp[ch * m + j] * fp[ch * m + j];
                                dxp[ch] += acc;
                            }
                        }
                    }
                }
    }

    /// <summary>df[KH,KW,C,M] from x and dy; df is overwritten.</summary>
    public static void BackwardFilter<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> df, in ConvGeometry g, int m) where T : unmanaged, INumber<T>
    {
        df.Clear();
        int c = g.C, oc = c * m;
        for (int n = 0; n < g.N; n++)
            for (int oh = 0; oh < g.OH; oh++)
                for (int ow = 0; ow < g.OW; ow++)
                {
                    var dyp = dy.Slice(((n * g.OH + oh) * g.OW + ow) * oc, oc);
                    for (int kh = 0; kh < g.KH; kh++)
                    {
                        int ih = oh * g.SH - g.PadTop + kh * g.DH;
                        if ((uint)ih >= (uint)g.H) continue;
                        for (int kw = 0; kw < g.KW; kw++)
                        {
                            int iw = ow * g.SW - g.PadLeft + kw * g.DW;
                            if ((uint)iw >= (uint)g.W) continue;
                            var xp = x.Slice(((n * g.H + ih) * g.W + iw) * c, c);
                            var dfp = df.Slice((kh * g.KW + kw) * oc, oc);
                            for (int ch = 0; ch < c; ch++)
                                for (int j = 0; j < m; j++)
                                    dfp[ch * m + j] += xp[ch] * dyp[ch * m + j];
                        }
                    }
                }
    }
}
