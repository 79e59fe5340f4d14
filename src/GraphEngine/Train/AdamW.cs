namespace GraphEngine;

/// <summary>
/// Adam with decoupled weight decay, as tf.contrib.opt.AdamWOptimizer builds it: before each
/// variable's ApplyAdam, var −= weight_decay·var (an AssignSub the update depends on). As in
/// contrib, weight_decay is the absolute per-step factor — it is NOT multiplied by the learning
/// rate; pass wd·lr (and decay it with the same schedule) for the "wd·lr·var" form of the paper.
/// Only variables in decay_var_list are decayed when that list is given. Slots are "w/AdamW" and
/// "w/AdamW_1"; the β powers are "beta1_power", "beta2_power".
/// </summary>
public sealed class AdamWOptimizer(object weight_decay, object? learning_rate = null, object? beta1 = null, object? beta2 = null,
    object? epsilon = null, bool use_locking = false, string name = "AdamW", IEnumerable<Variable>? decay_var_list = null)
    : AdamOptimizer(learning_rate, beta1, beta2, epsilon, use_locking, name)
{
    private readonly HashSet<Variable>? _decayVars = decay_var_list?.ToHashSet();
    private Tensor _weightDecay = null!;

    protected override void Prepare()
    {
        base.Prepare();
        _weightDecay = HyperParameter(weight_decay, "weight_decay");
    }

    protected override ITensorOrOperation ApplyDense(Tensor grad, Variable var)
    {
        if (_decayVars != null && !_decayVars.Contains(var)) return base.ApplyDense(grad, var);
        var decay = var.assign_sub(Cast(_weightDecay, var) * var.value(), use_locking: use_locking);
        using (tf.control_dependencies([decay])) return base.ApplyDense(grad, var);
    }
}

public static partial class tf
{
    public static partial class train
    {
        /// <summary>tf.contrib.opt.AdamWOptimizer; see <see cref="GraphEngine.AdamWOptimizer"/> for what weight_decay scales.</summary>
        public static AdamWOptimizer AdamWOptimizer(object weight_decay, object? learning_rate = null, object? beta1 = null, object? beta2 = null,
            object? epsilon = null, bool use_locking = false, string name = "AdamW", IEnumerable<Variable>? decay_var_list = null) =>
            new(weight_decay, learning_rate, beta1, beta2, epsilon, use_locking, name, decay_var_list);
    }
}
