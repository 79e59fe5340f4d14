using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using PSummary = GraphEngine.Ops.Proto.Summary;

namespace GraphEngine.Ops.Summaries;

/// <summary>
/// ImageSummary's kernel (TF: kernels/summary_image_op.cc): the first max_images images of a
/// [batch, height, width, channels] tensor (channels 1, 3 or 4) become PNGs. uint8 pixels are
/// taken as they are; float images are scaled per image: all non-negative → by 255/max, any
/// negative → by 127/max|v| around 128; pixels with a non-finite channel get bad_color.
/// </summary>
internal sealed class ImageSummaryKernel : IOpKernel
{
    private readonly int _maxImages;
    private readonly byte[] _badColor;

    public ImageSummaryKernel(OpKernelConstruction c)
    {
        _maxImages = checked((int)c.Attr("max_images").I);
        var bad = c.Attr("bad_color").Tensor;
        if (bad.DType != DType.UInt8 || bad.Rank != 1)
            throw new InvalidArgumentException($"ImageSummary node '{c.Node.Name}': bad_color must be a uint8 vector, got {bad.DType.Name()} of shape {bad.Shape}.");
        _badColor = bad.ToArray<byte>();
    }

    public void Compute(OpKernelContext ctx)
    {
        string tag = SummaryOps.ScalarTag(ctx, 0, "tag");
        var images = ctx.Input(1);
        var d = images.Dims;
        if (images.Rank != 4 || d[3] is not (1 or 3 or 4))
            throw new InvalidArgumentException($"ImageSummary node '{ctx.Node.Name}': tensor must be 4-D with last dim 1, 3, or 4, not {images.Shape}.");
        int channels = (int)d[3];
        if (_badColor.Length < channels)
            throw new InvalidArgumentException($"ImageSummary node '{ctx.Node.Name}': bad_color has {_badColor.Length} channels, the images have {channels}.");
        if (d[1] * d[2] >= (1L << 29) || d[1] >= int.MaxValue || d[2] >= int.MaxValue)
            throw new InvalidArgumentException($"ImageSummary node '{ctx.Node.Name}': image of {d[1]}x{d[2]} is too large to encode.");
        int height = (int)d[1], width = (int)d[2];
        int batch = (int)System.Math.Min(d[0], _maxImages);
        int pixels = height * width, size = pixels * channels;
        var s = new PSummary();
        var rgb = new byte[size];
        for (int b = 0; b < batch; b++)
        {
            if (size == 0) break;
            ToUint8(images, (long)b * size, pixels, channels, rgb);
            s.Value.Add(new PSummary.Types.Value
            {
                Tag = batch == 1 ? tag + "/image" : $"{tag}/image/{b}",
                Image = new PSummary.Types.Image
                {
                    Height = height,
                    Width = width,
                    Colorspace = channels,
                    EncodedImageString = Google.Protobuf.ByteString.CopyFrom(PngEncoder.Encode(rgb, width, height, channels)),
                },
            });
        }
        ctx.SetOutput(0, SummaryOps.Output(s));
    }

    private void ToUint8(HostTensor images, long start, int pixels, int channels, byte[] into)
    {
        if (images.DType == DType.UInt8)
        {
            images.AsSpan<byte>().Slice((int)start, into.Length).CopyTo(into);
            return;
        }
        // TF computes in the tensor's type; float and half both compute in float here (half's
        // scaling result is then rounded to uint8 the same way), double in double.
        bool isDouble = images.DType == DType.Double;
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int p = 0; p < pixels; p++)
        {
            if (!PixelFinite(images, start + (long)p * channels, channels)) continue;
            for (int c = 0; c < channels; c++)
            {
                double v = (float)SummaryOps.ReadAsDouble(images, start + (long)p * channels + c);
                min = System.Math.Min(min, v);
                max = System.Math.Max(max, v);
            }
        }
        const float ZeroThreshold = 1e-6f;
        double scale, offset;
        if (min < 0)
        {
            float maxAbs = (float)System.Math.Max(System.Math.Abs(min), System.Math.Abs(max));
            scale = maxAbs < ZeroThreshold ? 0.0 : 127.0f / maxAbs;
            offset = 128.0;
        }
        else
        {
            scale = max < ZeroThreshold ? 0.0 : 255.0f / (float)max;
            offset = 0.0;
        }
        for (int p = 0; p < pixels; p++)
        {
            long at = start + (long)p * channels;
            bool finite = PixelFinite(images, at, channels);
            for (int c = 0; c < channels; c++)
            {
                if (!finite) { into[p * channels + c] = _badColor[c]; continue; }
                double v = SummaryOps.ReadAsDouble(images, at + c);
                double scaled = isDouble ? v * scale + offset : (float)((float)v * (float)scale + (float)offset);
                // static_cast<uint8> truncates toward zero; the value is in [0, 255] by construction.
                into[p * channels + c] = (byte)System.Math.Clamp(System.Math.Truncate(scaled), 0, 255);
            }
        }
    }

    private static bool PixelFinite(HostTensor t, long at, int channels)
    {
        for (int c = 0; c < channels; c++)
            if (!double.IsFinite(SummaryOps.ReadAsDouble(t, at + c))) return false;
        return true;
    }
}
