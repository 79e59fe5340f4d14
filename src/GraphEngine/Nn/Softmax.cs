using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Nn;

namespace GraphEngine;

public static partial class tf
{
    public static partial class nn
    {
        /// <summary>Softmax over <paramref name="axis"/> (default last); other axes are moved last and back by transposes, as TF does.</summary>
        public static Tensor softmax(Tensor logits, int axis = -1, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            return SoftmaxAlong(NnOps.Softmax, logits, axis, name);
        }

        public static Tensor log_softmax(Tensor logits, int axis = -1, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            return SoftmaxAlong(NnOps.LogSoftmax, logits, axis, name);
        }

        /// <summary>
        /// TF 1.15 _softmax: the op on the last axis; for another axis, swap it with the last, apply, and
        /// swap back. TF builds the permutation with Range/Concat at run time; ours is a constant, so the
        /// rank must be known.
        /// </summary>
        private static Tensor SoftmaxAlong(OpDef def, Tensor logits, int axis, string? name)
        {
            var shape = logits.shape;
            if (axis == -1 || (shape.HasRank && axis == shape.Rank - 1)) return OpBuilder.Unary(def, logits, name ?? def.Name);
            if (!shape.HasRank)
                throw new UnimplementedException($"{def.Name} along axis {axis} needs the rank of {logits.name}, which is unknown.");
            int rank = shape.Rank;
            if (axis < -rank || axis >= rank)
                throw new InvalidArgumentException(
                    $"Dimension ({axis}) must be in the range [{-rank}, {rank}) where {rank} is the number of dimensions in the input.");
            int a = ((axis % rank) + rank) % rank;
            var perm = Enumerable.Range(0, rank).ToArray();
            (perm[a], perm[rank - 1]) = (perm[rank - 1], perm[a]);
            var moved = transpose(logits, perm);
            var y = OpBuilder.Unary(def, moved, def.Name);
            var back = transpose(y, perm, name ?? "transpose");
            back.SetShape(shape);
            return back;
        }

        /// <summary>
        /// Softmax cross entropy over the last axis; labels are differentiable (the v2 form). Inputs of
        /// rank ≠ 2 are flattened to [-1, classes] and the loss reshaped back (TF's _flatten_outer_dims).
        /// </summary>
        public static Tensor softmax_cross_entropy_with_logits_v2(Tensor labels, Tensor logits, string? name = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            using var scope = name_scope(name ?? "softmax_cross_entropy_with_logits");
            labels = cast(labels, logits.dtype.BaseType());
            var shape = logits.shape;
            if (shape.HasRank && shape.Rank == 2)
                return new OpBuilder(NnOps.SoftmaxCrossEntropyWithLogits, scope.Name).Input(logits).Input(labels).Build().outputs[0];
            if (!shape.HasRank || shape[shape.Rank - 1] < 0 || !shape.SubShape(0, shape.Rank - 1).IsFullyDefined)
                throw new UnimplementedException($"softmax_cross_entropy_with_logits for rank != 2 needs the static shape of {logits.name}, got {shape}.");
            var flatShape = constant(new long[] { -1, shape[shape.Rank - 1] });
            var cost = new OpBuilder(NnOps.SoftmaxCrossEntropyWithLogits).Input(reshape(logits, flatShape)).Input(reshape(labels, flatShape)).Build().outputs[0];
            var outShape = shape.SubShape(0, shape.Rank - 1);
            var result = reshape(cost, constant(outShape.ToArray()), name: scope.Name);
            result.SetShape(outShape);
            return result;
        }

        /// <summary>TF1's deprecated form: labels get no gradient (stop_gradient), then the v2 op.</summary>
        public static Tensor softmax_cross_entropy_with_logits(Tensor labels, Tensor logits, string? name = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            using var scope = name_scope(name ?? "softmax_cross_entropy_with_logits_sg");
            return softmax_cross_entropy_with_logits_v2(stop_gradient(labels), logits);
        }

        /// <summary>Sparse softmax cross entropy: labels are class indices (int32/int64) of rank(logits) − 1.</summary>
        public static Tensor sparse_softmax_cross_entropy_with_logits(Tensor labels, Tensor logits, string? name = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            // TF: name_scope(name, "SparseSoftmaxCrossEntropyWithLogits"), and the op takes the name again ("xentropy/xentropy").
            using var scope = name_scope(name ?? "SparseSoftmaxCrossEntropyWithLogits");
            var ls = labels.shape;
            var shape = logits.shape;
            if (shape.HasRank && shape.Rank == 0)
                throw new InvalidArgumentException($"sparse_softmax_cross_entropy_with_logits '{name ?? scope.Name}': Logits cannot be scalars - received shape {shape}.");
            if (shape.HasRank && ls.HasRank && ls.Rank != shape.Rank - 1)
                throw new InvalidArgumentException(
                    $"sparse_softmax_cross_entropy_with_logits '{name ?? scope.Name}': Rank mismatch: Rank of labels ({labels.name}, received {ls.Rank}) should equal rank of logits ({logits.name}) minus 1 (received {shape.Rank}).");
            if (shape.HasRank && shape.Rank == 2)
                return new OpBuilder(NnOps.SparseSoftmaxCrossEntropyWithLogits, name ?? "SparseSoftmaxCrossEntropyWithLogits")
                    .Input(logits).Input(labels).Build().outputs[0];
            if (!shape.HasRank || shape[shape.Rank - 1] < 0 || !ls.IsFullyDefined)
                throw new UnimplementedException("sparse_softmax_cross_entropy_with_logits for rank ≠ 2 needs static label and class dimensions.");
            var flatLogits = reshape(logits, constant(new long[] { -1, shape[shape.Rank - 1] }));
            var flatLabels = reshape(labels, constant(new long[] { -1 }));
            var cost = new OpBuilder(NnOps.SparseSoftmaxCrossEntropyWithLogits).Input(flatLogits).Input(flatLabels).Build().outputs[0];
            return reshape(cost, constant(ls.ToArray()), name: name);
        }

        /// <summary>
        /// TF's python composition (nn_impl.py): max(x, 0) − x·z + log1p(exp(−|x|)), with the two
        /// Selects TF uses for relu(x) and −|x|, under the scope "logistic_loss".
        /// </summary>
        public static Tensor sigmoid_cross_entropy_with_logits(Tensor labels, Tensor logits, string? name = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            using var scope = name_scope(name ?? "logistic_loss");
            if (!labels.shape.IsCompatibleWith(logits.shape))
                throw new InvalidArgumentException($"logits and labels must have the same shape ({logits.shape} vs {labels.shape})");
            var zeros = zeros_like(logits);
            var cond = greater_equal(logits, zeros);
            var reluLogits = where(cond, logits, zeros);
            var negAbsLogits = where(cond, -logits, logits);
            var left = reluLogits - logits * labels;
            return OpBuilder.Binary(MathOps.Add, left, log1p(exp(negAbsLogits)), scope.Name);
        }
    }
}

/// <summary>Gradients of softmax and the fused losses (TF: python/ops/nn_grad.py).</summary>
internal static class SoftmaxGradients
{
    /// <summary>TF _BroadcastMul: a per-row vector times a matrix.</summary>
    private static Tensor BroadcastMul(Tensor vec, Tensor mat) => tf.expand_dims(vec, -1) * mat;

    /// <summary>
    /// TF's IsZero: tf.gradients fills unused outputs of a multi-output op with ZerosLike, so "no
    /// gradient" arrives as a ZerosLike/Zeros op or an all-zero constant.
    /// </summary>
    private static bool IsZero(Tensor g)
    {
        if (g.op.type is "ZerosLike" or "Zeros") return true;
        var c = g.op.type == "Fill" ? OpBuilder.ConstantValue(g.op.inputs[1]) : OpBuilder.ConstantValue(g);
        return c switch
        {
            { DType: DType.Double } => c.ToArray<double>().All(x => x == 0),
            { DType: DType.Float } => c.ToArray<float>().All(x => x == 0),
            _ => false,
        };
    }

    public static void Register(GradientRegistry g)
    {
        // TF _SoftmaxGrad: (dy − Σ dy·y) · y over the last axis.
        g.Add(NnOps.Softmax, static (op, grads) =>
        {
            var (y, dy) = (op.outputs[0], grads[0]!);
            var sum = tf.reduce_sum(dy * y, -1, keepdims: true);
            return [(dy - sum) * y];
        });
        // TF _LogSoftmaxGrad: dy − Σ dy · exp(logsoftmax).
        g.Add(NnOps.LogSoftmax, static (op, grads) =>
        {
            var dy = grads[0]!;
            return [dy - tf.reduce_sum(dy, -1, keepdims: true) * tf.exp(op.outputs[0])];
        });
        // TF _SoftmaxCrossEntropyWithLogitsGrad. The second-order term (grad_grad flowing into the
        // backprop output) is TF's (gg − Σ gg·softmax)·softmax; TF writes the row sum as a batched
        // matmul of [b,1,n]×[b,n,1], here it is reduce_sum(·, -1, keepdims) with the same value.
        g.Add(NnOps.SoftmaxCrossEntropyWithLogits, static (op, grads) =>
        {
            var (gradLoss, gradGrad) = (grads[0], grads[1]);
            var logits = op.inputs[0];
            Tensor? grad = gradLoss == null ? null : BroadcastMul(gradLoss, op.outputs[1]);
            if (gradGrad != null && !IsZero(gradGrad))
            {
                var softmax = tf.nn.softmax(logits);
                var extra = (gradGrad - tf.reduce_sum(gradGrad * softmax, -1, keepdims: true)) * softmax;
                grad = grad == null ? extra : grad + extra;
            }
            Tensor? gradLabels = gradLoss == null ? null : BroadcastMul(gradLoss, -tf.nn.log_softmax(logits));
            return [grad, gradLabels];
        });
        // TF _SparseSoftmaxCrossEntropyWithLogitsGrad: backprop is wrapped in PreventGradient there, so
        // a second derivative through it fails; here the same failure is raised when a gradient reaches it.
        g.Add(NnOps.SparseSoftmaxCrossEntropyWithLogits, static (op, grads) =>
        {
            if (grads[1] != null && !IsZero(grads[1]!))
                throw new LookupErrorException(
                    "Gradient explicitly disabled. Reason: Currently there is no way to take the second derivative of " +
                    "sparse_softmax_cross_entropy_with_logits due to the fused implementation's interaction with tf.gradients()");
            return [grads[0] == null ? null : BroadcastMul(grads[0]!, op.outputs[1]), null];
        });
    }
}
