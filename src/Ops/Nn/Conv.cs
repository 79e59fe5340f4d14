using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Nn;

/// <summary>2-D convolutions (TF: core/ops/nn_ops.cc, framework/common_shape_fns.cc, kernels/conv_ops.cc).</summary>
public static partial class NnOps
{
    private const string ConvAttrsTail = "explicit_paddings: list(int) = []";

    public static readonly OpDef Conv2D = OpDef.Define("Conv2D")
        .Input("input: T")
        .Input("filter: T")
        .Output("output: T")
        .Attr("T: {half, bfloat16, float, double, int32}")
        .Attr("strides: list(int)")
        .Attr("use_cudnn_on_gpu: bool = true")
        .Attr("padding: {'SAME', 'VALID', 'EXPLICIT'}")
        .Attr(ConvAttrsTail)
        .Attr("data_format: {'NHWC', 'NCHW'} = 'NHWC'")
        .Attr("dilations: list(int) = [1, 1, 1, 1]")
        .Shape(Conv2DShape);

    public static readonly OpDef Conv2DBackpropInput = OpDef.Define("Conv2DBackpropInput")
        .Input("input_sizes: int32")
        .Input("filter: T")
        .Input("out_backprop: T")
        .Output("output: T")
        .Attr("T: {half, bfloat16, float, double, int32}")
        .Attr("strides: list(int)")
        .Attr("use_cudnn_on_gpu: bool = true")
        .Attr("padding: {'SAME', 'VALID', 'EXPLICIT'}")
        .Attr(ConvAttrsTail)
        .Attr("data_format: {'NHWC', 'NCHW'} = 'NHWC'")
        .Attr("dilations: list(int) = [1, 1, 1, 1]")
        .Shape(Conv2DBackpropInputShape);

    public static readonly OpDef Conv2DBackpropFilter = OpDef.Define("Conv2DBackpropFilter")
        .Input("input: T")
        .Input("filter_sizes: int32")
        .Input("out_backprop: T")
        .Output("output: T")
        .Attr("T: {half, bfloat16, float, double}")
        .Attr("strides: list(int)")
        .Attr("use_cudnn_on_gpu: bool = true")
        .Attr("padding: {'SAME', 'VALID', 'EXPLICIT'}")
        .Attr(ConvAttrsTail)
        .Attr("data_format: {'NHWC', 'NCHW'} = 'NHWC'")
        .Attr("dilations: list(int) = [1, 1, 1, 1]")
        .Shape(c => c.SetOutput(0, c.InputAsShape(1).WithRank(4)));

    public static readonly OpDef DepthwiseConv2dNative = OpDef.Define("DepthwiseConv2dNative")
        .Input("input: T")
        .Input("filter: T")
        .Output("output: T")
        .Attr("T: {half, bfloat16, float, double}")
        .Attr("strides: list(int)")
        .Attr("padding: {'SAME', 'VALID', 'EXPLICIT'}")
        .Attr(ConvAttrsTail)
        .Attr("data_format: {'NHWC', 'NCHW'} = 'NHWC'")
        .Attr("dilations: list(int) = [1, 1, 1, 1]")
        .Shape(DepthwiseShape);

    public static readonly OpDef DepthwiseConv2dNativeBackpropInput = OpDef.Define("DepthwiseConv2dNativeBackpropInput")
        .Input("input_sizes: int32")
        .Input("filter: T")
        .Input("out_backprop: T")
        .Output("output: T")
        .Attr("T: {half, bfloat16, float, double}")
        .Attr("strides: list(int)")
        .Attr("padding: {'SAME', 'VALID', 'EXPLICIT'}")
        .Attr(ConvAttrsTail)
        .Attr("data_format: {'NHWC', 'NCHW'} = 'NHWC'")
        .Attr("dilations: list(int) = [1, 1, 1, 1]")
        .Shape(c => c.SetOutput(0, c.InputAsShape(0).WithRank(4)));

    public static readonly OpDef DepthwiseConv2dNativeBackpropFilter = OpDef.Define("DepthwiseConv2dNativeBackpropFilter")
        .Input("input: T")
        .Input("filter_sizes: int32")
        .Input("out_backprop: T")
        .Output("output: T")
        .Attr("T: {half, bfloat16, float, double}")
        .Attr("strides: list(int)")
        .Attr("padding: {'SAME', 'VALID', 'EXPLICIT'}")
        .Attr(ConvAttrsTail)
        .Attr("data_format: {'NHWC', 'NCHW'} = 'NHWC'")
        .Attr("dilations: list(int) = [1, 1, 1, 1]")
        .Shape(c => c.SetOutput(0, c.InputAsShape(1).WithRank(4)));

    /// <summary>TF's Conv2DShape: output [N, OH, OW, out_depth] in the node's layout; batch may be unknown.</summary>
    private static void Conv2DShape(InferenceContext c)
    {
        var p = ConvParams.Read(c, "Conv2D");
        var input = c.WithRank(0, 4);
        var filter = c.WithRank(1, 4);
        var (n, h, w, inDepth) = p.Split(input.Dims);
        long kh = filter[0], kw = filter[1], filterDepth = filter[2], outDepth = filter[3];
        if (inDepth >= 0 && filterDepth >= 0)
        {
            if (filterDepth == 0 || inDepth % filterDepth != 0)
                throw new InvalidArgumentException($"Depth of input ({inDepth}) is not a multiple of input depth of filter ({filterDepth})");
            long groups = inDepth / filterDepth;
            if (outDepth >= 0 && outDepth % groups != 0)
                throw new InvalidArgumentException($"Depth of output ({outDepth}) is not a multiple of the number of groups ({groups})");
        }
        long oh = p.InferOutput(h, kh, p.StrideH, p.DilationH);
        long ow = p.InferOutput(w, kw, p.StrideW, p.DilationW);
        c.SetOutput(0, new TensorShape(p.Join(n, oh, ow, outDepth)));
    }

    /// <summary>
    /// TF's Conv2DBackpropInputShape: the output is input_sizes, given as 4 values or (TF2) as the 2
    /// spatial ones, with batch taken from out_backprop and depth from the filter.
    /// </summary>
    private static void Conv2DBackpropInputShape(InferenceContext c)
    {
        var p = ConvParams.Read(c, "Conv2DBackpropInput");
        var sizes = c.Input(0);
        long count = sizes.HasRank && sizes.Rank == 1 ? sizes[0] : -1;
        if (count >= 0 && count != 4 && count != 2)
            throw new InvalidArgumentException($"Conv2DBackpropInput requires input_sizes to contain 4 values or 2 values, but got: {count}");
        if (count == 2)
        {
            var spatial = c.InputAsShape(0);
            var dy = c.WithRank(2, 4);
            var filter = c.WithRank(1, 4);
            c.SetOutput(0, new TensorShape(p.Join(dy[0], spatial.HasRank ? spatial[0] : -1, spatial.HasRank ? spatial[1] : -1, filter[2])));
            return;
        }
        c.SetOutput(0, c.InputAsShape(0).WithRank(4));
    }

    /// <summary>TF's DepthwiseConv2DNativeShape: output depth is in_depth · depth_multiplier.</summary>
    private static void DepthwiseShape(InferenceContext c)
    {
        var p = ConvParams.Read(c, "DepthwiseConv2D");
        var input = c.WithRank(0, 4);
        var filter = c.WithRank(1, 4);
        var (n, h, w, inDepth) = p.Split(input.Dims);
        InferenceContext.MergeDim(inDepth, filter[2]);
        long depth = inDepth >= 0 ? inDepth : filter[2];
        long outDepth = depth >= 0 && filter[3] >= 0 ? depth * filter[3] : -1;
        long oh = p.InferOutput(h, filter[0], p.StrideH, p.DilationH);
        long ow = p.InferOutput(w, filter[1], p.StrideW, p.DilationW);
        c.SetOutput(0, new TensorShape(p.Join(n, oh, ow, outDepth)));
    }
}
