using System.Runtime.CompilerServices;
using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Nn;

namespace GraphEngine;

public static partial class tf
{
    public static partial class nn
    {
        /// <summary>
        /// value + bias along the channel dim: the last for "N...C" formats (NHWC), dim 1 for "NC..."
        /// (NCHW), normalised as TF 1.15 does; null leaves the attr's default (NHWC).
        /// </summary>
        public static Tensor bias_add(Tensor value, Tensor bias, string? data_format = null, string? name = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            using var scope = name_scope(name ?? "BiasAdd");
            var b = new OpBuilder(NnOps.BiasAdd, scope.Name).Input(value).Input(bias);
            if (data_format != null) b.Attr("data_format", NormalizeFormat(data_format));
            return b.Build().outputs[0];
        }

        internal static string NormalizeFormat(string f) =>
            f.StartsWith("NC", StringComparison.Ordinal) ? "NCHW"
            : f.StartsWith('N') && f.EndsWith('C') ? "NHWC"
            : throw new InvalidArgumentException("data_format must be of the form `N...C` or `NC...`");

        /// <summary>sum(t²) / 2 (L2Loss).</summary>
        public static Tensor l2_loss(Tensor t, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
            tf.Unary(NnOps.L2Loss, t, name, file, line);
    }
}

/// <summary>Gradients of BiasAdd, BiasAddGrad, L2Loss (TF: python/ops/nn_grad.py).</summary>
internal static class BiasAddGradients
{
    public static void Register(GradientRegistry g)
    {
        // TF _BiasAddGrad: the value gets dy, the bias gets BiasAddGrad(dy) with the same data_format.
        g.Add(NnOps.BiasAdd, static (op, grads) =>
        {
            var dy = grads[0]!;
            var format = op.get_attr("data_format");
            return [dy, new OpBuilder(NnOps.BiasAddGrad).Input(dy).Attr("data_format", format).Build().outputs[0]];
        });
        // TF _BiasAddGradGrad: the bias-shaped gradient is spread back over out_backprop's shape. TF
        // reshapes to [1,…,C,…,1] and Tiles by the other dims; we reshape the same way and BroadcastTo
        // the input shape (same values), since the rank is known when the channel axis is.
        g.Add(NnOps.BiasAddGrad, static (op, grads) =>
        {
            var dy = grads[0]!;
            var x = op.inputs[0];
            if (!x.shape.HasRank) throw new UnimplementedException($"The gradient of BiasAddGrad needs the rank of {x.name}.");
            int rank = x.shape.Rank;
            bool nchw = op.get_attr("data_format").S == "NCHW" && rank > 2;
            var expanded = Enumerable.Repeat(1L, rank).ToArray();
            expanded[nchw ? 1 : rank - 1] = -1;
            var reshaped = new OpBuilder(ArrayOps.Reshape).Input(dy).Input(tf.constant(expanded)).Build().outputs[0];
            return [new OpBuilder(ArrayOps.BroadcastTo).Input(reshaped).Input(BroadcastGradients.Shape(x)).Build().outputs[0]];
        });
        // TF _L2LossGrad: x · dy.
        g.Add(NnOps.L2Loss, static (op, grads) => [op.inputs[0] * grads[0]!]);
    }
}
