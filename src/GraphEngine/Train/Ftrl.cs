using GraphEngine.Ops.Core;
using GraphEngine.Ops.Training;

namespace GraphEngine;

/// <summary>
/// TF1's FtrlOptimizer: ApplyFtrl, or ApplyFtrlV2 when l2_shrinkage_regularization_strength &gt; 0
/// (TF1 picks the op the same way). Slots "accum" ("w/Ftrl", filled with
/// initial_accumulator_value) and "linear" ("w/Ftrl_1", zeros).
/// </summary>
public sealed class FtrlOptimizer : Optimizer
{
    private readonly object _lr, _lrPower, _l1, _l2;
    private readonly double _initialAccumulator, _l2Shrinkage;
    private Tensor _lrT = null!, _lrPowerT = null!, _l1T = null!, _l2T = null!, _l2ShrinkageT = null!;

    public FtrlOptimizer(object learning_rate, double learning_rate_power = -0.5, double initial_accumulator_value = 0.1,
        double l1_regularization_strength = 0.0, double l2_regularization_strength = 0.0, bool use_locking = false, string name = "Ftrl",
        double l2_shrinkage_regularization_strength = 0.0) : base(use_locking, name)
    {
        // TF1's argument checks, with its messages.
        if (initial_accumulator_value < 0)
            throw new InvalidArgumentException($"initial_accumulator_value {initial_accumulator_value} needs to be positive or zero");
        if (learning_rate_power > 0)
            throw new InvalidArgumentException($"learning_rate_power {learning_rate_power} needs to be negative or zero");
        if (l1_regularization_strength < 0)
            throw new InvalidArgumentException($"l1_regularization_strength {l1_regularization_strength} needs to be positive or zero");
        if (l2_regularization_strength < 0)
            throw new InvalidArgumentException($"l2_regularization_strength {l2_regularization_strength} needs to be positive or zero");
        if (l2_shrinkage_regularization_strength < 0)
            throw new InvalidArgumentException($"l2_shrinkage_regularization_strength {l2_shrinkage_regularization_strength} needs to be positive or zero");
        _lr = learning_rate;
        _lrPower = learning_rate_power;
        _initialAccumulator = initial_accumulator_value;
        _l1 = l1_regularization_strength;
        _l2 = l2_regularization_strength;
        _l2Shrinkage = l2_shrinkage_regularization_strength;
    }

    protected override void CreateSlots(IReadOnlyList<Variable> vars)
    {
        foreach (var v in vars)
        {
            SlotWithValue(v, "accum", name, _initialAccumulator, "Const");
            ZerosSlot(v, "linear", name);
        }
    }

    protected override void Prepare()
    {
        _lrT = HyperParameter(_lr, "learning_rate");
        _l1T = HyperParameter(_l1, "l1_regularization_strength");
        _l2T = HyperParameter(_l2, "l2_regularization_strength");
        _l2ShrinkageT = HyperParameter(_l2Shrinkage, "l2_shrinkage_regularization_strength");
        _lrPowerT = HyperParameter(_lrPower, "learning_rate_power");
    }

    protected override ITensorOrOperation ApplyDense(Tensor grad, Variable var)
    {
        var b = new OpBuilder(_l2Shrinkage > 0 ? TrainingOps.ApplyFtrlV2 : TrainingOps.ApplyFtrl)
            .Input(var.AsRefTensor).Input(get_slot(var, "accum")!.AsRefTensor).Input(get_slot(var, "linear")!.AsRefTensor).Input(grad)
            .Input(Cast(_lrT, var)).Input(Cast(_l1T, var)).Input(Cast(_l2T, var));
        if (_l2Shrinkage > 0) b = b.Input(Cast(_l2ShrinkageT, var));
        return b.Input(Cast(_lrPowerT, var)).Attr("use_locking", use_locking).Build();
    }
}

public static partial class tf
{
    public static partial class train
    {
        public static FtrlOptimizer FtrlOptimizer(object learning_rate, double learning_rate_power = -0.5, double initial_accumulator_value = 0.1,
            double l1_regularization_strength = 0.0, double l2_regularization_strength = 0.0, bool use_locking = false, string name = "Ftrl",
            double l2_shrinkage_regularization_strength = 0.0) =>
            new(learning_rate, learning_rate_power, initial_accumulator_value, l1_regularization_strength, l2_regularization_strength,
                use_locking, name, l2_shrinkage_regularization_strength);
    }
}
