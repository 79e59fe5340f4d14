using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;

namespace GraphEngine;

/// <summary>
/// TF1's reuse argument: inherit (the default), false, true or AUTO_REUSE (create when missing,
/// share when present). A bool converts implicitly, so <c>reuse: true</c> reads as in Python.
/// </summary>
public readonly struct VariableReuse : IEquatable<VariableReuse>
{
    private readonly byte _mode; // 0 inherit, 1 false, 2 true, 3 auto

    private VariableReuse(byte mode) => _mode = mode;

    public static readonly VariableReuse Inherit = new(0);
    public static readonly VariableReuse False = new(1);
    public static readonly VariableReuse True = new(2);
    public static readonly VariableReuse AutoReuse = new(3);

    public static implicit operator VariableReuse(bool reuse) => reuse ? True : False;

    public bool IsInherit => _mode == 0;
    public bool IsAuto => _mode == 3;

    /// <summary>Python truthiness: true and AUTO_REUSE are truthy (TF's "reuse or parent.reuse").</summary>
    public bool IsTruthy => _mode >= 2;

    public bool Equals(VariableReuse other) => _mode == other._mode;
    public override bool Equals(object? obj) => obj is VariableReuse r && Equals(r);
    public override int GetHashCode() => _mode;
    public static bool operator ==(VariableReuse a, VariableReuse b) => a.Equals(b);
    public static bool operator !=(VariableReuse a, VariableReuse b) => !a.Equals(b);

    public override string ToString() => _mode switch { 0 => "None", 1 => "False", 2 => "True", _ => "AUTO_REUSE" };
}

/// <summary>
/// A TF1 variable scope: the prefix of variable names, the reuse mode, and the defaults
/// (initializer, regularizer, dtype) that tf.get_variable uses inside it. Entering
/// tf.variable_scope returns a new scope object; disposing it restores the outer scope.
/// </summary>
public sealed class VariableScope : IDisposable
{
    private Action? _onDispose;

    internal VariableScope(string name, VariableReuse reuse, Initializer? initializer, Func<Tensor, Tensor?>? regularizer,
        DType dtype, string originalNameScope)
    {
        this.name = name;
        this.reuse = reuse;
        this.initializer = initializer;
        this.regularizer = regularizer;
        this.dtype = dtype;
        original_name_scope = originalNameScope;
    }

    /// <summary>The variable-name prefix ("" at the root, else "outer/inner", no trailing slash).</summary>
    public string name { get; }

    /// <summary>False, true or AUTO_REUSE (never "inherit": that is resolved on entry).</summary>
    public VariableReuse reuse { get; private set; }

    // Settable: TF's set_initializer/set_regularizer/set_dtype (C# reserves those names for the setters).
    public Initializer? initializer { get; set; }
    public Func<Tensor, Tensor?>? regularizer { get; set; }
    public DType dtype { get; set; }

    /// <summary>The name scope opened when this scope was first entered (ends with "/", or "" at the root).</summary>
    public string original_name_scope { get; }

    /// <summary>Makes tf.get_variable share existing variables from here on (TF's reuse_variables()).</summary>
    public void reuse_variables() => reuse = VariableReuse.True;


    internal void OnDispose(Action action) => _onDispose = action;

    public void Dispose()
    {
        _onDispose?.Invoke();
        _onDispose = null;
    }

    public override string ToString() => $"<VariableScope '{name}' reuse={reuse}>";
}

/// <summary>
/// Per-graph state behind tf.variable_scope / tf.get_variable (TF's _VariableStore and
/// _VariableScopeStore): the variables created by get_variable by full name, the current scope per
/// thread, and how often each scope name was opened (for default_name uniqueness).
/// </summary>
internal sealed class VariableScopeStore
{
    private readonly ThreadLocal<VariableScope> _current = new(() => new VariableScope("", VariableReuse.False, null, null, DType.Float, ""));
    internal readonly Dictionary<string, Variable> Variables = new(StringComparer.Ordinal);
    internal readonly Dictionary<string, int> ScopeCounts = new(StringComparer.Ordinal);
    internal readonly object Lock = new();

    public VariableScope Current
    {
        get => _current.Value!;
        set => _current.Value = value;
    }

    public void Open(string scopeName)
    {
        lock (Lock) ScopeCounts[scopeName] = ScopeCounts.GetValueOrDefault(scopeName) + 1;
    }

    /// <summary>TF's close_variable_subscopes: leaving a scope resets the counts of scopes nested in it.</summary>
    public void CloseSubscopes(string scopeName)
    {
        lock (Lock)
            foreach (var k in ScopeCounts.Keys.ToList())
                if (scopeName.Length == 0 || k.StartsWith(scopeName + "/", StringComparison.Ordinal)) ScopeCounts[k] = 0;
    }

    public int Count(string scopeName)
    {
        lock (Lock) return ScopeCounts.GetValueOrDefault(scopeName);
    }
}

public sealed partial class Graph
{
    internal VariableScopeStore VariableScopes { get; } = new();
}

public static partial class tf
{
    /// <summary>tf.AUTO_REUSE: get_variable creates a variable when missing and shares it when present.</summary>
    public static readonly VariableReuse AUTO_REUSE = VariableReuse.AutoReuse;

    /// <summary>The variable scope of the calling thread in the default graph.</summary>
    public static VariableScope get_variable_scope() => get_default_graph().VariableScopes.Current;

    /// <summary>
    /// Opens a variable scope (TF1's tf.variable_scope). <paramref name="name_or_scope"/> is a
    /// string, a <see cref="VariableScope"/> to re-enter, or null with <paramref name="default_name"/>
    /// (made unique: "dense", "dense_1", …). A name scope of the same name is opened alongside
    /// (made unique in the graph as name scopes are). Reuse is inherited: a child of a reusing scope
    /// reuses. Dispose to leave.
    /// </summary>
    public static VariableScope variable_scope(object? name_or_scope, string? default_name = null, IEnumerable<object>? values = null,
        Initializer? initializer = null, Func<Tensor, Tensor?>? regularizer = null, VariableReuse reuse = default, DType? dtype = null,
        bool auxiliary_name_scope = true)
    {
        var graph = GraphFor(values);
        var store = graph.VariableScopes;
        var old = store.Current;
        NameScope? nameScope = null;
        string newName;
        string originalNameScope;
        VariableReuse resolved;
        var (init, reg, dt) = (old.initializer, old.regularizer, old.dtype);
        switch (name_or_scope)
        {
            case VariableScope vs:
                newName = vs.name;
                nameScope = auxiliary_name_scope
                    ? graph.name_scope(vs.name.Length == 0 ? null : vs.name.Split('/')[^1])
                    : graph.name_scope(vs.original_name_scope.Length == 0 ? null : vs.original_name_scope);
                originalNameScope = vs.original_name_scope;
                resolved = reuse.IsTruthy ? reuse : vs.reuse;
                (init, reg, dt) = (vs.initializer, vs.regularizer, vs.dtype);
                break;
            case string s when s.Length > 0:
                newName = old.name.Length > 0 ? old.name + "/" + s : s;
                nameScope = auxiliary_name_scope ? graph.name_scope(s) : null;
                originalNameScope = nameScope?.Name ?? (graph.get_name_scope() is { Length: > 0 } cur ? cur + "/" : "");
                resolved = reuse.IsTruthy ? reuse : old.reuse;
                break;
            case null or "":
                if (default_name == null)
                    throw new InvalidArgumentException("variable_scope: if default_name is None then name_or_scope is required.");
                if (reuse.IsTruthy)
                    throw new InvalidArgumentException("variable_scope: reuse=True cannot be used without a name_or_scope.");
                nameScope = graph.name_scope(default_name);
                var unique = UniqueVariableScope(store, old, default_name);
                newName = old.name.Length > 0 ? old.name + "/" + unique : unique;
                originalNameScope = nameScope.Name;
                resolved = old.reuse;
                break;
            default:
                throw new InvalidArgumentException($"VariableScope: name_or_scope must be a string or VariableScope, got {name_or_scope.GetType().Name}.");
        }
        var scope = new VariableScope(newName, resolved, initializer ?? init, regularizer ?? reg, dtype ?? dt, originalNameScope);
        var countsBefore = name_or_scope is VariableScope ? new Dictionary<string, int>(store.ScopeCounts) : null;
        store.Open(newName);
        store.Current = scope;
        scope.OnDispose(() =>
        {
            if (countsBefore != null)
            {
                lock (store.Lock)
                {
                    store.ScopeCounts.Clear();
                    foreach (var kv in countsBefore) store.ScopeCounts[kv.Key] = kv.Value;
                }
            }
            else store.CloseSubscopes(newName);
            store.Current = old;
            nameScope?.Dispose();
        });
        return scope;
    }

    /// <summary>TF's _get_unique_variable_scope: prefix, prefix_1, … by how often each full name was opened.</summary>
    private static string UniqueVariableScope(VariableScopeStore store, VariableScope current, string prefix)
    {
        string Full(string p) => current.name.Length > 0 ? current.name + "/" + p : p;
        if (store.Count(Full(prefix)) == 0) return prefix;
        int idx = 1;
        while (store.Count(Full($"{prefix}_{idx}")) > 0) idx++;
        return $"{prefix}_{idx}";
    }

    /// <summary>
    /// Gets an existing variable or creates a new one under the current variable scope (TF1's
    /// tf.get_variable). The name is the scope's name + "/" + <paramref name="name"/>, independent
    /// of name scopes. <paramref name="initializer"/> is an <see cref="Initializer"/>, a Tensor or a
    /// host value (then <paramref name="shape"/> comes from it); default: the scope's initializer,
    /// else glorot_uniform for floats and zeros for integers and bools.
    /// </summary>
    public static Variable get_variable(string name, ShapeLike? shape = null, DType? dtype = null, object? initializer = null,
        Func<Tensor, Tensor?>? regularizer = null, bool? trainable = null, IEnumerable<string>? collections = null,
        bool validate_shape = true, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return VariableStoreOps.GetVariable(get_default_graph(), name, shape?.Value, dtype, initializer, regularizer, trainable, collections, validate_shape);
    }
}
