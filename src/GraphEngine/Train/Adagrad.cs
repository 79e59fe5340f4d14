using GraphEngine.Ops.Core;
using GraphEngine.Ops.Training;

namespace GraphEngine;

/// <summary>
/// TF1's AdagradOptimizer through ApplyAdagrad: accum += grad²; var −= lr·grad/√accum. Slot
/// "accumulator" is "w/Adagrad", filled with initial_accumulator_value.
/// </summary>
public sealed class AdagradOptimizer : Optimizer
{
    private readonly object _learningRate;
    private readonly double _initialAccumulator;
    private Tensor _lr = null!;

    public AdagradOptimizer(object learning_rate, double initial_accumulator_value = 0.1, bool use_locking = false, string name = "Adagrad")
        : base(use_locking, name)
    {
        if (!(initial_accumulator_value > 0))
            throw new InvalidArgumentException($"initial_accumulator_value must be positive: {initial_accumulator_value}");
        _learningRate = learning_rate;
        _initialAccumulator = initial_accumulator_value;
    }

    protected override void CreateSlots(IReadOnlyList<Variable> vars)
    {
        foreach (var v in vars) SlotWithValue(v, "accumulator", name, _initialAccumulator, "Const");
    }

    protected override void Prepare() => _lr = HyperParameter(_learningRate, "learning_rate");

    protected override ITensorOrOperation ApplyDense(Tensor grad, Variable var) =>
        new OpBuilder(TrainingOps.ApplyAdagrad).Input(var.AsRefTensor).Input(get_slot(var, "accumulator")!.AsRefTensor)
            .Input(Cast(_lr, var)).Input(grad).Attr("use_locking", use_locking).Build();
}

public static partial class tf
{
    public static partial class train
    {
        public static AdagradOptimizer AdagradOptimizer(object learning_rate, double initial_accumulator_value = 0.1, bool use_locking = false,
            string name = "Adagrad") => new(learning_rate, initial_accumulator_value, use_locking, name);
    }
}
