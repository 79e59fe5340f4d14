using GraphEngine.Ops.Training;

namespace GraphEngine;

/// <summary>
/// TF1's AdadeltaOptimizer through ApplyAdadelta. Slots "accum" ("w/Adadelta") and
/// "accum_update" ("w/Adadelta_1"), zero-initialised.
/// </summary>
public sealed class AdadeltaOptimizer(object? learning_rate = null, object? rho = null, object? epsilon = null, bool use_locking = false,
    string name = "Adadelta") : Optimizer(use_locking, name)
{
    private Tensor _lr = null!, _rho = null!, _eps = null!;

    protected override void CreateSlots(IReadOnlyList<Variable> vars)
    {
        foreach (var v in vars)
        {
            ZerosSlot(v, "accum", name);
            ZerosSlot(v, "accum_update", name);
        }
    }

    protected override void Prepare()
    {
        _lr = HyperParameter(learning_rate ?? 0.001, "lr");
        _rho = HyperParameter(rho ?? 0.95, "rho");
        _eps = HyperParameter(epsilon ?? 1e-8, "epsilon");
    }

    protected override ITensorOrOperation ApplyDense(Tensor grad, Variable var) =>
        new OpBuilder(TrainingOps.ApplyAdadelta).Input(var.AsRefTensor).Input(get_slot(var, "accum")!.AsRefTensor)
            .Input(get_slot(var, "accum_update")!.AsRefTensor)
            .Input(Cast(_lr, var)).Input(Cast(_rho, var)).Input(Cast(_eps, var)).Input(grad)
            .Attr("use_locking", use_locking).Build();
}

public static partial class tf
{
    public static partial class train
    {
        public static AdadeltaOptimizer AdadeltaOptimizer(object? learning_rate = null, object? rho = null, object? epsilon = null,
            bool use_locking = false, string name = "Adadelta") => new(learning_rate, rho, epsilon, use_locking, name);
    }
}
