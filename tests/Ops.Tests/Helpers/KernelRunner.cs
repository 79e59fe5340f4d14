using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Tests.Helpers;

/// <summary>
/// Runs one op's kernel outside any executor: builds a NodeDef with the given attrs (defaults
/// added, validated against the OpDef), creates the kernel from a fresh registry filled by
/// OpLibrary.RegisterAll, binds an OpKernelContext over an Entry[] and returns the outputs.
/// </summary>
internal sealed class KernelRunner
{
    private static readonly Lazy<(OpRegistry Ops, KernelRegistry Kernels)> Library = new(() =>
    {
        var ops = new OpRegistry();
        var kernels = new KernelRegistry();
        OpLibrary.RegisterAll(ops, kernels);
        ops.Freeze();
        return (ops, kernels);
    });

    public static OpRegistry Ops => Library.Value.Ops;
    public static KernelRegistry Kernels => Library.Value.Kernels;

    private readonly NodeDef _node;
    private readonly DType[] _inputTypes, _outputTypes;

    public IOpKernel Kernel { get; }

    /// <summary>Inputs the executor would let this node overwrite (their last use), enabling in-place kernels.</summary>
    public bool[]? Forwardable { get; set; }

    private KernelRunner(OpDef op, string name, IEnumerable<(string Name, AttrValue Value)> attrs)
    {
        _node = new NodeDef(name, op.Name);
        foreach (var (k, v) in attrs) _node.Attr[k] = v;
        op.AddDefaults(_node);
        op.ValidateAttrs(_node);
        _inputTypes = op.ResolveTypes(op.InputArgs, _node.Attr, name);
        _outputTypes = op.ResolveTypes(op.OutputArgs, _node.Attr, name);
        Kernel = Kernels.Create(new OpKernelConstruction(_node, Ops.Get(op.Name), _inputTypes, _outputTypes));
    }

    /// <summary>A kernel instance that can be run several times (stateful ops).</summary>
    public static KernelRunner For(OpDef op, params (string Name, AttrValue Value)[] attrs) => new(op, "x", attrs);

    public static KernelRunner Named(OpDef op, string name, params (string Name, AttrValue Value)[] attrs) => new(op, name, attrs);

    /// <summary>Runs once; attr T, when the op has it and it is not given, is taken from the first input.</summary>
    public static HostTensor[] Run(OpDef op, HostTensor[] inputs, params (string Name, AttrValue Value)[] attrs)
    {
        var all = attrs.ToList();
        if (op.FindAttr("T") != null && !all.Any(a => a.Name == "T") && inputs.Length > 0)
            all.Add(("T", inputs[0].DType));
        return new KernelRunner(op, "x", all).Run(inputs);
    }

    public static HostTensor Run1(OpDef op, HostTensor[] inputs, params (string Name, AttrValue Value)[] attrs) => Run(op, inputs, attrs)[0];

    public HostTensor[] Run(params HostTensor[] inputs)
    {
        if (inputs.Length != _inputTypes.Length)
            throw new ArgumentException($"{_node.Op} takes {_inputTypes.Length} inputs, got {inputs.Length}.");
        var slots = new Entry[inputs.Length + _outputTypes.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            slots[i].Tensor = inputs[i];
            inputs[i].Buffer?.Retain();   // as the executor does for a stored value
        }
        var ctx = new OpKernelContext(new NoResources());
        ctx.Bind(_node, slots, Enumerable.Range(0, inputs.Length).ToArray(), inputs.Length, _inputTypes, _outputTypes);
        ctx.ForwardableInputs = Forwardable;
        Kernel.Compute(ctx);
        var outputs = new HostTensor[_outputTypes.Length];
        for (int i = 0; i < outputs.Length; i++)
            outputs[i] = slots[inputs.Length + i].Tensor ?? throw new InvalidOperationException($"Output {i} was not set.");
        return outputs;
    }

    private sealed class NoResources : IResourceManager
    {
        public RefCell LookupOrCreateVariable(string container, string name, DType dtype, TensorShape shape) =>
            throw new InvalidOperationException("Pure kernels must not reach the resource manager.");
    }
}

/// <summary>Short constructors for test tensors.</summary>
internal static class Tn
{
    public static HostTensor F(float[] v, params long[] dims) => HostTensor.FromArray(v, dims.Length == 0 && v.Length != 1 ? [v.Length] : dims);
    public static HostTensor D(double[] v, params long[] dims) => HostTensor.FromArray(v, dims.Length == 0 && v.Length != 1 ? [v.Length] : dims);
    public static HostTensor I(int[] v, params long[] dims) => HostTensor.FromArray(v, dims.Length == 0 && v.Length != 1 ? [v.Length] : dims);
    public static HostTensor L(long[] v, params long[] dims) => HostTensor.FromArray(v, dims.Length == 0 && v.Length != 1 ? [v.Length] : dims);
    public static HostTensor Vec(params int[] v) => HostTensor.FromArray(v, v.Length);
    public static HostTensor Scalar<TE>(TE v) where TE : unmanaged => HostTensor.Scalar(v);

    /// <summary>Deterministic values in [lo, hi) of the given shape.</summary>
    public static HostTensor RandomF(int seed, long[] dims, double lo = -2, double hi = 2)
    {
        var r = new System.Random(seed);
        long n = HostTensor.CountElements(dims);
        return HostTensor.FromArray(Enumerable.Range(0, (int)n).Select(_ => (float)(lo + (hi - lo) * r.NextDouble())).ToArray(), dims);
    }

    public static HostTensor RandomD(int seed, long[] dims, double lo = -2, double hi = 2)
    {
        var r = new System.Random(seed);
        long n = HostTensor.CountElements(dims);
        return HostTensor.FromArray(Enumerable.Range(0, (int)n).Select(_ => lo + (hi - lo) * r.NextDouble()).ToArray(), dims);
    }
}
