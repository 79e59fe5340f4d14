using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;

namespace GraphEngine;

public static partial class tf
{
    public static Tensor pow(object x, object y, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return BinaryOp(MathOps.Pow, x, y, name ?? "Pow");
    }

    public static Tensor squared_difference(object x, object y, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return BinaryOp(MathOps.SquaredDifference, x, y, name ?? "SquaredDifference");
    }

    /// <summary>
    /// Clips to [clip_value_min, clip_value_max] the way TF 1.15's python does it: Minimum(t, max)
    /// then Maximum(·, min) under the scope "clip_by_value" (the fused ClipByValue op is not emitted),
    /// checking that broadcasting did not change t's shape.
    /// </summary>
    public static Tensor clip_by_value(Tensor t, object clip_value_min, object clip_value_max, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        using var scope = name_scope(name ?? "clip_by_value");
        var tMin = BinaryOp(MathOps.Minimum, t, clip_value_max, "Minimum");
        t.shape.MergeWith(tMin.shape);
        var tMax = BinaryOp(MathOps.Maximum, tMin, clip_value_min, scope.Name);
        t.shape.MergeWith(tMax.shape);
        return tMax;
    }
}

/// <summary>Gradients of Pow, SquaredDifference, ClipByValue (TF: python/ops/math_grad.py).</summary>
internal static class BinaryGradients
{
    public static void Register(GradientRegistry g)
    {
        // TF _PowGrad: dx = dz·y·x^(y−1); dy = dz·z·log(x) where x > 0, else 0 (no false singularity at 0).
        g.Add(MathOps.Pow, static (op, grads) =>
        {
            var (x, y, z, dz) = (op.inputs[0], op.inputs[1], op.outputs[0], grads[0]!);
            var one = tf.constant(1, y.dtype.BaseType());
            var gx = dz * y * OpBuilder.Binary(MathOps.Pow, x, y - one, null);
            var mask = tf.greater(x, tf.zeros_like(x));
            var safeX = tf.where(mask, x, tf.ones_like(x));
            var logX = tf.where(mask, tf.log(safeX), tf.zeros_like(x));
            var gy = dz * z * logX;
            var (rx, ry) = BroadcastGradients.Reduce(x, y, gx, gy);
            return [rx, ry];
        });
        // TF _SquaredDifferenceGrad: x_grad = 2·dz·(x − y), after dz exists; y gets −x_grad.
        g.Add(MathOps.SquaredDifference, static (op, grads) =>
        {
            var (x, y, dz) = (op.inputs[0], op.inputs[1], grads[0]!);
            using (tf.control_dependencies([dz]))
            {
                var xGrad = OpBuilder.Binary(MathOps.Mul, tf.constant(2.0, dz.dtype.BaseType()), dz, null) * (x - y);
                if (BroadcastGradients.SameFullShapes(x, y, dz)) return [xGrad, -xGrad];
                var (gx, gy) = BroadcastGradients.Reduce(x, y, xGrad, xGrad);
                return [gx, -gy];
            }
        });
        // TF _ClipByValueGrad: dz goes to t inside the range, to min where t < min, to max where t > max.
        g.Add(MathOps.ClipByValue, static (op, grads) =>
        {
            var (x, lo, hi, dz) = (op.inputs[0], op.inputs[1], op.inputs[2], grads[0]!);
            var zeros = tf.zeros_like(dz);
            var xyMask = tf.less(x, lo);
            var xzMask = tf.greater(x, hi);
            var xGrad = tf.where(tf.logical_or(xyMask, xzMask), zeros, dz);
            var yGrad = tf.where(xyMask, dz, zeros);
            var zGrad = tf.where(xzMask, dz, zeros);
            var (gx, gy) = BroadcastGradients.Reduce(x, lo, xGrad, yGrad);
            var (_, gz) = BroadcastGradients.Reduce(x, hi, xGrad, zGrad);
            return [gx, gy, gz];
        });
    }
}
