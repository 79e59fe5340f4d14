using GraphEngine.Ops.Core;

namespace GraphEngine.Ops.Compute;

/// <summary>
/// The sizes of one 2-D windowed operation (convolution or pooling) in NHWC terms: input
/// [N, H, W, C], window [KH, KW] (dilated by DH, DW), strides SH, SW, output [N, OH, OW, ·], and
/// the padding added before the first row/column (SAME pads the remainder after the last one).
/// </summary>
public readonly record struct ConvGeometry(
    int N, int H, int W, int C, int KH, int KW, int SH, int SW, int DH, int DW, int OH, int OW, int PadTop, int PadLeft)
{
    /// <summary>Window elements per output pixel and input channel group: KH·KW·C (im2col row length).</summary>
    public int PatchSize => KH * KW * C;

    /// <summary>Builds the geometry, computing output sizes and padding the way TF's GetWindowedOutputSize does.</summary>
    public static ConvGeometry Create(long n, long h, long w, long c, long kh, long kw, long sh, long sw, long dh, long dw, bool same)
    {
        var (oh, padTop) = Windowed.OutputSize(h, kh, dh, sh, same);
        var (ow, padLeft) = Windowed.OutputSize(w, kw, dw, sw, same);
        return new ConvGeometry(checked((int)n), checked((int)h), checked((int)w), checked((int)c), checked((int)kh), checked((int)kw),
            checked((int)sh), checked((int)sw), checked((int)dh), checked((int)dw), checked((int)oh), checked((int)ow),
            checked((int)padTop), checked((int)padLeft));
    }
}

/// <summary>Output size of one windowed dimension (TF's GetWindowedOutputSizeVerbose, without EXPLICIT padding).</summary>
public static class Windowed
{
    public static (long Output, long PadBefore) OutputSize(long input, long filter, long dilation, long stride, bool same)
    {
        if (stride <= 0) throw new InvalidArgumentException($"Stride must be > 0, but got {stride}");
        if (dilation < 1) throw new InvalidArgumentException($"Dilation rate must be >= 1, but got {dilation}");
        long effective = (filter - 1) * dilation + 1;
        long output;
        long padBefore = 0;
        if (same)
        {
            output = (input + stride - 1) / stride;
            long needed = System.Math.Max(0, (output - 1) * stride + effective - input);
            // TF puts the smaller half before: an odd total pads one more row at the bottom/right.
            padBefore = needed / 2;
        }
        else
        {
            output = (input - effective + stride) / stride;
        }
        if (output < 0)
            throw new InvalidArgumentException(
                $"Computed output size would be negative: {output} [input_size: {input}, effective_filter_size: {effective}, stride: {stride}]");
        return (output, padBefore);
    }
}

/// <summary>NCHW ↔ NHWC copies, so the NHWC kernels serve both layouts.</summary>
public static class Layout
{
    public static void NchwToNhwc<T>(ReadOnlySpan<T> src, Span<T> dst, int n, int c, int h, int w) where T : unmanaged
    {
        int hw = h * w;
        for (int b = 0; b < n; b++)
        {
            var s = src.Slice(b * c * hw, c * hw);
            var d = dst.Slice(b * c * hw, c * hw);
            for (int ch = 0; ch < c; ch++)
                for (int p = 0; p < hw; p++)
                    d[p * c + ch] = s[ch * hw + p];
        }
    }

    public static void NhwcToNchw<T>(ReadOnlySpan<T> src, Span<T> dst, int n, int c, int h, int w) where T : unmanaged
    {
        int hw = h * w;
        for (int b = 0; b < n; b++)
        {
            var s = src.Slice(b * c * hw, c * hw);
            var d = dst.Slice(b * c * hw, c * hw);
            for (int p = 0; p < hw; p++)
                for (int ch = 0; ch < c; ch++)
                    d[ch * hw + p] = s[p * c + ch];
        }
    }
}
