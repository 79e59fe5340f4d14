using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.State;

namespace GraphEngine;

/// <summary>
/// A TF1 ref variable: a VariableV2 node "v", its initializer "v/Assign" fed from
/// "v/initial_value", and the snapshot "v/read" that ops read. The value lives in each session.
/// </summary>
public sealed class Variable : ITensorOrOperation
{
    private readonly Tensor _ref;
    private readonly Tensor _snapshot;

    internal Variable(object initial_value, bool trainable, string? name, DType? dtype, bool validate_shape, IEnumerable<string>? collections)
    {
        var g = initial_value is Tensor it ? it.graph : tf.get_default_graph();
        using (g.as_default())
        using (var scope = tf.name_scope(name, "Variable"))
        {
            initial_value = initial_value is Func<Tensor> f ? InitializerScope(f) : initial_value;
            this.initial_value = tf.convert_to_tensor(initial_value, dtype, name: "initial_value");
            var shape = validate_shape ? this.initial_value.shape : TensorShape.Unknown;
            if (validate_shape && !shape.IsFullyDefined)
                throw new InvalidArgumentException($"initial_value must have a shape specified: {this.initial_value}");
            var varOp = new OpBuilder(StateOps.VariableV2, scope.Name)
                .Attr("shape", shape)
                .Attr("dtype", this.initial_value.dtype.BaseType())
                .Build();
            _ref = varOp.outputs[0];
            initializer = new OpBuilder(StateOps.Assign, "Assign").Input(_ref).Input(this.initial_value)
                .Attr("validate_shape", validate_shape).Build();
            _snapshot = tf.identity(_ref, name: "read");
        }
        this.trainable = trainable;
        var cols = collections?.ToList() ?? [tf.GraphKeys.GLOBAL_VARIABLES];
        if (trainable && !cols.Contains(tf.GraphKeys.TRAINABLE_VARIABLES)) cols.Add(tf.GraphKeys.TRAINABLE_VARIABLES);
        g.add_to_collections(cols, this);
    }

    /// <summary>
    /// Wraps the nodes of a variable that already exist in a graph (import_meta_graph rebuilds
    /// variables from VariableDefs this way); adds no ops and joins no collections.
    /// </summary>
    internal Variable(Tensor refTensor, Tensor snapshot, Operation initializer, Tensor initialValue, bool trainable)
    {
        _ref = refTensor;
        _snapshot = snapshot;
        this.initializer = initializer;
        initial_value = initialValue;
        this.trainable = trainable;
    }

    private static Tensor InitializerScope(Func<Tensor> f)
    {
        using (tf.name_scope("Initializer")) return f();
    }

    /// <summary>The variable's own (ref) output: "v:0".</summary>
    public string name => _ref.name;
    public Operation op => _ref.op;
    public Graph graph => _ref.graph;

    /// <summary>The ref dtype (float32_ref), as TF1 reports it.</summary>
    public DType dtype => _ref.dtype;
    public TensorShape shape => _ref.shape;
    public Tensor initial_value { get; }
    public Operation initializer { get; }
    public bool trainable { get; }

    internal Tensor AsRefTensor => _ref;

    /// <summary>The snapshot "v/read" that computations use.</summary>
    public Tensor value() => _snapshot;

    /// <summary>A fresh read of the variable (an Identity named "read" under the variable's scope).</summary>
    public Tensor read_value()
    {
        using (graph.as_default())
        using (tf.name_scope(op.name + "/")) return tf.identity(_ref, name: "read");
    }

    public Tensor assign(object value, bool use_locking = false, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        using var __ = graph.as_default();
        return new OpBuilder(StateOps.Assign, name ?? "Assign").Input(_ref).Input(tf.convert_to_tensor(value, dtype.BaseType()))
            .Attr("use_locking", use_locking).Build().outputs[0];
    }

    public Tensor assign_add(object delta, bool use_locking = false, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        using var __ = graph.as_default();
        return new OpBuilder(StateOps.AssignAdd, name ?? "AssignAdd").Input(_ref).Input(tf.convert_to_tensor(delta, dtype.BaseType()))
            .Attr("use_locking", use_locking).Build().outputs[0];
    }

    public Tensor assign_sub(object delta, bool use_locking = false, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        using var __ = graph.as_default();
        return new OpBuilder(StateOps.AssignSub, name ?? "AssignSub").Input(_ref).Input(tf.convert_to_tensor(delta, dtype.BaseType()))
            .Attr("use_locking", use_locking).Build().outputs[0];
    }

    /// <summary>The variable's value in a session (default: the default session).</summary>
    public NumSharp.NDArray eval(Session? session = null) => (session ?? Session.DefaultOrThrow()).run(this, new FeedDict());

    /// <summary>Writes a value into the variable in a session without adding ops (TF's Variable.load): runs the initializer fed with the value.</summary>
    public void load(object value, Session? session = null) =>
        (session ?? Session.DefaultOrThrow()).run(initializer, new FeedDict { [initial_value] = value });

    public static implicit operator Tensor(Variable v) => v._snapshot;

    public static Tensor operator +(Variable a, Tensor b) => a._snapshot + b;
    public static Tensor operator +(Tensor a, Variable b) => a + b._snapshot;
    public static Tensor operator +(Variable a, Variable b) => a._snapshot + b._snapshot;
    public static Tensor operator +(Variable a, double b) => a._snapshot + b;
    public static Tensor operator -(Variable a, Tensor b) => a._snapshot - b;
    public static Tensor operator -(Tensor a, Variable b) => a - b._snapshot;
    public static Tensor operator -(Variable a, Variable b) => a._snapshot - b._snapshot;
    public static Tensor operator -(Variable a, double b) => a._snapshot - b;
    public static Tensor operator *(Variable a, Tensor b) => a._snapshot * b;
    public static Tensor operator *(Tensor a, Variable b) => a * b._snapshot;
    public static Tensor operator *(Variable a, Variable b) => a._snapshot * b._snapshot;
    public static Tensor operator *(Variable a, double b) => a._snapshot * b;
    public static Tensor operator *(double a, Variable b) => a * b._snapshot;
    public static Tensor operator /(Variable a, Tensor b) => a._snapshot / b;
    public static Tensor operator /(Variable a, double b) => a._snapshot / b;
    public static Tensor operator -(Variable a) => -a._snapshot;

    Operation ITensorOrOperation.Op => op;

    public override string ToString() => $"<tf.Variable '{name}' shape={shape} dtype={dtype.PythonName()}>";
}
