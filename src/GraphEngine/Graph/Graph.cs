using System.Text.RegularExpressions;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Runtime;

namespace GraphEngine;

/// <summary>
/// A TF1 computation graph: operations, unique names, name scopes, control-dependency and device
/// contexts, collections, and the graph-level random seed. The process has one default graph that
/// every thread sees; <see cref="as_default"/> overrides it for the current thread only.
/// </summary>
public sealed partial class Graph
{
    private static Graph _global = new();
    [ThreadStatic] private static Stack<Graph>? _overrides;

    private readonly List<Operation> _ops = [];
    private readonly Dictionary<string, Operation> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _namesInUse = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<object>> _collections = new(StringComparer.Ordinal);
    private readonly ThreadLocal<BuildContext> _context = new(() => new BuildContext());
    internal readonly object BuildLock = new();

    /// <summary>Per-thread build state (TF keeps name and control stacks thread-local too).</summary>
    private sealed class BuildContext
    {
        public string NameStack = "";
        public List<ControlDependencyScope> Controllers = [];
        public List<string> Devices = [];
    }

    internal GraphDef Def { get; } = new();

    internal RuntimeLibrary Library => RuntimeLibrary.Default;

    /// <summary>The graph-level seed (tf.set_random_seed); null when not set.</summary>
    public int? seed { get; set; }

    public bool finalized { get; private set; }

    /// <summary>Changes whenever the graph changes (sessions recompile plans when it does).</summary>
    public int version => Def.Version;

    /// <summary>The default graph of the calling thread: its innermost as_default() override, else the process-wide one.</summary>
    public static Graph Default => _overrides is { Count: > 0 } s ? s.Peek() : Volatile.Read(ref _global);

    /// <summary>Replaces the process-wide default graph (tf.reset_default_graph).</summary>
    internal static void ResetGlobal()
    {
        if (_overrides is { Count: > 0 })
            throw new FailedPreconditionException("Do not use tf.reset_default_graph() to clear nested graphs. If you need a cleared graph, exit the nesting and create a new graph.");
        Volatile.Write(ref _global, new Graph());
    }

    /// <summary>Makes this graph the default for the current thread until the returned scope is disposed.</summary>
    public IDisposable as_default()
    {
        (_overrides ??= new Stack<Graph>()).Push(this);
        return new Scope(() => _overrides!.Pop());
    }

    /// <summary>Stops further changes (TF's finalize): adding an op afterwards is an error.</summary>
    public void finalize() => finalized = true;

    internal sealed class Scope(Action onDispose) : IDisposable
    {
        private Action? _onDispose = onDispose;

        public void Dispose()
        {
            _onDispose?.Invoke();
            _onDispose = null;
        }
    }

    // ---- names ----

    private static readonly Regex ValidOpName = new(@"^[A-Za-z0-9.][A-Za-z0-9_.\\/>-]*$", RegexOptions.Compiled);
    private static readonly Regex ValidScopeName = new(@"^[A-Za-z0-9_.\\/>-]*$", RegexOptions.Compiled);

    /// <summary>The current name scope ("" at the root, else "a/b").</summary>
    public string get_name_scope() => _context.Value!.NameStack;

    /// <summary>A name not used yet in this graph, under the current scope (TF1's unique_name: x, x_1, x_2, …).</summary>
    public string unique_name(string name, bool mark_as_used = true)
    {
        lock (BuildLock)
        {
            var stack = _context.Value!.NameStack;
            if (stack.Length > 0) name = stack + "/" + name;
            var key = name.ToLowerInvariant();
            _namesInUse.TryGetValue(key, out int i);
            if (mark_as_used) _namesInUse[key] = i + 1;
            if (i > 0)
            {
                var baseKey = key;
                while (_namesInUse.ContainsKey(key)) key = $"{baseKey}_{i++}";
                if (mark_as_used) _namesInUse[key] = 1;
                name = $"{name}_{i - 1}";
            }
            return name;
        }
    }

    /// <summary>
    /// Opens a name scope (TF1 graph.name_scope): a fresh name is made unique; a name ending in "/"
    /// re-enters that exact scope; null or "" resets to the root. The scope's Name ends with "/".
    /// </summary>
    public NameScope name_scope(string? name)
    {
        var ctx = _context.Value!;
        var old = ctx.NameStack;
        string next;
        if (string.IsNullOrEmpty(name)) next = "";
        else
        {
            var valid = old.Length > 0 ? ValidScopeName : ValidOpName;
            if (!valid.IsMatch(name)) throw new InvalidArgumentException($"'{name}' is not a valid scope name");
            next = name.EndsWith('/') ? name[..^1] : unique_name(name);
        }
        ctx.NameStack = next;
        return new NameScope(next.Length == 0 ? "" : next + "/", () => ctx.NameStack = old);
    }

    // ---- devices ----

    /// <summary>Sets the device string recorded on ops created in the scope (kept, not used for placement).</summary>
    public IDisposable device(string? device_name)
    {
        var ctx = _context.Value!;
        ctx.Devices.Add(device_name ?? "");
        return new Scope(() => ctx.Devices.RemoveAt(ctx.Devices.Count - 1));
    }

    internal string CurrentDevice
    {
        get
        {
            var d = _context.Value!.Devices;
            return d.Count == 0 ? "" : d[^1];
        }
    }

    // ---- lookups ----

    public Operation get_operation_by_name(string name)
    {
        lock (BuildLock)
            if (_byName.TryGetValue(name, out var op)) return op;
        if (name.Contains(':'))
            throw new InvalidArgumentException($"Name '{name}' appears to refer to a Tensor, not an Operation.");
        throw new NotFoundException($"The name '{name}' refers to an Operation not in the graph.");
    }

    public Tensor get_tensor_by_name(string name)
    {
        var t = TensorName.Parse(name);
        if (!name.Contains(':') || t.IsControl)
            throw new InvalidArgumentException($"The name '{name}' looks like an (invalid) Operation name, not a Tensor. Tensor names must be of the form \"<op_name>:<output_index>\".");
        Operation? op;
        lock (BuildLock) _byName.TryGetValue(t.Node, out op);
        if (op == null)
            throw new NotFoundException($"The name '{name}' refers to a Tensor which does not exist. The operation, '{t.Node}', does not exist in the graph.");
        if (t.Index >= op.outputs.Length)
            throw new NotFoundException($"The name '{name}' refers to a Tensor which does not exist. The operation, '{t.Node}', exists but only has {op.outputs.Length} outputs.");
        return op.outputs[t.Index];
    }

    /// <summary>Finds a tensor ("x:0") or an operation ("x") by name.</summary>
    public ITensorOrOperation as_graph_element(string name) => name.Contains(':') ? get_tensor_by_name(name) : get_operation_by_name(name);

    internal bool TryGetOperation(string name, out Operation op)
    {
        lock (BuildLock) return _byName.TryGetValue(name, out op!);
    }

    public Operation[] get_operations()
    {
        lock (BuildLock) return [.. _ops];
    }

    /// <summary>A copy of the graph as a GraphDef.</summary>
    public GraphDef as_graph_def() => Def.Clone();

    // ---- collections ----

    public void add_to_collection(string name, object value)
    {
        lock (BuildLock)
        {
            if (!_collections.TryGetValue(name, out var list)) _collections[name] = list = [];
            list.Add(value);
        }
    }

    public void add_to_collections(IEnumerable<string> names, object value)
    {
        foreach (var n in names.Distinct()) add_to_collection(n, value);
    }

    /// <summary>A copy of the collection's items, optionally filtered by name scope prefix (regex match at start, as TF).</summary>
    public List<object> get_collection(string name, string? scope = null)
    {
        lock (BuildLock)
        {
            if (!_collections.TryGetValue(name, out var list)) return [];
            if (scope == null) return [.. list];
            var re = new Regex("^(?:" + scope + ")");
            return list.Where(item => NameOf(item) is { } n && re.IsMatch(n)).ToList();
        }
    }

    public List<T> get_collection<T>(string name, string? scope = null) => get_collection(name, scope).OfType<T>().ToList();

    /// <summary>The live list of a collection (TF's get_collection_ref).</summary>
    public List<object> get_collection_ref(string name)
    {
        lock (BuildLock)
        {
            if (!_collections.TryGetValue(name, out var list)) _collections[name] = list = [];
            return list;
        }
    }

    public IEnumerable<string> get_all_collection_keys()
    {
        lock (BuildLock) return _collections.Keys.ToArray();
    }

    private static string? NameOf(object item) => item switch
    {
        Variable v => v.name,
        Tensor t => t.name,
        Operation o => o.name,
        _ => null,
    };

    // ---- op registration ----

    internal void AddOperation(Operation op)
    {
        _ops.Add(op);
        _byName[op.name] = op;
        // As TF's control_dependencies(None) starts a fresh stack, blocks outside it do not see its ops.
        var controllers = _context.Value!.Controllers;
        for (int i = Math.Max(controllers.FindLastIndex(c => c.ClearsOuter), 0); i < controllers.Count; i++) controllers[i].Seen(op);
    }

    internal int NextOpId => _ops.Count + 1;

    internal int OpCount
    {
        get { lock (BuildLock) return _ops.Count; }
    }

    internal List<ControlDependencyScope> Controllers => _context.Value!.Controllers;
}

/// <summary>An open name scope; <see cref="Name"/> ends with "/" (or is "" at the root).</summary>
public sealed class NameScope(string name, Action onDispose) : IDisposable
{
    private Action? _onDispose = onDispose;

    public string Name { get; } = name;

    public static implicit operator string(NameScope s) => s.Name;

    public void Dispose()
    {
        _onDispose?.Invoke();
        _onDispose = null;
    }

    public override string ToString() => Name;
}
