using System.Numerics;
using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Nn;

/// <summary>
/// CPU kernels of the convolution family, float and double (TF also has half/bfloat16 and an int32
/// Conv2D: not implemented here). Each kernel works in NHWC; NCHW goes through scratch copies.
/// </summary>
internal static class ConvKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(NnOps.Conv2D, NnOps.Conv2DBackpropInput, NnOps.Conv2DBackpropFilter,
            NnOps.DepthwiseConv2dNative, NnOps.DepthwiseConv2dNativeBackpropInput, NnOps.DepthwiseConv2dNativeBackpropFilter);
        k.Add(NnOps.Conv2D, DType.Float, c => new Conv2DKernel<float>(c, false));
        k.Add(NnOps.Conv2D, DType.Double, c => new Conv2DKernel<double>(c, false));
        k.Add(NnOps.Conv2DBackpropInput, DType.Float, c => new Conv2DBackpropInputKernel<float>(c, false));
        k.Add(NnOps.Conv2DBackpropInput, DType.Double, c => new Conv2DBackpropInputKernel<double>(c, false));
        k.Add(NnOps.Conv2DBackpropFilter, DType.Float, c => new Conv2DBackpropFilterKernel<float>(c, false));
        k.Add(NnOps.Conv2DBackpropFilter, DType.Double, c => new Conv2DBackpropFilterKernel<double>(c, false));
        k.Add(NnOps.DepthwiseConv2dNative, DType.Float, c => new Conv2DKernel<float>(c, true));
        k.Add(NnOps.DepthwiseConv2dNative, DType.Double, c => new Conv2DKernel<double>(c, true));
        k.Add(NnOps.DepthwiseConv2dNativeBackpropInput, DType.Float, c => new Conv2DBackpropInputKernel<float>(c, true));
        k.Add(NnOps.DepthwiseConv2dNativeBackpropInput, DType.Double, c => new Conv2DBackpropInputKernel<double>(c, true));
        k.Add(NnOps.DepthwiseConv2dNativeBackpropFilter, DType.Float, c => new Conv2DBackpropFilterKernel<float>(c, true));
        k.Add(NnOps.DepthwiseConv2dNativeBackpropFilter, DType.Double, c => new Conv2DBackpropFilterKernel<double>(c, true));
    }

    public static ConvParams ReadParams(OpKernelConstruction c, bool depthwise)
    {
        var p = ConvParams.Read(c, depthwise ? "DepthwiseConv2D" : c.Op.Name);
        // TF's depthwise kernels only take equal row and column strides.
        if (depthwise && p.StrideH != p.StrideW)
            throw new InvalidArgumentException("Current implementation only supports equal length strides in the row and column dimensions.");
        return p;
    }

    public static void Check4D(HostTensor t, string what)
    {
        if (t.Rank != 4) throw new InvalidArgumentException($"{what} must be 4-dimensional: {t.Shape}");
    }

    /// <summary>
    /// The NHWC geometry for input (N,H,W,C) and filter [KH,KW,in,out], with TF's checks: the
    /// filter's input depth must match (grouped convolutions are not implemented).
    /// </summary>
    public static ConvGeometry Geometry(ConvParams p, ReadOnlySpan<long> inputDims, ReadOnlySpan<long> filterDims, bool depthwise)
    {
        var (n, h, w, c) = p.Split(inputDims);
        if (depthwise)
        {
            if (c != filterDims[2])
                throw new InvalidArgumentException($"input and filter must have the same depth: {c} vs {filterDims[2]}");
        }
        else if (c != filterDims[2])
        {
            if (filterDims[2] == 0 || c % filterDims[2] != 0)
                throw new InvalidArgumentException($"input depth must be evenly divisible by filter depth: {c} vs {filterDims[2]}");
            throw new UnimplementedException(
                $"Grouped convolution (input depth {c}, filter depth {filterDims[2]}) is not implemented.");
        }
        return p.Geometry(n, h, w, c, filterDims[0], filterDims[1]);
    }

    /// <summary>
    /// Reads a 4-value int32/int64 sizes input (input_sizes/filter_sizes) into <paramref name="dst"/> (4 long);
    /// 2 values give the spatial dims only.
    /// </summary>
    public static Span<long> Sizes(HostTensor t, string opName, string what, Span<long> dst)
    {
        if (t.Rank != 1 || (t.NumElements != 4 && t.NumElements != 2))
            throw new InvalidArgumentException($"{opName}: {what} input must be 1-dim, not {t.Rank} (4 values expected, got shape {t.Shape})");
        int count = (int)t.NumElements;
        if (t.DType == DType.Int32)
        {
            var values = t.AsReadOnlySpan<int>();
            for (int i = 0; i < count; i++) dst[i] = values[i];
        }
        else if (t.DType == DType.Int64) t.AsReadOnlySpan<long>().CopyTo(dst);
        else throw new InvalidArgumentException($"{opName}: {what} must be int32 or int64, got {t.DType.Name()}");
        return dst[..count];
    }

    /// <summary>out_backprop must have the shape the forward op would have produced (TF's ConvBackpropComputeDimensions).</summary>
    public static void CheckOutBackprop(string op, ConvParams p, ConvGeometry g, long outDepth, HostTensor dy)
    {
        var expected = p.Join(g.N, g.OH, g.OW, outDepth, stackalloc long[4]);
        if (dy.Rank != 4 || !dy.Dims.SequenceEqual(expected))
            throw new InvalidArgumentException(
                $"{op}: Size of out_backprop doesn't match computed: actual = {dy.Shape}, computed = {new TensorShape(expected.ToArray())}");
    }
}

/// <summary>Conv2D (im2col + GEMM) and DepthwiseConv2dNative (direct loops).</summary>
internal sealed class Conv2DKernel<T>(OpKernelConstruction c, bool depthwise) : IOpKernel where T : unmanaged, INumber<T>
{
    private readonly ConvParams _p = ConvKernels.ReadParams(c, depthwise);

    public void Compute(OpKernelContext ctx)
    {
        var x = ctx.Input(0);
        var f = ctx.Input(1);
        ConvKernels.Check4D(x, "input");
        ConvKernels.Check4D(f, "filter");
        var g = ConvKernels.Geometry(_p, x.Dims, f.Dims, depthwise);
        long outDepth = depthwise ? g.C * f.Dims[3] : f.Dims[3];
        var y = ctx.AllocateOutput(0, _p.Join(g.N, g.OH, g.OW, outDepth, stackalloc long[4]));
        if (y.NumElements == 0) return;
        var xs = LayoutScratch.ToNhwc<T>(x, _p.Nchw, out var xScratch);
        var ys = LayoutScratch.OutputNhwc<T>(y, _p.Nchw, out var scratch);
        if (depthwise) Depthwise.Forward(xs, f.AsReadOnlySpan<T>(), ys, g, (int)f.Dims[3]);
        else Conv2d.Forward(xs, f.AsReadOnlySpan<T>(), ys, g, (int)outDepth);
        LayoutScratch.Finish(y, scratch);
        LayoutScratch.Return(xScratch);
    }
}

/// <summary>Conv2DBackpropInput / DepthwiseConv2dNativeBackpropInput: inputs (input_sizes, filter, out_backprop).</summary>
internal sealed class Conv2DBackpropInputKernel<T>(OpKernelConstruction c, bool depthwise) : IOpKernel where T : unmanaged, INumber<T>
{
    private readonly ConvParams _p = ConvKernels.ReadParams(c, depthwise);
    private readonly string _op = c.Op.Name;

    public void Compute(OpKernelContext ctx)
    {
        var f = ctx.Input(1);
        var dy = ctx.Input(2);
        ConvKernels.Check4D(f, "filter");
        ConvKernels.Check4D(dy, "out_backprop");
        Span<long> sizes = ConvKernels.Sizes(ctx.Input(0), _op, "input_sizes", stackalloc long[4]);
        if (sizes.Length == 2)
        {
            var (n, _, _, _) = _p.Split(dy.Dims);
            sizes = _p.Join(n, sizes[0], sizes[1], f.Dims[2], stackalloc long[4]);
        }
        var g = ConvKernels.Geometry(_p, sizes, f.Dims, depthwise);
        long outDepth = depthwise ? g.C * f.Dims[3] : f.Dims[3];
        ConvKernels.CheckOutBackprop(_op, _p, g, outDepth, dy);
        var dx = ctx.AllocateOutput(0, sizes);
        if (dx.NumElements == 0) return;
        var dys = LayoutScratch.ToNhwc<T>(dy, _p.Nchw, out var dyScratch);
        var dxs = LayoutScratch.OutputNhwc<T>(dx, _p.Nchw, out var scratch);
        if (depthwise) Depthwise.BackwardInput(f.AsReadOnlySpan<T>(), dys, dxs, g, (int)f.Dims[3]);
        else Conv2d.BackwardInput(f.AsReadOnlySpan<T>(), dys, dxs, g, (int)outDepth);
        LayoutScratch.Finish(dx, scratch);
        LayoutScratch.Return(dyScratch);
    }
}

/// <summary>Conv2DBackpropFilter / DepthwiseConv2dNativeBackpropFilter: inputs (input, filter_sizes, out_backprop).</summary>
internal sealed class Conv2DBackpropFilterKernel<T>(OpKernelConstruction c, bool depthwise) : IOpKernel where T : unmanaged, INumber<T>
{
    private readonly ConvParams _p = ConvKernels.ReadParams(c, depthwise);
    private readonly string _op = c.Op.Name;

    public void Compute(OpKernelContext ctx)
    {
        var x = ctx.Input(0);
        var dy = ctx.Input(2);
        ConvKernels.Check4D(x, "input");
        ConvKernels.Check4D(dy, "out_backprop");
        Span<long> sizes = ConvKernels.Sizes(ctx.Input(1), _op, "filter_sizes", stackalloc long[4]);
        if (sizes.Length != 4)
            throw new InvalidArgumentException($"{_op}: filter_sizes must have 4 values, got {sizes.Length}");
        var g = ConvKernels.Geometry(_p, x.Dims, sizes, depthwise);
        long outDepth = depthwise ? g.C * sizes[3] : sizes[3];
        ConvKernels.CheckOutBackprop(_op, _p, g, outDepth, dy);
        var df = ctx.AllocateOutput(0, sizes);
        if (df.NumElements == 0) return;
        var xs = LayoutScratch.ToNhwc<T>(x, _p.Nchw, out var xScratch);
        var dys = LayoutScratch.ToNhwc<T>(dy, _p.Nchw, out var dyScratch);
        if (depthwise) Depthwise.BackwardFilter(xs, dys, df.AsSpan<T>(), g, (int)sizes[3]);
        else Conv2d.BackwardFilter(xs, dys, df.AsSpan<T>(), g, (int)outDepth);
        LayoutScratch.Return(xScratch);
        LayoutScratch.Return(dyScratch);
    }
}
