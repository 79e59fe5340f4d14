using System.Collections.Frozen;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Framework;

/// <summary>Op definitions by name. Filled by explicit registration lists, then frozen.</summary>
public sealed class OpRegistry
{
    private readonly Dictionary<string, OpDef> _ops = new(StringComparer.Ordinal);
    private FrozenDictionary<string, OpDef>? _frozen;

    public void Add(params OpDef[] ops)
    {
        if (_frozen != null) throw new InternalException("The op registry is frozen.");
        foreach (var op in ops)
        {
            if (!_ops.TryAdd(op.Name, op))
                throw new InternalException($"Op '{op.Name}' registered twice.");
            op.FinalizeArgs();
        }
    }

    public void Freeze() => _frozen = _ops.ToFrozenDictionary(StringComparer.Ordinal);

    private IReadOnlyDictionary<string, OpDef> Map => (IReadOnlyDictionary<string, OpDef>?)_frozen ?? _ops;

    public bool TryGet(string name, out OpDef op) => Map.TryGetValue(name, out op!);

    /// <summary>The definition, or Unimplemented with TF's text for an unregistered op type.</summary>
    public OpDef Get(string name) => TryGet(name, out var op) ? op
        : throw new UnimplementedException($"Op type not registered '{name}' in GraphEngine. Unknown op types cannot be run.");

    public IEnumerable<OpDef> All => Map.Values.OrderBy(o => o.Name, StringComparer.Ordinal);
}
