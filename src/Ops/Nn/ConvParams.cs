using System.Buffers;
using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Nn;

/// <summary>
/// The window attrs shared by convolution and pooling ops (strides, dilations or ksize, padding,
/// data_format), read once and checked with TF's messages. Spatial values are kept in H, W order
/// whatever the layout.
/// </summary>
internal sealed record ConvParams(string Op, bool Nchw, bool Same, long StrideH, long StrideW, long DilationH, long DilationW)
{
    /// <summary>Index of H in a 4-D tensor of this layout (W follows it); N is 0.</summary>
    public int HIndex => Nchw ? 2 : 1;
    public int CIndex => Nchw ? 1 : 3;

    /// <summary>
    /// Reads strides/dilations/padding/data_format of a node. <paramref name="what"/> names the op
    /// in messages the way TF's shape functions do ("Conv2D", "DepthwiseConv2D", "MaxPool").
    /// </summary>
    public static ConvParams Read(Func<string, AttrValue> attr, Func<string, bool> has, string what, bool hasDilations = true)
    {
        string format = has("data_format") ? attr("data_format").S : "NHWC";
        if (format is not ("NHWC" or "NCHW"))
            throw new UnimplementedException($"{what} with data_format {format} is not implemented.");
        bool nchw = format == "NCHW";
        var strides = attr("strides").ListI;
        if (strides.Length != 4)
            throw new InvalidArgumentException($"{what} requires the stride attribute to contain 4 values, but got: {strides.Length}");
        long[] dilations = hasDilations && has("dilations") ? attr("dilations").ListI : [1, 1, 1, 1];
        if (dilations.Length != 4)
            throw new InvalidArgumentException($"{what} requires the dilation attribute to contain 4 values, but got: {dilations.Length}");
        string padding = attr("padding").S;
        if (padding == "EXPLICIT")
            throw new UnimplementedException($"{what} with padding EXPLICIT (explicit_paddings) is not implemented; use SAME or VALID.");
        int h = nchw ? 2 : 1, w = h + 1, c = nchw ? 1 : 3;
        if (strides[0] != 1 || strides[c] != 1)
            throw new InvalidArgumentException("Current implementation does not yet support strides in the batch and depth dimensions.");
        if (dilations[0] != 1 || dilations[c] != 1)
            throw new InvalidArgumentException("Current implementation does not yet support dilations in the batch and depth dimensions.");
        if (strides[h] < 1 || strides[w] < 1)
            throw new InvalidArgumentException("Row and column strides should be larger than 0.");
        if (dilations[h] < 1 || dilations[w] < 1)
            throw new InvalidArgumentException("Dilated rates should be larger than 0.");
        return new ConvParams(what, nchw, padding == "SAME", strides[h], strides[w], dilations[h], dilations[w]);
    }

    public static ConvParams Read(InferenceContext c, string what, bool hasDilations = true) => Read(c.Attr, c.HasAttr, what, hasDilations);

    public static ConvParams Read(OpKernelConstruction c, string what, bool hasDilations = true) =>
        Read(c.Attr, c.HasAttr, what, hasDilations);

    /// <summary>(N, H, W, C) of a 4-D shape in this layout.</summary>
    public (long N, long H, long W, long C) Split(ReadOnlySpan<long> d) =>
        Nchw ? (d[0], d[2], d[3], d[1]) : (d[0], d[1], d[2], d[3]);

    /// <summary>A 4-D shape in this layout from N, H, W, C.</summary>
    public long[] Join(long n, long h, long w, long c) => Nchw ? [n, c, h, w] : [n, h, w, c];

    /// <summary><see cref="Join(long, long, long, long)"/> into a caller's buffer (a stackalloc), so kernels allocate nothing per run.</summary>
    public Span<long> Join(long n, long h, long w, long c, Span<long> dst)
    {
        dst = dst[..4];
        dst[0] = n;
        if (Nchw) { dst[1] = c; dst[2] = h; dst[3] = w; }
        else { dst[1] = h; dst[2] = w; dst[3] = c; }
        return dst;
    }

    /// <summary>
    /// Output size of one spatial dim in a shape function (TF's GetWindowedOutputSizeFromDimsV2):
    /// unknown stays unknown; a VALID window larger than the input is TF's "Negative dimension" error.
    /// </summary>
    public long InferOutput(long input, long filter, long stride, long dilation)
    {
        if (input < 0 || filter < 0) return -1;
        long effective = (filter - 1) * dilation + 1;
        if (Same) return (input + stride - 1) / stride;
        if (input < effective)
            throw new InvalidArgumentException($"Negative dimension size caused by subtracting {effective} from {input}");
        return (input - effective + stride) / stride;
    }

    /// <summary>The NHWC geometry for a run, from the NHWC sizes of input and window.</summary>
    public ConvGeometry Geometry(long n, long h, long w, long c, long kh, long kw) =>
        ConvGeometry.Create(n, h, w, c, kh, kw, StrideH, StrideW, DilationH, DilationW, Same);
}

/// <summary>
/// NCHW tensors go through NHWC scratch copies so one NHWC kernel serves both layouts. Scratch is
/// rented from the shared pool and handed back by <see cref="Finish{T}"/> / <see cref="Return{T}"/>
/// (a kernel that throws midway just leaves it to the GC).
/// </summary>
internal static class LayoutScratch
{
    /// <summary>The input's data in NHWC order: the tensor's own span for NHWC, a transposed copy for NCHW.</summary>
    public static ReadOnlySpan<T> ToNhwc<T>(HostTensor t, bool nchw, out T[]? scratch) where T : unmanaged
    {
        scratch = null;
        if (!nchw) return t.AsReadOnlySpan<T>();
        var d = t.Dims;
        int n = checked((int)t.NumElements);
        scratch = ArrayPool<T>.Shared.Rent(n);
        Layout.NchwToNhwc(t.AsReadOnlySpan<T>(), scratch.AsSpan(0, n), (int)d[0], (int)d[1], (int)d[2], (int)d[3]);
        return scratch.AsSpan(0, n);
    }

    /// <summary>Where a kernel writes an NHWC result: the output itself for NHWC, scratch to transpose later for NCHW.</summary>
    public static Span<T> OutputNhwc<T>(HostTensor output, bool nchw, out T[]? scratch) where T : unmanaged
    {
        if (!nchw)
        {
            scratch = null;
            return output.AsSpan<T>();
        }
        int n = checked((int)output.NumElements);
        scratch = ArrayPool<T>.Shared.Rent(n);
        return scratch.AsSpan(0, n);
    }

    /// <summary>Moves an NHWC scratch result into the NCHW output and returns the scratch.</summary>
    public static void Finish<T>(HostTensor output, T[]? scratch) where T : unmanaged
    {
        if (scratch == null) return;
        var d = output.Dims;
        Layout.NhwcToNchw<T>(scratch.AsSpan(0, (int)output.NumElements), output.AsSpan<T>(), (int)d[0], (int)d[1], (int)d[2], (int)d[3]);
        ArrayPool<T>.Shared.Return(scratch);
    }

    /// <summary>Hands input scratch back to the pool.</summary>
    public static void Return<T>(T[]? scratch) where T : unmanaged
    {
        if (scratch != null) ArrayPool<T>.Shared.Return(scratch);
    }
}
