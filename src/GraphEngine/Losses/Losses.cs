using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;

namespace GraphEngine;

/// <summary>
/// tf.losses (TF1 losses_impl): each builds its per-element loss under its own name scope and hands
/// it to compute_weighted_loss in the same scope, so the result is "&lt;loss&gt;/value" for the
/// default reduction, and joins the LOSSES collection.
/// </summary>
public static partial class tf
{
    public static partial class losses
    {
        public static Tensor absolute_difference(Tensor labels, Tensor predictions, object? weights = null, string? scope = null,
            string? loss_collection = GraphKeys.LOSSES, string reduction = Reduction.SUM_BY_NONZERO_WEIGHTS,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            using var s = name_scope(scope ?? "absolute_difference");
            var (p, l) = FloatPair(predictions, labels, "absolute_difference");
            return compute_weighted_loss(abs(subtract(p, l)), weights, s.Name, loss_collection, reduction);
        }

        public static Tensor mean_squared_error(Tensor labels, Tensor predictions, object? weights = null, string? scope = null,
            string? loss_collection = GraphKeys.LOSSES, string reduction = Reduction.SUM_BY_NONZERO_WEIGHTS,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            using var s = name_scope(scope ?? "mean_squared_error");
            var (p, l) = FloatPair(predictions, labels, "mean_squared_error");
            return compute_weighted_loss(squared_difference(p, l), weights, s.Name, loss_collection, reduction);
        }

        /// <summary>½·min(|e|, δ)² + δ·(|e| − min(|e|, δ)), e = predictions − labels.</summary>
        public static Tensor huber_loss(Tensor labels, Tensor predictions, object? weights = null, double delta = 1.0, string? scope = null,
            string? loss_collection = GraphKeys.LOSSES, string reduction = Reduction.SUM_BY_NONZERO_WEIGHTS,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            using var s = name_scope(scope ?? "huber_loss");
            var (p, l) = FloatPair(predictions, labels, "huber_loss");
            var absError = abs(subtract(p, l));
            var quadratic = minimum(absError, delta);
            var linear = subtract(absError, quadratic);
            var losses = add(multiply(constant(0.5, quadratic.dtype), multiply(quadratic, quadratic)), multiply(delta, linear));
            return compute_weighted_loss(losses, weights, s.Name, loss_collection, reduction);
        }

        /// <summary>−y·log(p + ε) − (1 − y)·log(1 − p + ε).</summary>
        public static Tensor log_loss(Tensor labels, Tensor predictions, object? weights = null, double epsilon = 1e-7, string? scope = null,
            string? loss_collection = GraphKeys.LOSSES, string reduction = Reduction.SUM_BY_NONZERO_WEIGHTS,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            using var s = name_scope(scope ?? "log_loss");
            var (p, l) = FloatPair(predictions, labels, "log_loss");
            var losses = subtract(negative(multiply(l, log(add(p, epsilon)))), multiply(subtract(1.0, l), log(add(subtract(1.0, p), epsilon))));
            return compute_weighted_loss(losses, weights, s.Name, loss_collection, reduction);
        }

        /// <summary>relu(1 − (2y − 1)·logits) for labels y in {0, 1}.</summary>
        public static Tensor hinge_loss(Tensor labels, Tensor logits, object? weights = null, string? scope = null,
            string? loss_collection = GraphKeys.LOSSES, string reduction = Reduction.SUM_BY_NONZERO_WEIGHTS,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            using var s = name_scope(scope ?? "hinge_loss");
            var (lg, l) = FloatPair(logits, labels, "hinge_loss");
            var allOnes = ones_like(l);
            var signed = subtract(multiply(2.0, l), allOnes);
            var losses = nn.relu(subtract(allOnes, multiply(signed, lg)));
            return compute_weighted_loss(losses, weights, s.Name, loss_collection, reduction);
        }

        /// <summary>Sigmoid cross entropy; label_smoothing moves labels toward ½: y·(1 − s) + s/2.</summary>
        public static Tensor sigmoid_cross_entropy(Tensor multi_class_labels, Tensor logits, object? weights = null, double label_smoothing = 0,
            string? scope = null, string? loss_collection = GraphKeys.LOSSES, string reduction = Reduction.SUM_BY_NONZERO_WEIGHTS,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            using var s = name_scope(scope ?? "sigmoid_cross_entropy_loss");
            var labels = cast(multi_class_labels, logits.dtype.BaseType());
            CheckCompatible(logits, labels, "sigmoid_cross_entropy");
            if (label_smoothing > 0) labels = add(multiply(labels, 1 - label_smoothing), 0.5 * label_smoothing);
            var losses = nn.sigmoid_cross_entropy_with_logits(labels, logits, name: "xentropy");
            return compute_weighted_loss(losses, weights, s.Name, loss_collection, reduction);
        }

        /// <summary>Softmax cross entropy over the last axis; label_smoothing: y·(1 − s) + s/num_classes; labels get no gradient.</summary>
        public static Tensor softmax_cross_entropy(Tensor onehot_labels, Tensor logits, object? weights = null, double label_smoothing = 0,
            string? scope = null, string? loss_collection = GraphKeys.LOSSES, string reduction = Reduction.SUM_BY_NONZERO_WEIGHTS,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            using var s = name_scope(scope ?? "softmax_cross_entropy_loss");
            var dtype = logits.dtype.BaseType();
            var labels = cast(onehot_labels, dtype);
            CheckCompatible(logits, labels, "softmax_cross_entropy");
            if (label_smoothing > 0)
            {
                var ls = labels.shape;
                Tensor numClasses = ls.HasRank && ls.Rank > 0 && ls[ls.Rank - 1] >= 0
                    ? constant((double)ls[ls.Rank - 1], dtype)
                    : cast(gather(shape(labels), subtract(size(shape(labels)), 1)), dtype);
                labels = add(multiply(labels, 1.0 - label_smoothing), divide(constant(label_smoothing, dtype), numClasses));
            }
            labels = stop_gradient(labels, name: "labels_stop_gradient");
            var losses = nn.softmax_cross_entropy_with_logits_v2(labels, logits, name: "xentropy");
            return compute_weighted_loss(losses, weights, s.Name, loss_collection, reduction);
        }

        /// <summary>Sparse softmax cross entropy; labels of shape [N, 1] are squeezed to [N] (TF's _remove_squeezable_dimensions).</summary>
        public static Tensor sparse_softmax_cross_entropy(Tensor labels, Tensor logits, object? weights = null, string? scope = null,
            string? loss_collection = GraphKeys.LOSSES, string reduction = Reduction.SUM_BY_NONZERO_WEIGHTS,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            using var s = name_scope(scope ?? "sparse_softmax_cross_entropy_loss");
            if (labels.shape.HasRank && logits.shape.HasRank && labels.shape.Rank == logits.shape.Rank && labels.shape[labels.shape.Rank - 1] is 1 or -1)
                labels = squeeze(labels, [-1]);
            if (weights is Tensor w && w.shape.HasRank && logits.shape.HasRank && w.shape.Rank == logits.shape.Rank && w.shape[w.shape.Rank - 1] == 1)
                weights = squeeze(w, [-1]);
            var losses = nn.sparse_softmax_cross_entropy_with_logits(labels, logits, name: "xentropy");
            return compute_weighted_loss(losses, weights, s.Name, loss_collection, reduction);
        }

        /// <summary>1 − Σ labels·predictions along <paramref name="axis"/> (kept as size 1); inputs are expected to be unit-normalised.</summary>
        public static Tensor cosine_distance(Tensor labels, Tensor predictions, int axis, object? weights = null, string? scope = null,
            string? loss_collection = GraphKeys.LOSSES, string reduction = Reduction.SUM_BY_NONZERO_WEIGHTS,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            using var s = name_scope(scope ?? "cosine_distance_loss");
            var (p, l) = FloatPair(predictions, labels, "cosine_distance");
            var losses = subtract(1.0, reduce_sum(multiply(p, l), new[] { axis }, keepdims: true));
            return compute_weighted_loss(losses, weights, s.Name, loss_collection, reduction);
        }

        /// <summary>Both cast to float32 (as TF1's losses do) after checking their static shapes agree.</summary>
        private static (Tensor, Tensor) FloatPair(Tensor predictions, Tensor labels, string who)
        {
            var p = cast(predictions, DType.Float);
            var l = cast(labels, DType.Float);
            CheckCompatible(p, l, who);
            return (p, l);
        }

        private static void CheckCompatible(Tensor a, Tensor b, string who)
        {
            if (!a.shape.IsCompatibleWith(b.shape))
                throw new InvalidArgumentException($"{who}: Shapes {a.shape} and {b.shape} are incompatible ({a.name} vs {b.name}).");
        }
    }
}
