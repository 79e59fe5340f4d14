using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Framework;

/// <summary>A bound kernel: created once per node per plan, then called every step.</summary>
public interface IOpKernel
{
    void Compute(OpKernelContext ctx);
}

/// <summary>Builds a kernel for a node; attrs are read here, once (TF's OpKernelConstruction).</summary>
public delegate IOpKernel KernelFactory(OpKernelConstruction c);

/// <summary>A kernel made of a delegate, for kernels with no per-node state.</summary>
public sealed class LambdaKernel(Action<OpKernelContext> compute) : IOpKernel
{
    public void Compute(OpKernelContext ctx) => compute(ctx);
}

/// <summary>What a kernel factory sees of its node.</summary>
public sealed class OpKernelConstruction(NodeDef node, OpDef op, DType[] inputTypes, DType[] outputTypes)
{
    public NodeDef Node { get; } = node;
    public OpDef Op { get; } = op;
    public DType[] InputTypes { get; } = inputTypes;
    public DType[] OutputTypes { get; } = outputTypes;

    public AttrValue Attr(string name) => Node.GetAttr(name);
    public bool HasAttr(string name) => Node.Attr.ContainsKey(name);
}

/// <summary>
/// CPU kernels keyed by op name and attr type constraints (TF's REGISTER_KERNEL_BUILDER with
/// TypeConstraint). Pure kernels come from Ops; effectful ones are added by the runtime.
/// </summary>
public sealed class KernelRegistry
{
    private sealed record Entry(KernelFactory Factory, (string Attr, DType Type)[] Constraints);

    private readonly Dictionary<string, List<Entry>> _kernels = new(StringComparer.Ordinal);

    public void Add(string op, KernelFactory factory, params (string Attr, DType Type)[] constraints)
    {
        if (!_kernels.TryGetValue(op, out var list)) _kernels[op] = list = [];
        list.Add(new Entry(factory, constraints));
    }

    /// <summary>A kernel for <paramref name="op"/> constrained to T = <paramref name="t"/>.</summary>
    public void Add(OpDef op, DType t, KernelFactory factory) => Add(op.Name, factory, ("T", t));

    /// <summary>One kernel for every dtype in <paramref name="types"/> (constraint on attr T).</summary>
    public void Add(OpDef op, IEnumerable<DType> types, KernelFactory factory)
    {
        foreach (var t in types) Add(op.Name, factory, ("T", t));
    }

    /// <summary>A kernel with no type constraint.</summary>
    public void Add(OpDef op, KernelFactory factory) => Add(op.Name, factory);

    public bool HasKernel(string op) => _kernels.ContainsKey(op);

    /// <summary>Whether a kernel exists for the op with the given attr values (type attrs only).</summary>
    public bool HasKernel(string op, IReadOnlyDictionary<string, AttrValue> attrs) => Find(op, attrs) != null;

    private Entry? Find(string op, IReadOnlyDictionary<string, AttrValue> attrs)
    {
        if (!_kernels.TryGetValue(op, out var list)) return null;
        foreach (var e in list)
        {
            bool ok = true;
            foreach (var (attr, type) in e.Constraints)
                if (!attrs.TryGetValue(attr, out var v) || v.Kind != AttrKind.Type || v.Type != type) { ok = false; break; }
            if (ok) return e;
        }
        return null;
    }

    public IOpKernel Create(OpKernelConstruction c)
    {
        var entry = Find(c.Node.Op, c.Node.Attr);
        if (entry == null)
        {
            var typeAttrs = string.Join(", ", c.Node.Attr.Where(kv => kv.Value.Kind == AttrKind.Type).Select(kv => $"{kv.Key}={kv.Value.Type.EnumName()}"));
            throw new UnimplementedException(
                $"No OpKernel was registered to support Op '{c.Node.Op}' used by node {c.Node.Name} with these attrs: [{typeAttrs}]");
        }
        return entry.Factory(c);
    }

    public IEnumerable<(string Op, (string Attr, DType Type)[] Constraints)> Registrations =>
        _kernels.SelectMany(kv => kv.Value.Select(e => (kv.Key, e.Constraints)));
}
