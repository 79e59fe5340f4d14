using GraphEngine.Ops.Core;

namespace GraphEngine;

/// <summary>
/// Optimizer state as TF1 keeps it: slot variables per (slot name, primary variable), named
/// "{primary}/{optimizer name}" then "_1", "_2" … in creation order (TF's slot_creator), and
/// non-slot variables shared by all primaries of a graph (Adam's beta1_power). All are real ref
/// Variables in GLOBAL_VARIABLES and not trainable, so a Saver writes them under TF's names.
/// </summary>
public abstract partial class Optimizer
{
    private readonly Dictionary<string, Dictionary<Variable, Variable>> _slots = new(StringComparer.Ordinal);
    private readonly Dictionary<(Graph Graph, string Name), Variable> _nonSlot = [];

    /// <summary>The slot variable <paramref name="name"/> of <paramref name="var"/>, or null when it has none (TF's get_slot).</summary>
    public Variable? get_slot(Variable var, string name) =>
        _slots.TryGetValue(name, out var byVar) && byVar.TryGetValue(var, out var slot) ? slot : null;

    /// <summary>The names of the slots this optimizer created, sorted (TF's get_slot_names).</summary>
    public List<string> get_slot_names() => _slots.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();

    /// <summary>Every variable the optimizer created in the default graph, sorted by name (TF's variables()).</summary>
    public List<Variable> variables()
    {
        var g = tf.get_default_graph();
        return _nonSlot.Values.Concat(_slots.Values.SelectMany(d => d.Values))
            .Where(v => v.graph == g).OrderBy(v => v.name, StringComparer.Ordinal).ToList();
    }

    /// <summary>A zero-filled slot with the primary's shape and dtype (TF's _zeros_slot).</summary>
    protected Variable ZerosSlot(Variable var, string slotName, string opName) =>
        SlotWithValue(var, slotName, opName, 0.0, "zeros");

    /// <summary>
    /// A slot filled with <paramref name="value"/> (TF's _get_or_make_slot_with_initializer with a
    /// constant/ones/zeros initializer). Created at the root name scope, outside any control
    /// dependencies, as TF's variable scopes ignore the name scope of the caller.
    /// </summary>
    protected Variable SlotWithValue(Variable var, string slotName, string opName, double value, string initName)
    {
        if (!_slots.TryGetValue(slotName, out var byVar)) _slots[slotName] = byVar = [];
        if (byVar.TryGetValue(var, out var existing)) return existing;
        var dtype = var.dtype.BaseType();
        var shape = var.shape;
        using (var.graph.as_default())
        using (tf.control_dependencies((IEnumerable<object>?)null))
        using (var.graph.name_scope(null))
        {
            Variable slot;
            if (shape.IsFullyDefined)
            {
                slot = new Variable((Func<Tensor>)(() => initName switch
                {
                    "zeros" => tf.zeros(shape, dtype, name: "zeros"),
                    "ones" => tf.ones(shape, dtype, name: "ones"),
                    _ => tf.constant(value, dtype, shape, name: initName),
                }), trainable: false, name: var.op.name + "/" + opName, dtype: null, validate_shape: true, collections: null);
            }
            else
            {
                // An unknown static shape: size the slot from the primary's initial value, as TF does with zeros_like.
                var init = tf.cast(tf.fill(tf.shape(var.initial_value), tf.constant(value, DType.Double)), dtype);
                slot = new Variable(init, trainable: false, name: var.op.name + "/" + opName, dtype: null, validate_shape: false, collections: null);
            }
            byVar[var] = slot;
            return slot;
        }
    }

    /// <summary>
    /// A variable shared by every primary this optimizer updates in one graph (TF's
    /// _create_non_slot_variable), created once and named in the current name scope.
    /// </summary>
    protected Variable NonSlotVariable(object initial_value, string name, Graph graph)
    {
        if (_nonSlot.TryGetValue((graph, name), out var v)) return v;
        using (graph.as_default())
        using (tf.control_dependencies((IEnumerable<object>?)null))
        {
            v = new Variable(initial_value, trainable: false, name: name, dtype: null, validate_shape: true, collections: null);
        }
        _nonSlot[(graph, name)] = v;
        return v;
    }

    /// <summary>The non-slot variable <paramref name="name"/> of <paramref name="graph"/>; an Internal error when it was never created.</summary>
    protected Variable GetNonSlotVariable(string name, Graph graph) =>
        _nonSlot.TryGetValue((graph, name), out var v) ? v
            : throw new InternalException($"Optimizer {this.name} has no non-slot variable '{name}' in this graph; apply_gradients creates it.");
}
