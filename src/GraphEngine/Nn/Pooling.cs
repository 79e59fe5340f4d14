using System.Runtime.CompilerServices;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Nn;

namespace GraphEngine;

public static partial class tf
{
    public static partial class nn
    {
        /// <summary>Max pooling (MaxPool); ksize and strides take 1, 2 or 4 values.</summary>
        public static Tensor max_pool(Tensor value, int[] ksize, int[] strides, string padding, string data_format = "NHWC",
            string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            return Pool(NnOps.MaxPool, value, ksize, strides, padding, data_format, name ?? "MaxPool");
        }

        /// <summary>Average pooling (AvgPool); padded positions are not counted in the average.</summary>
        public static Tensor avg_pool(Tensor value, int[] ksize, int[] strides, string padding, string data_format = "NHWC",
            string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            return Pool(NnOps.AvgPool, value, ksize, strides, padding, data_format, name ?? "AvgPool");
        }

        private static Tensor Pool(OpDef def, Tensor value, int[] ksize, int[] strides, string padding, string dataFormat, string name) =>
            new OpBuilder(def, name).Input(value)
                .Attr("ksize", NnArgs.Spatial(ksize, "ksize", dataFormat, name))
                .Attr("strides", NnArgs.Spatial(strides, "strides", dataFormat, name))
                .Attr("padding", padding)
                .Attr("data_format", dataFormat)
                .Build().outputs[0];
    }
}

/// <summary>Gradients of pooling (TF: python/ops/nn_grad.py), to any order: MaxPoolGrad ↔ MaxPoolGradGrad.</summary>
internal static class PoolingGradients
{
    private static readonly string[] MaxAttrs = ["ksize", "strides", "padding", "explicit_paddings", "data_format"];
    private static readonly string[] Attrs = ["ksize", "strides", "padding", "data_format"];

    private static Tensor Max(OpDef def, Operation op, string[] attrs, Tensor x, Tensor y, Tensor g) =>
        new OpBuilder(def).Input(x).Input(y).Input(g).CopyAttrs(op, attrs).Build().outputs[0];

    public static void Register(GradientRegistry g)
    {
        g.Add(NnOps.MaxPool, static (op, grads) => [Max(NnOps.MaxPoolGrad, op, MaxAttrs, op.inputs[0], op.outputs[0], grads[0]!)]);
        g.Add(NnOps.AvgPool, static (op, grads) =>
            [new OpBuilder(NnOps.AvgPoolGrad).Input(tf.shape(op.inputs[0])).Input(grads[0]!).CopyAttrs(op, Attrs).Build().outputs[0]]);
        // _AvgPoolGradGrad: AvgPoolGrad is linear in grad, its adjoint is AvgPool.
        g.Add(NnOps.AvgPoolGrad, static (op, grads) =>
            [null, new OpBuilder(NnOps.AvgPool).Input(grads[0]!).CopyAttrs(op, Attrs).Build().outputs[0]]);
        // _MaxPoolGradGrad: piecewise linear in grad (a scatter to the maxima); its adjoint gathers
        // from the same positions. The maxima move only at ties, so orig_input/orig_output get zeros.
        g.Add(NnOps.MaxPoolGrad, static (op, grads) =>
            [tf.zeros_like(op.inputs[0]), tf.zeros_like(op.inputs[1]),
             Max(NnOps.MaxPoolGradGrad, op, Attrs, op.inputs[0], op.inputs[1], grads[0]!)]);
        g.Add(NnOps.MaxPoolGradGrad, static (op, grads) =>
            [tf.zeros_like(op.inputs[0]), tf.zeros_like(op.inputs[1]),
             Max(NnOps.MaxPoolGrad, op, Attrs, op.inputs[0], op.inputs[1], grads[0]!)]);
    }
}
