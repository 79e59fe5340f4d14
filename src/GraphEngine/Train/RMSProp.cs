using GraphEngine.Ops.Training;

namespace GraphEngine;

/// <summary>
/// TF1's RMSPropOptimizer through ApplyRMSProp, or ApplyCenteredRMSProp when centered. Slots are
/// made in TF's order, so their variables are "w/RMSProp" (slot "rms", initialised to ONES, as TF
/// does), then for centered "w/RMSProp_1" (slot "mg", zeros), then "w/RMSProp_1" or
/// "w/RMSProp_2" (slot "momentum", zeros).
/// </summary>
public sealed class RMSPropOptimizer(object learning_rate, object? decay = null, object? momentum = null, object? epsilon = null,
    bool use_locking = false, bool centered = false, string name = "RMSProp") : Optimizer(use_locking, name)
{
    private Tensor _lr = null!, _decay = null!, _momentum = null!, _eps = null!;

    public bool centered { get; } = centered;

    protected override void CreateSlots(IReadOnlyList<Variable> vars)
    {
        foreach (var v in vars)
        {
            SlotWithValue(v, "rms", name, 1.0, "ones");
            if (centered) ZerosSlot(v, "mg", name);
            ZerosSlot(v, "momentum", name);
        }
    }

    protected override void Prepare()
    {
        _lr = HyperParameter(learning_rate, "learning_rate");
        _decay = HyperParameter(decay ?? 0.9, "decay");
        _momentum = HyperParameter(momentum ?? 0.0, "momentum");
        _eps = HyperParameter(epsilon ?? 1e-10, "epsilon");
    }

    protected override ITensorOrOperation ApplyDense(Tensor grad, Variable var)
    {
        var rms = get_slot(var, "rms")!;
        var mom = get_slot(var, "momentum")!;
        var b = centered
            ? new OpBuilder(TrainingOps.ApplyCenteredRMSProp).Input(var.AsRefTensor).Input(get_slot(var, "mg")!.AsRefTensor)
            : new OpBuilder(TrainingOps.ApplyRMSProp).Input(var.AsRefTensor);
        return b.Input(rms.AsRefTensor).Input(mom.AsRefTensor)
            .Input(Cast(_lr, var)).Input(Cast(_decay, var)).Input(Cast(_momentum, var)).Input(Cast(_eps, var)).Input(grad)
            .Attr("use_locking", use_locking).Build();
    }
}

public static partial class tf
{
    public static partial class train
    {
        public static RMSPropOptimizer RMSPropOptimizer(object learning_rate, object? decay = null, object? momentum = null, object? epsilon = null,
            bool use_locking = false, bool centered = false, string name = "RMSProp") =>
            new(learning_rate, decay, momentum, epsilon, use_locking, centered, name);
    }
}
