using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Runtime;

namespace GraphEngine.Runtime.Onnx;

/// <summary>Maps one TF node to ONNX nodes through the conversion state.</summary>
internal delegate void OnnxOpMapper(OnnxConversion c, NodeDef node);

/// <summary>
/// The ONNX value(s) standing for one TF tensor. Image tensors in TF's NHWC layout may live in
/// ONNX as NCHW ("channels first") once a Conv or pool produced them; the NHWC form is then made
/// only when some consumer needs it, so conv → relu → pool → conv chains carry no transposes and
/// the NCHW→NHWC→NCHW pairs never appear.
/// </summary>
internal sealed class TfValue
{
    public string? Native;
    public string? ChannelsFirst;
    /// <summary>True when the NCHW form came first: layout-neutral consumers then stay in NCHW.</summary>
    public bool PrefersChannelsFirst;
}

/// <summary>The state of one export: the frozen graph, the ONNX graph being built, and the TF tensor → ONNX value map.</summary>
internal sealed class OnnxConversion
{
    private static readonly int[] ToChannelsFirst = [0, 3, 1, 2];
    private static readonly int[] ToChannelsLast = [0, 2, 3, 1];

    private readonly Dictionary<string, TfValue> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NodeDef>> _consumers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _handled = new(StringComparer.Ordinal);

    public OnnxConversion(FrozenModel model, OnnxGraphBuilder builder)
    {
        Model = model;
        Builder = builder;
        foreach (var n in model.Order)
            foreach (var i in OnnxFreezer.DataInputs(n))
            {
                if (!_consumers.TryGetValue(i.ToString(), out var list)) _consumers[i.ToString()] = list = [];
                list.Add(n);
            }
    }

    public FrozenModel Model { get; }
    public OnnxGraphBuilder Builder { get; }
    public int Opset => Builder.Opset;

    public static TensorName InputName(NodeDef node, int i) => OnnxFreezer.DataInputs(node).ElementAt(i);
    public static int InputCount(NodeDef node) => OnnxFreezer.DataInputs(node).Count();
    public static string Tensor(NodeDef node, int output = 0) => $"{node.Name}:{output}";

    /// <summary>The nodes reading a tensor, and whether it is also a graph output (then it cannot be fused away).</summary>
    public IReadOnlyList<NodeDef> Consumers(string tensor) => _consumers.TryGetValue(tensor, out var l) ? l : [];
    public bool IsOutput(string tensor) => Model.Outputs.Contains(tensor);

    /// <summary>Marks a node as already emitted by a fusion (MatMul + bias → Gemm).</summary>
    public void MarkHandled(NodeDef node) => _handled.Add(node.Name);
    public bool IsHandled(NodeDef node) => _handled.Contains(node.Name);

    public HostTensor? Constant(NodeDef node, int i) => Model.Constants.TryGetValue(InputName(node, i).ToString(), out var v) ? v : null;

    public HostTensor RequireConstant(NodeDef node, int i, string what) => Constant(node, i)
        ?? throw new UnimplementedException($"ONNX export: node '{node.Name}' ({node.Op}) has a {what} ('{InputName(node, i)}') that is computed at run time; only a constant {what} can be exported.");

    public DType InputType(NodeDef node, int i) => TypeOf(InputName(node, i));

    /// <summary>The dtype of a tensor, from the op's registered signature (attr T for ops we do not register).</summary>
    public DType TypeOf(TensorName tensor)
    {
        var n = Model.Graph.Find(tensor.Node) ?? throw new NotFoundException($"ONNX export: no node '{tensor.Node}'.");
        if (RuntimeLibrary.Default.Ops.TryGet(n.Op, out var def))
        {
            var attrs = new SortedDictionary<string, AttrValue>(n.Attr, StringComparer.Ordinal);
            foreach (var a in def.Attrs) if (a.DefaultValue != null) attrs.TryAdd(a.Name, a.DefaultValue);
            var types = def.ResolveTypes(def.OutputArgs, attrs, n.Name);
            if (tensor.Index < types.Length) return types[tensor.Index].BaseType();
        }
        foreach (var attr in new[] { "T", "dtype" })
            if (n.Attr.TryGetValue(attr, out var v) && v.Kind == AttrKind.Type) return v.Type.BaseType();
        throw new UnimplementedException($"ONNX export: cannot tell the type of '{tensor}' (op {n.Op}).");
    }

    public void DefineInput(string tensor) => _values[tensor] = new TfValue { Native = Builder.Fresh(tensor) };

    /// <summary>The ONNX value of input <paramref name="i"/> in TF's own layout.</summary>
    public string In(NodeDef node, int i) => Native(InputName(node, i).ToString(), node);

    /// <summary>The ONNX value of input <paramref name="i"/> (an NHWC image) in NCHW.</summary>
    public string InChannelsFirst(NodeDef node, int i)
    {
        var v = Value(InputName(node, i).ToString(), node);
        return v.ChannelsFirst ??= Builder.Transpose(v.Native!, ToChannelsFirst, InputName(node, i) + "/nchw");
    }

    /// <summary>Whether input <paramref name="i"/> is held channels-first, so a layout-neutral op should stay there.</summary>
    public bool InPrefersChannelsFirst(NodeDef node, int i) => Value(InputName(node, i).ToString(), node).PrefersChannelsFirst;

    public string Native(string tensor, NodeDef? reader = null)
    {
        var v = Value(tensor, reader);
        return v.Native ??= Builder.Transpose(v.ChannelsFirst!, ToChannelsLast, tensor);
    }

    private TfValue Value(string tensor, NodeDef? reader)
    {
        if (_values.TryGetValue(tensor, out var v)) return v;
        if (Model.Constants.TryGetValue(tensor, out var constant))
            return _values[tensor] = new TfValue { Native = Builder.Initializer(constant, tensor) };
        var t = TensorName.Parse(tensor);
        var producer = Model.Graph.Find(t.Node);
        throw new UnimplementedException($"ONNX export: output {t.Index} of node '{t.Node}' ({producer?.Op}) has no ONNX equivalent"
            + (reader == null ? "." : $" but node '{reader.Name}' ({reader.Op}) reads it."));
    }

    /// <summary>A fresh ONNX name for output <paramref name="output"/> of a node (the TF tensor name when free).</summary>
    public string OutName(NodeDef node, int output = 0) => Builder.Fresh(Tensor(node, output));
    public string OutNameChannelsFirst(NodeDef node, int output = 0) => Builder.Fresh(Tensor(node, output) + "/nchw");

    public void SetOutput(NodeDef node, int output, string onnxName) => _values[Tensor(node, output)] = new TfValue { Native = onnxName };

    public void SetOutputChannelsFirst(NodeDef node, int output, string onnxName) =>
        _values[Tensor(node, output)] = new TfValue { ChannelsFirst = onnxName, PrefersChannelsFirst = true };

    /// <summary>The output is the same ONNX value as an input (Identity, StopGradient): layouts carry over.</summary>
    public void Alias(NodeDef node, int output, int input) => _values[Tensor(node, output)] = Value(InputName(node, input).ToString(), node);

    /// <summary>Output 0 is an already-built ONNX value in TF layout.</summary>
    public void Alias1(NodeDef node, string onnxName) => SetOutput(node, 0, onnxName);

    /// <summary>A one-output node in TF layout: the usual case.</summary>
    public string Emit(NodeDef node, string opType, IEnumerable<string> inputs, params Ops.Proto.Onnx.AttributeProto[] attrs)
    {
        var name = Builder.Add1(opType, inputs, Tensor(node), attrs);
        SetOutput(node, 0, name);
        return name;
    }

    /// <summary>Reads an attr that TF op defs default when absent in imported GraphDefs.</summary>
    public static AttrValue? OptionalAttr(NodeDef node, string name) => node.Attr.TryGetValue(name, out var v) ? v : null;

    public static UnimplementedException Unsupported(NodeDef node, string why) =>
        new($"ONNX export: node '{node.Name}' ({node.Op}) {why}");
}
