using GraphEngine.Ops.Nn;

namespace GraphEngine;

/// <summary>
/// Gradient of FusedBatchNormGradV3, i.e. second derivatives of fused_batch_norm (TF: nn_grad.py
/// _FusedBatchNormGradGrad, which differentiates a composite of the backward formulas). Per channel,
/// with s = 1/√(var+ε), x̂ = (x−μ)·s, u = dy − mean(dy), k = mean(dy·x̂), and the op's outputs
/// dx = scale·s·(u − x̂·k), dscale = Σ dy·x̂, doffset = Σ dy (training; μ, var functions of x),
/// the adjoints of upstream (a, b, c) = (ddx, ddscale, ddoffset) are
///   ∂/∂dy    = scale·s·(a − mean(a) − x̂·mean(a·x̂)) + b·x̂ + c      (the op itself applied to a)
///   ∂/∂scale = Σ a·s·(u − x̂·k)
///   ∂/∂x     = scale·s²·(k·(mean(a) − a) + x̂·(3k·mean(a·x̂) − mean(a·u)) − u·mean(a·x̂)) + b·s·(u − x̂·k).
/// In inference mode μ and var are constants: ∂/∂dy = a·scale·s + b·x̂ + c, ∂/∂scale = Σ a·s·dy, ∂/∂x = b·s·dy.
/// There is no Rsqrt op yet, so s and x̂ come from FusedBatchNormV3 in inference mode (scale 1, offset 0).
/// </summary>
internal static class BatchNormGradGrad
{
    public static Tensor?[] Build(Operation op, Tensor?[] grads)
    {
        var (dy, x, scale, mean, variance) = (op.inputs[0], op.inputs[1], op.inputs[2], op.inputs[3], op.inputs[4]);
        bool nchw = op.get_attr("data_format").S == "NCHW";
        bool training = op.get_attr("is_training").B;
        int[] axes = nchw ? [0, 2, 3] : [0, 1, 2];
        int[] channelShape = nchw ? [1, -1, 1, 1] : [1, 1, 1, -1];
        Tensor B(Tensor v) => tf.reshape(v, channelShape);
        Tensor Mean(Tensor t) => tf.reduce_mean(t, axes, keepdims: true);

        var ones = tf.ones_like(scale);
        var zeros = tf.zeros_like(scale);
        Tensor Normalize(Tensor input, Tensor m) => new OpBuilder(NnOps.FusedBatchNormV3)
            .Input(input).Input(ones).Input(zeros).Input(m).Input(variance)
            .Attr("epsilon", op.get_attr("epsilon")).Attr("data_format", op.get_attr("data_format")).Attr("is_training", false)
            .Build().outputs[0];
        var xhat = Normalize(x, mean);
        var s = Normalize(B(ones), zeros);   // 1·(1 − 0)/√(var+ε), shaped to broadcast over x
        var scaleB = B(scale);

        var a = grads[0];
        Tensor? bB = grads[1] is { } b ? B(b) : null;
        Tensor? cB = grads[2] is { } c ? B(c) : null;

        Tensor? dDy = null, dX = null, dScale = null;
        if (training)
        {
            var u = dy - Mean(dy);
            var k = Mean(dy * xhat);
            var dxOverScale = s * (u - xhat * k);
            if (a != null)
            {
                dDy = new OpBuilder(NnOps.FusedBatchNormGradV3).Input(a).Input(x).Input(scale).Input(mean).Input(variance).Input(op.inputs[5])
                    .CopyAttrs(op, "epsilon", "data_format", "is_training").Build().outputs[0];
                dScale = tf.reduce_sum(a * dxOverScale, axes);
                var meanA = Mean(a);
                var meanAXhat = Mean(a * xhat);
                dX = scaleB * s * s * (k * (meanA - a) + xhat * (k * meanAXhat * 3.0 - Mean(a * u)) - u * meanAXhat);
            }
            if (bB != null) dX = Add(dX, bB * dxOverScale);
        }
        else
        {
            if (a != null)
            {
                dDy = a * scaleB * s;
                dScale = tf.reduce_sum(a * s * dy, axes);
            }
            if (bB != null) dX = bB * s * dy;
        }
        if (bB != null) dDy = Add(dDy, bB * xhat);
        if (cB != null) dDy = Add(dDy, cB * tf.ones_like(dy));
        return [dDy, dX, dScale, null, null, null];
    }

    private static Tensor Add(Tensor? acc, Tensor t) => acc == null ? t : acc + t;
}
