using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;

namespace GraphEngine;

public static partial class tf
{
    public static partial class losses
    {
        /// <summary>TF's tf.losses.Reduction keys (the string values TF uses).</summary>
        public static class Reduction
        {
            public const string NONE = "none";
            public const string SUM = "weighted_sum";
            public const string SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size";
            public const string MEAN = "weighted_mean";
            public const string SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights";
            public const string SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS;

            public static string[] all() => [NONE, SUM, MEAN, SUM_OVER_BATCH_SIZE, SUM_BY_NONZERO_WEIGHTS];

            public static void validate(string key)
            {
                if (!all().Contains(key)) throw new InvalidArgumentException($"Invalid Reduction Key {key}.");
            }
        }

        /// <summary>
        /// Weights the per-element losses and reduces them (TF1 compute_weighted_loss): computed in
        /// float32 and cast back to the losses' dtype, as TF does; the result joins
        /// <paramref name="loss_collection"/> (LOSSES by default; null adds it nowhere).
        /// </summary>
        public static Tensor compute_weighted_loss(Tensor losses, object? weights = null, string? scope = null,
            string? loss_collection = GraphKeys.LOSSES, string reduction = Reduction.SUM_BY_NONZERO_WEIGHTS,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            Reduction.validate(reduction);
            weights ??= 1.0;
            using var s = name_scope(scope ?? "weighted_loss");
            CheckBroadcastable(weights, losses);
            var inputDtype = losses.dtype.BaseType();
            var lossesF = cast(losses, DType.Float);
            var weightsF = weights is Tensor wt ? cast(wt, DType.Float) : cast(convert_to_tensor(weights, DType.Float, name: "Const"), DType.Float);
            var weighted = multiply(lossesF, weightsF);
            Tensor loss;
            if (reduction == Reduction.NONE) loss = weighted;
            else
            {
                loss = reduce_sum(weighted);
                if (reduction == Reduction.MEAN)
                    loss = SafeMean(loss, reduce_sum(multiply(ones_like(lossesF), weightsF)));
                else if (reduction == Reduction.SUM_BY_NONZERO_WEIGHTS)
                    loss = SafeMean(loss, NumPresent(lossesF, weights, weightsF));
                else if (reduction == Reduction.SUM_OVER_BATCH_SIZE)
                    loss = SafeMean(loss, NumElements(lossesF));
            }
            loss = cast(loss, inputDtype);
            if (loss_collection != null) add_to_collection(loss_collection, loss);
            return loss;
        }

        /// <summary>total / num, or 0 where num is 0 (TF1's _safe_mean, composed with Selects as before div_no_nan), named "value".</summary>
        private static Tensor SafeMean(Tensor total, Tensor num)
        {
            var positive = greater(num, 0.0);
            var safeNum = where(equal(num, 0.0), ones_like(num), num);
            return where(positive, divide(total, safeNum), zeros_like(total), name: "value");
        }

        /// <summary>The number of elements with non-zero weight (a host non-zero scalar weight counts every element).</summary>
        private static Tensor NumPresent(Tensor losses, object weights, Tensor weightsF)
        {
            if (weights is double or float or int or long && Convert.ToDouble(weights) != 0.0) return NumElements(losses);
            using var s = name_scope("num_present");
            var present = where_v2(equal(weightsF, 0.0), zeros_like(weightsF), ones_like(weightsF));
            present = multiply(present, ones_like(losses));
            return reduce_sum(present, name: s.Name);
        }

        private static Tensor NumElements(Tensor losses)
        {
            using var s = name_scope("num_elements");
            return cast(size(losses, name: "Size"), losses.dtype.BaseType());
        }

        /// <summary>TF's assert_broadcastable, statically: weights must be a scalar, or of the losses' rank with each dim 1 or equal.</summary>
        private static void CheckBroadcastable(object weights, Tensor losses)
        {
            if (weights is not Tensor w || !w.shape.HasRank || !losses.shape.HasRank) return;
            var ws = w.shape;
            var ls = losses.shape;
            if (ws.Rank == 0) return;
            if (ws.Rank != ls.Rank)
                throw new InvalidArgumentException($"weights can not be broadcast to values. values.rank={ls.Rank}. weights.rank={ws.Rank}. values.shape={ls}. weights.shape={ws}. ({w.name})");
            for (int i = 0; i < ws.Rank; i++)
                if (ws[i] >= 0 && ls[i] >= 0 && ws[i] != 1 && ws[i] != ls[i])
                    throw new InvalidArgumentException($"weights can not be broadcast to values. values.shape={ls}. weights.shape={ws}. ({w.name})");
        }

        /// <summary>Adds an externally defined loss to a collection (LOSSES by default).</summary>
        public static void add_loss(Tensor loss, string loss_collection = GraphKeys.LOSSES) => add_to_collection(loss_collection, loss);

        public static List<Tensor> get_losses(string? scope = null, string loss_collection = GraphKeys.LOSSES) =>
            get_default_graph().get_collection<Tensor>(loss_collection, scope);

        public static List<Tensor> get_regularization_losses(string? scope = null) =>
            get_default_graph().get_collection<Tensor>(GraphKeys.REGULARIZATION_LOSSES, scope);

        /// <summary>The sum of the regularization losses (AddN "total_regularization_loss"), or a 0.0 constant when there are none.</summary>
        public static Tensor get_regularization_loss(string? scope = null, string name = "total_regularization_loss",
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            var list = get_regularization_losses(scope);
            return list.Count == 0 ? constant(0.0f) : SumNamed(list, name);
        }

        /// <summary>The sum of LOSSES (and, by default, REGULARIZATION_LOSSES), named "total_loss".</summary>
        public static Tensor get_total_loss(bool add_regularization_losses = true, string name = "total_loss", string? scope = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            var list = get_losses(scope);
            if (add_regularization_losses) list.AddRange(get_regularization_losses(scope));
            if (list.Count == 0) throw new InvalidArgumentException("get_total_loss: no losses found in the LOSSES or REGULARIZATION_LOSSES collections.");
            return SumNamed(list, name);
        }

        /// <summary>AddN of the list; a single tensor becomes an Identity of that name, as TF's add_n.</summary>
        private static Tensor SumNamed(List<Tensor> list, string name) =>
            list.Count == 1 ? identity(list[0], name: name) : add_n(list, name: name);
    }
}
