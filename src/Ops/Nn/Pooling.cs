using System.Numerics;
using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Nn;

/// <summary>Max and average pooling (TF: core/ops/nn_ops.cc, kernels/maxpooling_op.cc, avgpooling_op.cc).</summary>
public static partial class NnOps
{
    private const string MaxPoolGradTypes = "{float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64}";

    public static readonly OpDef MaxPool = OpDef.Define("MaxPool")
        .Input("input: T")
        .Output("output: T")
        .Attr("T: {half, bfloat16, float, double, int32, int64, uint8, int16, int8, uint16, qint8} = DT_FLOAT")
        .Attr("ksize: list(int) >= 4")
        .Attr("strides: list(int) >= 4")
        .Attr("padding: {'SAME', 'VALID', 'EXPLICIT'}")
        .Attr("explicit_paddings: list(int) = []")
        .Attr("data_format: {'NHWC', 'NCHW', 'NCHW_VECT_C'} = 'NHWC'")
        .Shape(c => PoolShape(c, "MaxPool"));

    public static readonly OpDef AvgPool = OpDef.Define("AvgPool")
        .Input("value: T")
        .Output("output: T")
        .Attr("ksize: list(int) >= 4")
        .Attr("strides: list(int) >= 4")
        .Attr("padding: {'SAME', 'VALID'}")
        .Attr("data_format: {'NHWC', 'NCHW'} = 'NHWC'")
        .Attr("T: {half, bfloat16, float, double}")
        .Shape(c => PoolShape(c, "AvgPool"));

    public static readonly OpDef MaxPoolGrad = OpDef.Define("MaxPoolGrad")
        .Input("orig_input: T")
        .Input("orig_output: T")
        .Input("grad: T")
        .Output("output: T")
        .Attr("ksize: list(int) >= 4")
        .Attr("strides: list(int) >= 4")
        .Attr("padding: {'SAME', 'VALID', 'EXPLICIT'}")
        .Attr("explicit_paddings: list(int) = []")
        .Attr("data_format: {'NHWC', 'NCHW'} = 'NHWC'")
        .Attr("T: " + MaxPoolGradTypes + " = DT_FLOAT")
        .Shape(c => c.SetOutput(0, c.WithRank(0, 4)));

    public static readonly OpDef AvgPoolGrad = OpDef.Define("AvgPoolGrad")
        .Input("orig_input_shape: int32")
        .Input("grad: T")
        .Output("output: T")
        .Attr("ksize: list(int) >= 4")
        .Attr("strides: list(int) >= 4")
        .Attr("padding: {'SAME', 'VALID'}")
        .Attr("data_format: {'NHWC', 'NCHW'} = 'NHWC'")
        .Attr("T: {half, bfloat16, float, double}")
        .Shape(c => c.SetOutput(0, c.InputAsShape(0).WithRank(4)));

    public static readonly OpDef MaxPoolGradGrad = OpDef.Define("MaxPoolGradGrad")
        .Input("orig_input: T")
        .Input("orig_output: T")
        .Input("grad: T")
        .Output("output: T")
        .Attr("ksize: list(int) >= 4")
        .Attr("strides: list(int) >= 4")
        .Attr("padding: {'SAME', 'VALID'}")
        .Attr("data_format: {'NHWC', 'NCHW'} = 'NHWC'")
        .Attr("T: " + MaxPoolGradTypes)
        .Shape(c =>
        {
            // TF: the pooled shape of orig_input, which must agree with orig_output; grad has orig_input's shape.
            PoolShape(c, "MaxPoolGradGrad");
            c.WithRank(2, 4).MergeWith(c.WithRank(0, 4));
            c.SetOutput(0, c.Outputs[0].MergeWith(c.WithRank(1, 4)));
        });

    /// <summary>TF's MaxPoolShape/AvgPoolShape: the pooled [N, OH, OW, C] in the node's layout.</summary>
    private static void PoolShape(InferenceContext c, string what)
    {
        var p = PoolParams.Read(c.Attr, c.HasAttr, what);
        var input = c.WithRank(0, 4);
        var (n, h, w, ch) = p.Conv.Split(input.Dims);
        long oh = p.Conv.InferOutput(h, p.KH, p.Conv.StrideH, 1);
        long ow = p.Conv.InferOutput(w, p.KW, p.Conv.StrideW, 1);
        c.SetOutput(0, new TensorShape(p.Conv.Join(n, oh, ow, ch)));
    }
}

/// <summary>Window attrs of a pooling node: strides/padding/layout plus the spatial ksize.</summary>
internal sealed record PoolParams(ConvParams Conv, long KH, long KW)
{
    public static PoolParams Read(Func<string, AttrValue> attr, Func<string, bool> has, string what)
    {
        var ksize = attr("ksize").ListI;
        if (ksize.Length != 4)
            throw new InvalidArgumentException($"{what} requires the ksize attribute to contain 4 values, but got: {ksize.Length}");
        var strides = attr("strides").ListI;
        bool nchw = has("data_format") && attr("data_format").S == "NCHW";
        int c = nchw ? 1 : 3;
        // TF's messages for windows over the batch; depth windows are TF's depthwise max pooling, not built here.
        if (ksize[0] != 1 || (strides.Length == 4 && strides[0] != 1))
            throw new InvalidArgumentException("Pooling is not yet supported on the batch dimension.");
        if (ksize[c] != 1 || (strides.Length == 4 && strides[c] != 1))
            throw new UnimplementedException($"{what} over the depth dimension (depthwise pooling) is not implemented.");
        var conv = ConvParams.Read(attr, has, what, hasDilations: false);
        int h = conv.HIndex;
        if (ksize[h] < 1 || ksize[h + 1] < 1)
            throw new InvalidArgumentException("Sliding window ksize field must specify 4 dimensions and be positive");
        return new PoolParams(conv, ksize[h], ksize[h + 1]);
    }

    public static PoolParams Read(OpKernelConstruction c) => Read(c.Attr, c.HasAttr, c.Op.Name);

    public ConvGeometry Geometry(ReadOnlySpan<long> inputDims)
    {
        var (n, h, w, ch) = Conv.Split(inputDims);
        return ConvGeometry.Create(n, h, w, ch, KH, KW, Conv.StrideH, Conv.StrideW, 1, 1, Conv.Same);
    }
}

internal static class PoolingKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(NnOps.MaxPool, NnOps.AvgPool, NnOps.MaxPoolGrad, NnOps.AvgPoolGrad, NnOps.MaxPoolGradGrad);
        k.Add(NnOps.MaxPool, DType.Float, c => new PoolKernel<float>(c, max: true));
        k.Add(NnOps.MaxPool, DType.Double, c => new PoolKernel<double>(c, max: true));
        k.Add(NnOps.AvgPool, DType.Float, c => new PoolKernel<float>(c, max: false));
        k.Add(NnOps.AvgPool, DType.Double, c => new PoolKernel<double>(c, max: false));
        k.Add(NnOps.MaxPoolGrad, DType.Float, c => new MaxPoolGradKernel<float>(c, gradGrad: false));
        k.Add(NnOps.MaxPoolGrad, DType.Double, c => new MaxPoolGradKernel<double>(c, gradGrad: false));
        k.Add(NnOps.MaxPoolGradGrad, DType.Float, c => new MaxPoolGradKernel<float>(c, gradGrad: true));
        k.Add(NnOps.MaxPoolGradGrad, DType.Double, c => new MaxPoolGradKernel<double>(c, gradGrad: true));
        k.Add(NnOps.AvgPoolGrad, DType.Float, c => new AvgPoolGradKernel<float>(c));
        k.Add(NnOps.AvgPoolGrad, DType.Double, c => new AvgPoolGradKernel<double>(c));
    }

    public static void Check4D(HostTensor t, string what)
    {
        if (t.Rank != 4) throw new InvalidArgumentException($"{what} must be 4-dimensional");
    }
}

internal sealed class PoolKernel<T>(OpKernelConstruction c, bool max) : IOpKernel where T : unmanaged, INumber<T>
{
    private readonly PoolParams _p = PoolParams.Read(c);

    public void Compute(OpKernelContext ctx)
    {
        var x = ctx.Input(0);
        PoolingKernels.Check4D(x, "input");
        var g = _p.Geometry(x.Dims);
        var y = ctx.AllocateOutput(0, _p.Conv.Join(g.N, g.OH, g.OW, g.C, stackalloc long[4]));
        if (y.NumElements == 0) return;
        var xs = LayoutScratch.ToNhwc<T>(x, _p.Conv.Nchw, out var xScratch);
        var ys = LayoutScratch.OutputNhwc<T>(y, _p.Conv.Nchw, out var scratch);
        if (max) Pooling.MaxForward(xs, ys, g);
        else Pooling.AvgForward(xs, ys, g);
        LayoutScratch.Finish(y, scratch);
        LayoutScratch.Return(xScratch);
    }
}

/// <summary>MaxPoolGrad (dy → dx at each window's maximum) and MaxPoolGradGrad (ddx → ddy, the gather back).</summary>
internal sealed class MaxPoolGradKernel<T>(OpKernelConstruction c, bool gradGrad) : IOpKernel where T : unmanaged, INumber<T>
{
    private readonly PoolParams _p = PoolParams.Read(c);

    public void Compute(OpKernelContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Input(1);
        var grad = ctx.Input(2);
        PoolingKernels.Check4D(x, "orig_input");
        PoolingKernels.Check4D(y, "orig_output");
        PoolingKernels.Check4D(grad, "grad");
        var g = _p.Geometry(x.Dims);
        ReadOnlySpan<long> pooled = _p.Conv.Join(g.N, g.OH, g.OW, g.C, stackalloc long[4]);
        if (!y.Dims.SequenceEqual(pooled))
            throw new InvalidArgumentException($"Expected orig_output shape to be {new TensorShape(pooled.ToArray())}, but got {y.Shape}");
        var gradShape = gradGrad ? x.Dims : pooled;
        if (!grad.Dims.SequenceEqual(gradShape))
            throw new InvalidArgumentException($"Expected grad shape to be {new TensorShape(gradShape.ToArray())}, but got {grad.Shape}");
        var output = ctx.AllocateOutput(0, gradGrad ? pooled : x.Dims);
        if (output.NumElements == 0) return;
        var xs = LayoutScratch.ToNhwc<T>(x, _p.Conv.Nchw, out var xScratch);
        var gs = LayoutScratch.ToNhwc<T>(grad, _p.Conv.Nchw, out var gScratch);
        var os = LayoutScratch.OutputNhwc<T>(output, _p.Conv.Nchw, out var scratch);
        if (gradGrad) Pooling.MaxGradGrad(xs, gs, os, g);
        else Pooling.MaxBackward(xs, gs, os, g);
        LayoutScratch.Finish(output, scratch);
        LayoutScratch.Return(xScratch);
        LayoutScratch.Return(gScratch);
    }
}

internal sealed class AvgPoolGradKernel<T>(OpKernelConstruction c) : IOpKernel where T : unmanaged, INumber<T>
{
    private readonly PoolParams _p = PoolParams.Read(c);

    public void Compute(OpKernelContext ctx)
    {
        var shapeTensor = ctx.Input(0);
        var grad = ctx.Input(1);
        if (shapeTensor.Rank != 1 || shapeTensor.NumElements != 4)
            throw new InvalidArgumentException($"orig_input_shape must be 1-dimensional and 4 elements");
        PoolingKernels.Check4D(grad, "grad");
        Span<long> dims = stackalloc long[4];
        shapeTensor.CopyInt64To(dims);
        var g = _p.Geometry(dims);
        var pooled = _p.Conv.Join(g.N, g.OH, g.OW, g.C, stackalloc long[4]);
        if (!grad.Dims.SequenceEqual(pooled))
            throw new InvalidArgumentException($"Expected grad shape to be {new TensorShape(pooled.ToArray())}, but got {grad.Shape}");
        var dx = ctx.AllocateOutput(0, dims);
        if (dx.NumElements == 0) return;
        var gs = LayoutScratch.ToNhwc<T>(grad, _p.Conv.Nchw, out var gScratch);
        var ds = LayoutScratch.OutputNhwc<T>(dx, _p.Conv.Nchw, out var scratch);
        Pooling.AvgBackward(gs, ds, g);
        LayoutScratch.Finish(dx, scratch);
        LayoutScratch.Return(gScratch);
    }
}
