using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;

namespace GraphEngine;

/// <summary>
/// The TF1 API surface, with TensorFlow's Python names and argument names so scripts port line by
/// line. A partial class: each op family file adds its builders.
/// </summary>
public static partial class tf
{
    public const DType float32 = DType.Float;
    public const DType float64 = DType.Double;
    public const DType float16 = DType.Half;
    public const DType bfloat16 = DType.BFloat16;
    public const DType int8 = DType.Int8;
    public const DType int16 = DType.Int16;
    public const DType int32 = DType.Int32;
    public const DType int64 = DType.Int64;
    public const DType uint8 = DType.UInt8;
    public const DType uint16 = DType.UInt16;
    public const DType uint32 = DType.UInt32;
    public const DType uint64 = DType.UInt64;
    public const DType @bool = DType.Bool;
    public const DType @string = DType.String;
    public const DType complex128 = DType.Complex128;
    public const DType complex64 = DType.Complex64;
    public const DType @double = DType.Double;

    /// <summary>The graph new ops go into: the thread's as_default() override, else the process-wide default graph.</summary>
    public static GraphEngine.Graph get_default_graph() => GraphEngine.Graph.Default;

    /// <summary>Replaces the process-wide default graph with a new empty one.</summary>
    public static void reset_default_graph() => GraphEngine.Graph.ResetGlobal();

    public static GraphEngine.Graph Graph() => new();

    public static Session Session(GraphEngine.Graph? graph = null, GraphEngine.Ops.Proto.ConfigProto? config = null) => new(graph, config);

    /// <summary>A session that installs itself as the default, so t.eval() and op.run() need no session.</summary>
    public static Session InteractiveSession(GraphEngine.Graph? graph = null)
    {
        var s = new Session(graph);
        GraphEngine.Session.SetInteractive(s);
        return s;
    }

    public static Session? get_default_session() => GraphEngine.Session.Default;

    /// <summary>Sets the graph-level random seed of the default graph (TF1 seed rules).</summary>
    public static void set_random_seed(int? seed) => get_default_graph().seed = seed;

    public static NameScope name_scope(string? name, string? default_name = null, IEnumerable<object>? values = null) =>
        GraphFor(values).name_scope(name ?? default_name);

    public static IDisposable device(string? device_name) => get_default_graph().device(device_name);

    /// <summary>Ops created inside run after the given ops/tensors/variables; null clears outer blocks.</summary>
    public static IDisposable control_dependencies(IEnumerable<object>? control_inputs) =>
        get_default_graph().control_dependencies(control_inputs);

    public static IDisposable control_dependencies(params ITensorOrOperation[] control_inputs) =>
        get_default_graph().control_dependencies(control_inputs);

    public static void add_to_collection(string name, object value) => get_default_graph().add_to_collection(name, value);

    public static List<object> get_collection(string key, string? scope = null) => get_default_graph().get_collection(key, scope);

    public static List<object> get_collection_ref(string key) => get_default_graph().get_collection_ref(key);

    /// <summary>The graph of the given tensors/ops (they must agree), else the default graph.</summary>
    internal static GraphEngine.Graph GraphFor(IEnumerable<object>? values)
    {
        GraphEngine.Graph? g = null;
        foreach (var v in values ?? [])
        {
            var vg = v switch { Tensor t => t.graph, Operation o => o.graph, Variable var => var.graph, _ => null };
            if (vg == null) continue;
            if (g != null && g != vg) throw new InvalidArgumentException("The given tensors are from different graphs.");
            g = vg;
        }
        return g ?? get_default_graph();
    }

    /// <summary>Converts a host value or a tensor to a tensor of the wanted dtype (TF's convert_to_tensor).</summary>
    public static Tensor convert_to_tensor(object value, DType? dtype = null, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        switch (value)
        {
            case Tensor t:
                if (dtype is { } d && d.BaseType() != t.dtype.BaseType())
                    throw new InvalidArgumentException($"Tensor conversion requested dtype {d.PythonName()} for Tensor with dtype {t.dtype.PythonName()}: {t}");
                return t;
            case Variable v:
                return convert_to_tensor(v.value(), dtype, name);
            default:
                return constant(value, dtype, name: name ?? "Const");
        }
    }
}
