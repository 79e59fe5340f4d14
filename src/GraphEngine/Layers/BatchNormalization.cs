using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;

namespace GraphEngine;

public static partial class tf
{
    public static partial class layers
    {
        /// <summary>
        /// TF1 tf.layers.batch_normalization. Variables (in this order) "&lt;scope&gt;/gamma" (ones,
        /// when scale), "beta" (zeros, when center), and the non-trainable "moving_mean" (zeros) and
        /// "moving_variance" (ones). With training, the batch statistics normalise and the moving
        /// averages are updated by ops added to UPDATE_OPS ("AssignMovingAvg", "AssignMovingAvg_1":
        /// moving −= (moving − batch) · (1 − momentum)); run them with the train op. Without, the
        /// moving statistics normalise. 4-D float32 inputs normalised over axis 1 or 3 use
        /// FusedBatchNormV3 (whose batch variance, used for the update, is Bessel-corrected, as in
        /// TF1); others compose moments and batch_normalization (biased variance).
        /// A training tensor: TF builds conds; here both branches are computed and Selects pick
        /// them, and the update's decay is 0 when not training (same values).
        /// </summary>
        public static Tensor batch_normalization(Tensor inputs, int axis = -1, double momentum = 0.99, double epsilon = 1e-3, bool center = true,
            bool scale = true, object? beta_initializer = null, object? gamma_initializer = null, object? moving_mean_initializer = null,
            object? moving_variance_initializer = null, Func<Tensor, Tensor?>? beta_regularizer = null, Func<Tensor, Tensor?>? gamma_regularizer = null,
            TrainingFlag training = default, bool trainable = true, string? name = null, VariableReuse reuse = default, bool? fused = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            var spec = BatchNormSpec.Parse(inputs, axis, fused);
            using var scope = LayerScope.Enter("batch_normalization", name, reuse);
            var vars = BatchNormVariables(spec, center, scale, beta_initializer, gamma_initializer, moving_mean_initializer, moving_variance_initializer,
                beta_regularizer, gamma_regularizer, trainable);
            var (output, updates) = BatchNormCall(inputs, spec, vars, momentum, epsilon, training);
            foreach (var u in updates) add_to_collection(GraphKeys.UPDATE_OPS, u);
            return output;
        }

        internal sealed record BatchNormVars(Variable? Gamma, Variable? Beta, Variable MovingMean, Variable MovingVariance);

        /// <summary>gamma (when scale), beta (when center), moving_mean, moving_variance: TF's creation order.</summary>
        internal static BatchNormVars BatchNormVariables(BatchNormSpec spec, bool center, bool scale, object? betaInit, object? gammaInit,
            object? movingMeanInit, object? movingVarianceInit, Func<Tensor, Tensor?>? betaReg, Func<Tensor, Tensor?>? gammaReg, bool trainable)
        {
            long[] paramShape = [spec.Channels];
            var dt = spec.ParamDtype;
            var gamma = scale ? get_variable("gamma", paramShape, dt, gammaInit ?? ones_initializer(), gammaReg, trainable) : null;
            var beta = center ? get_variable("beta", paramShape, dt, betaInit ?? zeros_initializer(), betaReg, trainable) : null;
            var movingMean = get_variable("moving_mean", paramShape, dt, movingMeanInit ?? zeros_initializer(), trainable: false);
            var movingVariance = get_variable("moving_variance", paramShape, dt, movingVarianceInit ?? ones_initializer(), trainable: false);
            return new BatchNormVars(gamma, beta, movingMean, movingVariance);
        }

        /// <summary>The normalisation and, unless training is a build-time false, the two moving-average updates.</summary>
        internal static (Tensor Output, List<Tensor> Updates) BatchNormCall(Tensor inputs, BatchNormSpec spec, BatchNormVars vars, double momentum,
            double epsilon, TrainingFlag training)
        {
            int ax = spec.Axis, rank = spec.Rank;
            long channels = spec.Channels;
            var (gamma, beta, movingMean, movingVariance) = vars;
            if (inputs.shape.Rank != rank || inputs.shape[ax] != channels)
                throw new InvalidArgumentException($"Input 0 of batch_normalization has shape {inputs.shape}, expected rank {rank} with {channels} channels on axis {ax} ({inputs.name}).");
            Tensor output, mean, variance;
            if (spec.UseFused)
                (output, mean, variance) = FusedBatchNorm(inputs, gamma, beta, movingMean, movingVariance, epsilon, ax == 1 ? "NCHW" : "NHWC", training, channels, spec.ParamDtype);
            else
            {
                var reduction = Enumerable.Range(0, rank).Where(i => i != ax).ToArray();
                if (training.Value == false) (mean, variance) = (movingMean.value(), movingVariance.value());
                else
                {
                    var (bm, bv) = nn.moments(cast(inputs, spec.ParamDtype), reduction);
                    // TF1: smart_cond(training, batch statistics, moving statistics), one cond each.
                    (mean, variance) = training.Tensor is { } flag
                        ? (cond(flag, () => bm, () => movingMean.value()), cond(flag, () => bv, () => movingVariance.value()))
                        : (bm, bv);
                }
                var inputDtype = spec.InputDtype;
                output = nn.batch_normalization(inputs, Broadcast(cast(mean, inputDtype), ax, rank, channels), Broadcast(cast(variance, inputDtype), ax, rank, channels),
                    beta == null ? null : Broadcast(cast(beta.value(), inputDtype), ax, rank, channels),
                    gamma == null ? null : Broadcast(cast(gamma.value(), inputDtype), ax, rank, channels), epsilon);
            }
            var updates = new List<Tensor>();
            if (training.Value != false)
            {
                // TF1: momentum = smart_cond(training, momentum, 1.0), so inference leaves the averages unchanged.
                var m = training.Tensor is { } flag
                    ? cond(flag, () => constant(momentum, spec.ParamDtype, name: "Const"), () => constant(1.0, spec.ParamDtype, name: "Const_1"))
                    : constant(momentum, spec.ParamDtype, name: "Const");
                updates.Add(AssignMovingAverage(movingMean, mean, m));
                updates.Add(AssignMovingAverage(movingVariance, variance, m));
            }
            return (output, updates);
        }

        private static (Tensor, Tensor, Tensor) FusedBatchNorm(Tensor inputs, Variable? gamma, Variable? beta, Variable movingMean, Variable movingVariance,
            double epsilon, string format, TrainingFlag training, long channels, DType paramDtype)
        {
            var g = gamma?.value() ?? constant(1.0, paramDtype, new long[] { channels }, name: "Const");
            var b = beta?.value() ?? constant(0.0, paramDtype, new long[] { channels }, name: "Const");
            (Tensor, Tensor, Tensor) Train() => nn.fused_batch_norm(inputs, g, b, epsilon: (float)epsilon, data_format: format, is_training: true);
            (Tensor, Tensor, Tensor) Infer() => nn.fused_batch_norm(inputs, g, b, movingMean.value(), movingVariance.value(), (float)epsilon, format, is_training: false);
            if (training.Tensor is { } flag)
            {
                // TF1's smart_cond(training, _fused_batch_norm_training, _fused_batch_norm_inference):
                // only the taken kernel runs.
                var r = cond(flag, () => { var (y, m, v) = Train(); return new[] { y, m, v }; },
                    () => { var (y, m, v) = Infer(); return new[] { y, m, v }; });
                return (r[0], r[1], r[2]);
            }
            return training.IsTrue ? Train() : Infer();
        }

        /// <summary>TF's _assign_moving_average: variable −= (variable − value) · (1 − momentum), named "AssignMovingAvg".</summary>
        private static Tensor AssignMovingAverage(Variable variable, Tensor value, Tensor momentum)
        {
            using var scope = name_scope("AssignMovingAvg");
            var decay = subtract(1.0, momentum, name: "decay");
            var delta = multiply(subtract(variable.value(), cast(value, variable.dtype.BaseType())), decay);
            return variable.assign_sub(delta, name: scope.Name);
        }

        /// <summary>Reshapes a per-channel vector to broadcast along <paramref name="axis"/> (only needed when it is not the last).</summary>
        private static Tensor Broadcast(Tensor v, int axis, int rank, long channels)
        {
            if (axis == rank - 1) return v;
            var shape = Enumerable.Repeat(1L, rank).ToArray();
            shape[axis] = channels;
            return reshape(v, shape);
        }
    }
}

/// <summary>What a batch normalisation layer decides from its input: the axis, channel count, dtypes and whether it fuses.</summary>
internal sealed record BatchNormSpec(int Axis, int Rank, long Channels, DType InputDtype, DType ParamDtype, bool UseFused)
{
    public static BatchNormSpec Parse(Tensor inputs, int axis, bool? fused)
    {
        var s = inputs.shape;
        if (!s.HasRank) throw new InvalidArgumentException($"Input has undefined rank ({inputs.name}).");
        int rank = s.Rank;
        if (axis < -rank || axis >= rank) throw new InvalidArgumentException($"Invalid axis: {axis} for input of rank {rank} ({inputs.name}).");
        int ax = (axis + rank) % rank;
        long channels = s[ax];
        if (channels < 0) throw new InvalidArgumentException($"Input has undefined `axis` dimension. Input shape: {s} ({inputs.name}).");
        var inputDtype = LayerScope.FloatingDtype(inputs, "batch_normalization");
        var paramDtype = inputDtype is DType.Half or DType.BFloat16 ? DType.Float : inputDtype;
        bool fusable = rank == 4 && (ax == 1 || ax == 3) && inputDtype is DType.Float or DType.Half or DType.BFloat16;
        if (fused == true && !fusable)
            throw new InvalidArgumentException($"batch_normalization: fused=True needs a 4-D float input normalised over axis 1 or 3, got shape {s}, axis {axis}, dtype {inputDtype.PythonName()}.");
        return new BatchNormSpec(ax, rank, channels, inputDtype, paramDtype, fused ?? fusable);
    }
}
