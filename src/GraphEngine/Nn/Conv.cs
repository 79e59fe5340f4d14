using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Nn;

namespace GraphEngine;

public static partial class tf
{
    public static partial class nn
    {
        /// <summary>2-D convolution of a 4-D input with a [KH, KW, in, out] filter (Conv2D).</summary>
        /// <param name="strides">1, 2 or 4 values (TF's _get_sequence): one value is used for both spatial dims.</param>
        /// <param name="dilations">null, or 1, 2 or 4 values as for strides.</param>
        public static Tensor conv2d(Tensor input, Tensor filter, int[] strides, string padding, string data_format = "NHWC",
            int[]? dilations = null, bool use_cudnn_on_gpu = true, string? name = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            return new OpBuilder(NnOps.Conv2D, name ?? "Conv2D").Input(input).Input(filter)
                .Attr("strides", NnArgs.Spatial(strides, "strides", data_format, name ?? "Conv2D"))
                .Attr("use_cudnn_on_gpu", use_cudnn_on_gpu)
                .Attr("padding", padding)
                .Attr("data_format", data_format)
                .Attr("dilations", NnArgs.Spatial(dilations ?? [1], "dilations", data_format, name ?? "Conv2D"))
                .Build().outputs[0];
        }

        /// <summary>
        /// The gradient of conv2d with respect to its input, used as a "deconvolution"
        /// (Conv2DBackpropInput with input_sizes = <paramref name="output_shape"/>).
        /// </summary>
        public static Tensor conv2d_transpose(Tensor value, Tensor filter, object output_shape, int[] strides, string padding = "SAME",
            string data_format = "NHWC", string? name = null, int[]? dilations = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            var sizes = output_shape as Tensor ?? constant(output_shape, DType.Int32, name: "output_shape");
            return new OpBuilder(NnOps.Conv2DBackpropInput, name ?? "conv2d_transpose").Input(sizes).Input(filter).Input(value)
                .Attr("strides", NnArgs.Spatial(strides, "strides", data_format, name ?? "conv2d_transpose"))
                .Attr("padding", padding)
                .Attr("data_format", data_format)
                .Attr("dilations", NnArgs.Spatial(dilations ?? [1], "dilations", data_format, name ?? "conv2d_transpose"))
                .Build().outputs[0];
        }

        /// <summary>
        /// Depthwise 2-D convolution with a [KH, KW, in, multiplier] filter. TF1 implements rate &gt; 1 by
        /// space_to_batch around the op; here the op's own dilations attr carries it (same result).
        /// </summary>
        public static Tensor depthwise_conv2d(Tensor input, Tensor filter, int[] strides, string padding, int[]? rate = null,
            string? name = null, string data_format = "NHWC", int[]? dilations = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            return new OpBuilder(NnOps.DepthwiseConv2dNative, name ?? "depthwise").Input(input).Input(filter)
                .Attr("strides", NnArgs.Spatial(strides, "strides", data_format, name ?? "depthwise"))
                .Attr("padding", padding)
                .Attr("data_format", data_format)
                .Attr("dilations", NnArgs.Spatial(dilations ?? rate ?? [1], "dilations", data_format, name ?? "depthwise"))
                .Build().outputs[0];
        }

        /// <summary>The raw DepthwiseConv2dNative op (tf.nn.depthwise_conv2d_native).</summary>
        public static Tensor depthwise_conv2d_native(Tensor input, Tensor filter, int[] strides, string padding,
            string data_format = "NHWC", int[]? dilations = null, string? name = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
            depthwise_conv2d(input, filter, strides, padding, null, name ?? "DepthwiseConv2dNative", data_format, dilations, file, line);
    }
}

/// <summary>Argument expansion shared by the nn builders.</summary>
internal static class NnArgs
{
    /// <summary>TF's _get_sequence for 2-D ops: 1 or 2 spatial values become the 4-value attr of the layout.</summary>
    public static AttrValue Spatial(int[] values, string name, string dataFormat, string op)
    {
        bool nchw = dataFormat.StartsWith("NC", StringComparison.Ordinal);
        long[] full = values.Length switch
        {
            1 => nchw ? [1, 1, values[0], values[0]] : [1, values[0], values[0], 1],
            2 => nchw ? [1, 1, values[0], values[1]] : [1, values[0], values[1], 1],
            4 => values.Select(v => (long)v).ToArray(),
            _ => throw new InvalidArgumentException(
                $"{op}: {name} should be of length 1, 2 or 4. Received: {name}=[{string.Join(", ", values)}] of length {values.Length}"),
        };
        return AttrValue.Of(full);
    }

    /// <summary>Copies the named attrs of <paramref name="op"/> onto a gradient op (TF's op.get_attr(...) pass-through).</summary>
    public static OpBuilder CopyAttrs(this OpBuilder b, Operation op, params string[] names)
    {
        foreach (var n in names)
            if (op.NodeDef.Attr.TryGetValue(n, out var v)) b.Attr(n, v);
        return b;
    }
}

/// <summary>Gradients of the convolutions (TF: python/ops/nn_grad.py).</summary>
internal static class ConvGradients
{
    private static readonly string[] ConvAttrs = ["strides", "padding", "explicit_paddings", "use_cudnn_on_gpu", "data_format", "dilations"];
    private static readonly string[] DepthwiseAttrs = ["strides", "padding", "explicit_paddings", "data_format", "dilations"];

    private static Tensor Build(OpDef def, Operation op, string[] attrs, Tensor a, Tensor b, Tensor c) =>
        new OpBuilder(def).Input(a).Input(b).Input(c).CopyAttrs(op, attrs).Build().outputs[0];

    private static Tensor Forward(OpDef def, Operation op, string[] attrs, Tensor x, Tensor f) =>
        new OpBuilder(def).Input(x).Input(f).CopyAttrs(op, attrs).Build().outputs[0];

    public static void Register(GradientRegistry g)
    {
        // _Conv2DGrad: the two backprop ops with the forward op's attrs.
        g.Add(NnOps.Conv2D, static (op, grads) =>
        {
            var (x, f, dy) = (op.inputs[0], op.inputs[1], grads[0]!);
            return [Build(NnOps.Conv2DBackpropInput, op, ConvAttrs, tf.shape(x), f, dy),
                    Build(NnOps.Conv2DBackpropFilter, op, ConvAttrs, x, tf.shape(f), dy)];
        });
        // _Conv2DBackpropInputGrad: the op is linear in filter and in out_backprop.
        g.Add(NnOps.Conv2DBackpropInput, static (op, grads) =>
        {
            var (f, dy, grad) = (op.inputs[1], op.inputs[2], grads[0]!);
            return [null, Build(NnOps.Conv2DBackpropFilter, op, ConvAttrs, grad, tf.shape(f), dy),
                    Forward(NnOps.Conv2D, op, ConvAttrs, grad, f)];
        });
        // _Conv2DBackpropFilterGrad: linear in input and in out_backprop.
        g.Add(NnOps.Conv2DBackpropFilter, static (op, grads) =>
        {
            var (x, dy, grad) = (op.inputs[0], op.inputs[2], grads[0]!);
            return [Build(NnOps.Conv2DBackpropInput, op, ConvAttrs, tf.shape(x), grad, dy), null,
                    Forward(NnOps.Conv2D, op, ConvAttrs, x, grad)];
        });
        // _DepthwiseConv2dNativeGrad.
        g.Add(NnOps.DepthwiseConv2dNative, static (op, grads) =>
        {
            var (x, f, dy) = (op.inputs[0], op.inputs[1], grads[0]!);
            return [Build(NnOps.DepthwiseConv2dNativeBackpropInput, op, DepthwiseAttrs, tf.shape(x), f, dy),
                    Build(NnOps.DepthwiseConv2dNativeBackpropFilter, op, DepthwiseAttrs, x, tf.shape(f), dy)];
        });
        // TF registers no gradient for the depthwise backprop ops; they are bilinear like Conv2D's,
        // so the same construction as for Conv2DBackpropInput/Filter gives their second order.
        g.Add(NnOps.DepthwiseConv2dNativeBackpropInput, static (op, grads) =>
        {
            var (f, dy, grad) = (op.inputs[1], op.inputs[2], grads[0]!);
            return [null, Build(NnOps.DepthwiseConv2dNativeBackpropFilter, op, DepthwiseAttrs, grad, tf.shape(f), dy),
                    Forward(NnOps.DepthwiseConv2dNative, op, DepthwiseAttrs, grad, f)];
        });
        g.Add(NnOps.DepthwiseConv2dNativeBackpropFilter, static (op, grads) =>
        {
            var (x, dy, grad) = (op.inputs[0], op.inputs[2], grads[0]!);
            return [Build(NnOps.DepthwiseConv2dNativeBackpropInput, op, DepthwiseAttrs, tf.shape(x), grad, dy), null,
                    Forward(NnOps.DepthwiseConv2dNative, op, DepthwiseAttrs, x, grad)];
        });
    }
}
