using GraphEngine.Ops.Core;

namespace GraphEngine;

/// <summary>
/// TF1's tf.train.Optimizer: compute_gradients → apply_gradients, or both with minimize. Update ops
/// live under the optimizer's name scope ("GradientDescent/update_w/ApplyGradientDescent") and the
/// final op is added to the TRAIN_OP collection, as TF builds them.
/// </summary>
public abstract partial class Optimizer
{
    /// <summary>TF's gate_gradients values.</summary>
    public const int GATE_NONE = 0;
    public const int GATE_OP = 1;
    public const int GATE_GRAPH = 2;

    protected Optimizer(bool use_locking, string name)
    {
        this.use_locking = use_locking;
        this.name = name;
    }

    public string name { get; }
    public bool use_locking { get; }

    /// <summary>(gradient, variable) pairs for the trainable variables (or <paramref name="var_list"/>); null gradients are kept.</summary>
    public List<(Tensor? Gradient, Variable Variable)> compute_gradients(Tensor loss, IEnumerable<Variable>? var_list = null,
        int gate_gradients = GATE_OP, Tensor? grad_loss = null)
    {
        var vars = (var_list ?? loss.graph.get_collection<Variable>(tf.GraphKeys.TRAINABLE_VARIABLES)).ToList();
        if (vars.Count == 0) throw new InvalidArgumentException("No variables to optimize.");
        if (!loss.dtype.IsFloating())
            throw new InvalidArgumentException($"Invalid type {loss.dtype.PythonName()} for {loss.name}, expected: float16, float32 or float64.");
        using var _ = loss.graph.as_default();
        var grads = tf.gradients([loss], vars.Cast<object>(), grad_loss == null ? null : [grad_loss], gate_gradients: gate_gradients == GATE_OP);
        if (gate_gradients == GATE_GRAPH)
        {
            var present = grads.Where(g => g != null).Cast<Tensor>().ToList();
            var gated = tf.tuple(present);
            int k = 0;
            for (int i = 0; i < grads.Length; i++)
                if (grads[i] != null) grads[i] = gated[k++];
        }
        return vars.Select((v, i) => (grads[i], v)).ToList();
    }

    /// <summary>
    /// One op applying every non-null gradient; with <paramref name="global_step"/>, it also increments it
    /// after the updates. All-null gradients are an error naming the variables.
    /// </summary>
    public Operation apply_gradients(IEnumerable<(Tensor? Gradient, Variable Variable)> grads_and_vars, Variable? global_step = null, string? name = null)
    {
        var pairs = grads_and_vars.ToList();
        if (pairs.Count == 0) throw new InvalidArgumentException("No variables provided.");
        var withGrads = pairs.Where(p => p.Gradient != null).ToList();
        if (withGrads.Count == 0)
            throw new InvalidArgumentException($"No gradients provided for any variable: [{string.Join(", ", pairs.Select(p => p.Variable.name))}].");
        var graph = withGrads[0].Variable.graph;
        using var _ = graph.as_default();
        CreateSlots(withGrads.Select(p => p.Variable).ToList());
        using var scope = tf.name_scope(name ?? this.name);
        Prepare();
        var updates = new List<object>();
        foreach (var (grad, v) in withGrads)
        {
            using (tf.name_scope("update_" + v.op.name)) updates.Add(ApplyDense(grad!, v));
        }
        Operation train;
        if (global_step == null) train = Finish(updates, scope.Name);
        else
        {
            var finish = Finish(updates, "update");
            using (tf.control_dependencies([finish])) train = global_step.assign_add(1, name: scope.Name).op;
        }
        var trainOps = graph.get_collection_ref(tf.GraphKeys.TRAIN_OP);
        if (!trainOps.Contains(train)) trainOps.Add(train);
        return train;
    }

    /// <summary>compute_gradients followed by apply_gradients.</summary>
    public Operation minimize(Tensor loss, Variable? global_step = null, IEnumerable<Variable>? var_list = null,
        int gate_gradients = GATE_OP, string? name = null, Tensor? grad_loss = null) =>
        apply_gradients(compute_gradients(loss, var_list, gate_gradients, grad_loss), global_step, name);

    /// <summary>
    /// Groups the update ops into the op apply_gradients returns (TF's _finish); optimizers with
    /// state shared by all variables (Adam's β powers) advance it here, after the updates.
    /// </summary>
    protected virtual Operation Finish(List<object> updateOps, string name) => tf.group(updateOps, name: name);

    /// <summary>Creates per-variable state before updates are built (slots); none by default.</summary>
    protected virtual void CreateSlots(IReadOnlyList<Variable> vars) { }

    /// <summary>Converts hyper-parameters to tensors inside the optimizer's scope.</summary>
    protected virtual void Prepare() { }

    /// <summary>The update op of one variable, built inside "name/update_var/".</summary>
    protected abstract ITensorOrOperation ApplyDense(Tensor grad, Variable var);

    /// <summary>
    /// A hyper-parameter given as a number, a tensor or a variable. Numbers become float32
    /// constants, as TF's convert_to_tensor makes them; the updates cast them to the variable's dtype.
    /// </summary>
    protected static Tensor HyperParameter(object value, string name) => value switch
    {
        Tensor t => t,
        Variable v => v.value(),
        _ => tf.constant(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), DType.Float, name: name),
    };

    /// <summary>A hyper-parameter converted in the current scope and cast to the variable's dtype for a fused update.</summary>
    protected static Tensor Cast(Tensor hyper, Variable var) => tf.cast(hyper, var.dtype.BaseType());
}
