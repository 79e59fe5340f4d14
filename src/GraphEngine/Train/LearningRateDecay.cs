using GraphEngine.Ops.Core;

namespace GraphEngine;

/// <summary>
/// TF1 learning-rate schedules built from graph ops (python/training/learning_rate_decay.py), in
/// the learning rate's dtype. Only schedules that the ops on this branch compute exactly are here:
/// exponential_decay, natural_exp_decay, cosine_decay(_restarts) and polynomial_decay with power
/// ≠ 1 wait for Pow, Exp, Cos and Ceil.
/// </summary>
public static partial class tf
{
    public static partial class train
    {
        /// <summary>
        /// lr / (1 + decay_rate · step/decay_steps); staircase floors step/decay_steps (built as
        /// FloorDiv, which is floor(x/y) — the same value TF's Floor(RealDiv) gives).
        /// </summary>
        public static Tensor inverse_time_decay(object learning_rate, object global_step, object decay_steps, object decay_rate,
            bool staircase = false, string? name = null)
        {
            RequireStep(global_step, "inverse_time_decay");
            using var scope = name_scope(name, "InverseTimeDecay");
            var lr = convert_to_tensor(learning_rate, name: "learning_rate");
            var dtype = lr.dtype.BaseType();
            var steps = cast(convert_to_tensor(decay_steps), dtype);
            var rate = cast(convert_to_tensor(decay_rate), dtype);
            var step = cast(StepTensor(global_step), dtype);
            var p = staircase ? floordiv(step, steps) : truediv(step, steps);
            var denom = add(cast(constant(1), dtype), multiply(rate, p));
            return truediv(lr, denom, name: name);
        }

        /// <summary>
        /// values[0] while step ≤ boundaries[0], values[i] while boundaries[i−1] &lt; step ≤ boundaries[i],
        /// values[^1] after the last boundary. TF builds a case over these predicates; the same
        /// exclusive predicates are folded into Select ops here, which pick the same value.
        /// </summary>
        public static Tensor piecewise_constant(object x, IReadOnlyList<object> boundaries, IReadOnlyList<object> values, string? name = null)
        {
            if (values.Count != boundaries.Count + 1)
                throw new InvalidArgumentException("The length of boundaries should be 1 less than the length of values");
            using var scope = name_scope(name, "PiecewiseConstant");
            var xt = StepTensor(x);
            var b = boundaries.Select(v => cast(convert_to_tensor(v), xt.dtype.BaseType())).ToList();
            var vals = values.Select(v => convert_to_tensor(v)).ToList();
            var dtype = vals[0].dtype.BaseType();
            if (vals.Any(v => v.dtype.BaseType() != dtype))
                throw new InvalidArgumentException($"Values must have elements all with the same dtype ({dtype.PythonName()} vs {vals.First(v => v.dtype.BaseType() != dtype).dtype.PythonName()}).");
            var result = vals[^1];
            for (int i = boundaries.Count - 1; i >= 0; i--)
            {
                var pred = i == 0 ? less_equal(xt, b[0]) : logical_and(greater(xt, b[i - 1]), less_equal(xt, b[i]));
                result = where(pred, vals[i], result);
            }
            return identity(result, name: name ?? "PiecewiseConstant");
        }

        /// <summary>
        /// (lr − end)·(1 − min(step, decay_steps)/decay_steps)^power + end for power = 1 (linear
        /// decay, the common use). Other powers and cycle need Pow and Ceil: Unimplemented until then.
        /// </summary>
        public static Tensor polynomial_decay(object learning_rate, object global_step, object decay_steps, double end_learning_rate = 0.0001,
            double power = 1.0, bool cycle = false, string? name = null)
        {
            RequireStep(global_step, "polynomial_decay");
            if (power != 1.0 || cycle)
                throw new UnimplementedException("polynomial_decay with power != 1 or cycle needs the Pow and Ceil ops, which this build lacks.");
            using var scope = name_scope(name, "PolynomialDecay");
            var lr = convert_to_tensor(learning_rate, name: "learning_rate");
            var dtype = lr.dtype.BaseType();
            var end = cast(constant(end_learning_rate), dtype);
            var step = cast(StepTensor(global_step), dtype);
            var steps = cast(convert_to_tensor(decay_steps), dtype);
            var p = truediv(minimum(step, steps), steps);
            return add(multiply(subtract(lr, end), subtract(cast(constant(1), dtype), p)), end, name: name);
        }

        /// <summary>
        /// Linear warm-up in front of any schedule, as TF1 models (BERT's optimization.py) compose it:
        /// while step &lt; warmup_steps the rate is lr_peak·step/warmup_steps (lr_peak defaults to the
        /// value <paramref name="learning_rate"/> starts from), afterwards <paramref name="learning_rate"/>.
        /// </summary>
        public static Tensor linear_warmup(object learning_rate, object global_step, long warmup_steps, object? warmup_peak = null, string? name = null)
        {
            RequireStep(global_step, "linear_warmup");
            using var scope = name_scope(name, "LinearWarmup");
            var lr = convert_to_tensor(learning_rate, name: "learning_rate");
            var dtype = lr.dtype.BaseType();
            var peak = warmup_peak == null ? lr : cast(convert_to_tensor(warmup_peak), dtype);
            var stepInt = cast(StepTensor(global_step), DType.Int64);
            var warmInt = constant(warmup_steps, DType.Int64);
            var done = truediv(cast(stepInt, dtype), cast(warmInt, dtype));
            var warm = multiply(peak, done);
            var isWarmup = cast(less(stepInt, warmInt), dtype);
            return add(multiply(subtract(cast(constant(1), dtype), isWarmup), lr), multiply(isWarmup, warm), name: name);
        }

        private static Tensor StepTensor(object step) => step switch
        {
            Variable v => v.value(),
            Tensor t => t,
            _ => convert_to_tensor(step),
        };

        /// <summary>TF's "global_step is required for X." (schedules need a step to decay with).</summary>
        private static void RequireStep(object? step, string what)
        {
            if (step == null) throw new InvalidArgumentException($"global_step is required for {what}.");
        }
    }
}
