using GraphEngine.Ops.Training;

namespace GraphEngine;

/// <summary>
/// TF1's MomentumOptimizer through ApplyMomentum: accum = momentum·accum + grad; var −= lr·accum
/// (Nesterov: var −= lr·grad + lr·momentum·accum). Slot "momentum" is the variable "w/Momentum".
/// </summary>
public sealed class MomentumOptimizer(object learning_rate, object momentum, bool use_locking = false, string name = "Momentum",
    bool use_nesterov = false) : Optimizer(use_locking, name)
{
    private Tensor _lr = null!, _momentum = null!;

    public bool use_nesterov { get; } = use_nesterov;

    protected override void CreateSlots(IReadOnlyList<Variable> vars)
    {
        foreach (var v in vars) ZerosSlot(v, "momentum", name);
    }

    protected override void Prepare()
    {
        _lr = HyperParameter(learning_rate, "learning_rate");
        _momentum = HyperParameter(momentum, "momentum");
    }

    protected override ITensorOrOperation ApplyDense(Tensor grad, Variable var) =>
        new OpBuilder(TrainingOps.ApplyMomentum).Input(var.AsRefTensor).Input(get_slot(var, "momentum")!.AsRefTensor)
            .Input(Cast(_lr, var)).Input(grad).Input(Cast(_momentum, var))
            .Attr("use_locking", use_locking).Attr("use_nesterov", use_nesterov).Build();
}

public static partial class tf
{
    public static partial class train
    {
        public static MomentumOptimizer MomentumOptimizer(object learning_rate, object momentum, bool use_locking = false, string name = "Momentum",
            bool use_nesterov = false) => new(learning_rate, momentum, use_locking, name, use_nesterov);
    }
}
