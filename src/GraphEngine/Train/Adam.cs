using GraphEngine.Ops.Core;
using GraphEngine.Ops.Training;

namespace GraphEngine;

/// <summary>
/// TF1's AdamOptimizer through ApplyAdam. Slots "m" ("w/Adam") and "v" ("w/Adam_1"), zeros;
/// non-slot variables "beta1_power" and "beta2_power" (float32, initialised to β1 and β2) are made
/// once per graph, and the finish step multiplies them by β1, β2 after every variable's update, so
/// step t sees β^t (TF names those ops "Adam/mul", "Adam/Assign", "Adam/mul_1", "Adam/Assign_1").
/// </summary>
public class AdamOptimizer(object? learning_rate = null, object? beta1 = null, object? beta2 = null, object? epsilon = null,
    bool use_locking = false, string name = "Adam", bool use_nesterov = false) : Optimizer(use_locking, name)
{
    private Tensor _lr = null!, _beta1 = null!, _beta2 = null!, _eps = null!;
    private readonly object _beta1Value = beta1 ?? 0.9, _beta2Value = beta2 ?? 0.999;

    public bool use_nesterov { get; } = use_nesterov;

    protected Tensor LearningRateTensor => _lr;

    protected override void CreateSlots(IReadOnlyList<Variable> vars)
    {
        // TF colocates the powers with the first variable by name; it is only a placement hint here.
        var graph = vars[0].graph;
        NonSlotVariable(PowerInitialValue(_beta1Value), "beta1_power", graph);
        NonSlotVariable(PowerInitialValue(_beta2Value), "beta2_power", graph);
        foreach (var v in vars)
        {
            ZerosSlot(v, "m", name);
            ZerosSlot(v, "v", name);
        }
    }

    /// <summary>A number becomes a float32 initial value, as TF's variable(initial_value=0.9) does.</summary>
    private static object PowerInitialValue(object beta) => beta switch
    {
        Tensor t => t,
        Variable v => v.initial_value,
        _ => (float)Convert.ToDouble(beta, System.Globalization.CultureInfo.InvariantCulture),
    };

    protected override void Prepare()
    {
        _lr = HyperParameter(learning_rate ?? 0.001, "learning_rate");
        _beta1 = HyperParameter(_beta1Value, "beta1");
        _beta2 = HyperParameter(_beta2Value, "beta2");
        _eps = HyperParameter(epsilon ?? 1e-8, "epsilon");
    }

    protected override ITensorOrOperation ApplyDense(Tensor grad, Variable var)
    {
        var beta1Power = GetNonSlotVariable("beta1_power", var.graph);
        var beta2Power = GetNonSlotVariable("beta2_power", var.graph);
        return new OpBuilder(TrainingOps.ApplyAdam).Input(var.AsRefTensor)
            .Input(get_slot(var, "m")!.AsRefTensor).Input(get_slot(var, "v")!.AsRefTensor)
            .Input(Cast(beta1Power.value(), var)).Input(Cast(beta2Power.value(), var))
            .Input(Cast(_lr, var)).Input(Cast(_beta1, var)).Input(Cast(_beta2, var)).Input(Cast(_eps, var)).Input(grad)
            .Attr("use_locking", use_locking).Attr("use_nesterov", use_nesterov).Build();
    }

    /// <summary>After every update: beta1_power *= β1, beta2_power *= β2, then one group op.</summary>
    protected override Operation Finish(List<object> updateOps, string name)
    {
        Tensor update1, update2;
        using (tf.control_dependencies(updateOps))
        {
            var graph = updateOps.Cast<ITensorOrOperation>().First().Op.graph;
            var beta1Power = GetNonSlotVariable("beta1_power", graph);
            var beta2Power = GetNonSlotVariable("beta2_power", graph);
            update1 = beta1Power.assign(beta1Power.value() * tf.cast(_beta1, beta1Power.dtype.BaseType()), use_locking: use_locking);
            update2 = beta2Power.assign(beta2Power.value() * tf.cast(_beta2, beta2Power.dtype.BaseType()), use_locking: use_locking);
        }
        return tf.group(updateOps.Append(update1).Append(update2), name: name);
    }

    /// <summary>The β1^t and β2^t variables (TF's _get_beta_accumulators) of the default graph.</summary>
    public (Variable beta1_power, Variable beta2_power) _get_beta_accumulators()
    {
        var g = tf.get_default_graph();
        return (GetNonSlotVariable("beta1_power", g), GetNonSlotVariable("beta2_power", g));
    }
}

public static partial class tf
{
    public static partial class train
    {
        public static AdamOptimizer AdamOptimizer(object? learning_rate = null, object? beta1 = null, object? beta2 = null, object? epsilon = null,
            bool use_locking = false, string name = "Adam", bool use_nesterov = false) =>
            new(learning_rate, beta1, beta2, epsilon, use_locking, name, use_nesterov);
    }
}
