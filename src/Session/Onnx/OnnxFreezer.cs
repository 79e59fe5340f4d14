using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Runtime;
using GraphEngine.Runtime.Io;

namespace GraphEngine.Runtime.Onnx;

/// <summary>
/// A graph ready for op mapping: only the nodes between the inputs and the outputs, in
/// topological order, no variables left, and the value of every constant subexpression that a
/// non-constant node (or an output) consumes.
/// </summary>
internal sealed class FrozenModel(GraphDef graph, IReadOnlyList<NodeDef> order, IReadOnlyDictionary<string, HostTensor> constants,
    IReadOnlySet<string> constantNodes, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs)
{
    public GraphDef Graph { get; } = graph;
    public IReadOnlyList<NodeDef> Order { get; } = order;
    /// <summary>Folded values by tensor name ("dense/kernel/read:0").</summary>
    public IReadOnlyDictionary<string, HostTensor> Constants { get; } = constants;
    public IReadOnlySet<string> ConstantNodes { get; } = constantNodes;
    public IReadOnlyList<string> Inputs { get; } = inputs;
    public IReadOnlyList<string> Outputs { get; } = outputs;
}

/// <summary>Freezing (variables → constants) and constant folding, the first step of the ONNX export.</summary>
internal static class OnnxFreezer
{
    private static readonly HashSet<string> VariableOps = new(StringComparer.Ordinal) { "VariableV2", "Variable", "VarHandleOp" };
    // Ops whose value the exported model must compute each run even with constant inputs.
    private static readonly HashSet<string> NeverFolded = new(StringComparer.Ordinal) { "Placeholder", "PlaceholderWithDefault" };

    /// <summary>"x" → "x:0"; "x:1" stays.</summary>
    public static string TensorNameOf(string name) => TensorName.Parse(name) is { IsControl: false } t ? t.ToString()
        : throw new InvalidArgumentException($"ONNX export: '{name}' names a control input, not a tensor.");

    /// <summary>
    /// The GraphDef with each variable node the outputs need replaced by the checkpoint's tensor of
    /// the same name (TF1's default Saver keys variables by node name).
    /// </summary>
    public static GraphDef FreezeFromCheckpoint(GraphDef graph, string checkpointPrefix, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs)
    {
        CheckNamesExist(graph, inputs.Concat(outputs));
        var needed = Order(graph, new HashSet<string>(inputs, StringComparer.Ordinal), outputs)
            .Where(n => VariableOps.Contains(n.Op)).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var reader = CheckpointReader.Open(checkpointPrefix);
        var result = new GraphDef { Producer = graph.Producer, MinConsumer = graph.MinConsumer, LibraryBytes = graph.LibraryBytes };
        foreach (var n in graph.Nodes)
        {
            if (!needed.Contains(n.Name)) { result.Add(n.Clone()); continue; }
            if (!reader.HasTensor(n.Name))
                throw new NotFoundException($"ONNX export: variable '{n.Name}' ({n.Op}) is not in checkpoint '{checkpointPrefix}'.");
            var value = reader.GetTensor(n.Name);
            CheckMatches(n, value, checkpointPrefix);
            var c = new NodeDef(n.Name, "Const") { Device = n.Device };
            c.Attr["dtype"] = AttrValue.Of(value.DType);
            c.Attr["value"] = AttrValue.Of(value);
            result.Add(c);
        }
        return result;
    }

    /// <summary>A checkpoint of another model can hold a tensor of the same name: its type and shape must fit the variable.</summary>
    private static void CheckMatches(NodeDef variable, HostTensor value, string checkpointPrefix)
    {
        if (variable.Attr.TryGetValue("dtype", out var dtype) && dtype.Kind == AttrKind.Type && dtype.Type.BaseType() != value.DType)
            throw new InvalidArgumentException($"ONNX export: variable '{variable.Name}' is {dtype.Type.BaseType().Name()} but checkpoint '{checkpointPrefix}' holds {value.DType.Name()}.");
        if (variable.Attr.TryGetValue("shape", out var shape) && shape.Kind == AttrKind.Shape && shape.Shape.HasRank
            && !shape.Shape.IsCompatibleWith(value.Shape))
            throw new InvalidArgumentException($"ONNX export: variable '{variable.Name}' has shape {shape.Shape} but checkpoint '{checkpointPrefix}' holds {value.Shape}.");
    }

    private static void CheckNamesExist(GraphDef graph, IEnumerable<string> names)
    {
        foreach (var name in names)
            if (graph.Find(TensorName.Parse(name).Node) == null)
                throw new NotFoundException($"ONNX export: tensor '{name}' is not in the graph (no node '{TensorName.Parse(name).Node}').");
    }

    /// <summary>Orders the needed nodes, checks that nothing stateful is left, and folds constants.</summary>
    public static FrozenModel Prepare(GraphDef graph, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs)
    {
        var inputSet = new HashSet<string>(inputs, StringComparer.Ordinal);
        CheckNamesExist(graph, inputs.Concat(outputs));

        var order = Order(graph, inputSet, outputs);
        foreach (var n in order)
        {
            if (VariableOps.Contains(n.Op))
                throw new FailedPreconditionException($"ONNX export: variable '{n.Name}' ({n.Op}) is still in the graph; pass the Session that holds its value, or a checkpoint, so it can be frozen.");
            if (n.Op == "Placeholder")
                throw new InvalidArgumentException($"ONNX export: placeholder '{n.Name}' feeds the outputs but is not among the inputs [{string.Join(", ", inputs)}].");
        }

        var library = RuntimeLibrary.Default;
        var constantNodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in order)
        {
            bool foldable = n.Op == "Const" || (!NeverFolded.Contains(n.Op)
                && library.Ops.TryGet(n.Op, out var def) && !def.IsStateful
                && DataInputs(n).Any()
                && DataInputs(n).All(i => !inputSet.Contains(i.ToString()) && constantNodes.Contains(i.Node)));
            if (foldable) constantNodes.Add(n.Name);
        }

        // Only the constants a computed node (or an output) reads become initializers.
        var frontier = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var n in order)
            if (!constantNodes.Contains(n.Name))
                foreach (var i in DataInputs(n))
                    if (constantNodes.Contains(i.Node) && !inputSet.Contains(i.ToString())) frontier.Add(i.ToString());
        foreach (var o in outputs)
            if (constantNodes.Contains(TensorName.Parse(o).Node)) frontier.Add(o);

        var constants = new Dictionary<string, HostTensor>(StringComparer.Ordinal);
        var toRun = new List<string>();
        foreach (var t in frontier)
        {
            var node = graph.Find(TensorName.Parse(t).Node)!;
            if (node.Op == "Const") constants[t] = node.GetAttr("value").Tensor;
            else toRun.Add(t);
        }
        if (toRun.Count > 0)
        {
            using var session = new DirectSession(graph, library);
            var values = session.Run([], toRun, []);
            for (int i = 0; i < toRun.Count; i++) constants[toRun[i]] = values[i];
        }
        return new FrozenModel(graph, order, constants, constantNodes, inputs, outputs);
    }

    public static IEnumerable<TensorName> DataInputs(NodeDef n) =>
        n.Input.Select(TensorName.Parse).Where(t => !t.IsControl);

    /// <summary>Post-order walk from the outputs over data edges, stopping at the inputs (what feeds them is not exported).</summary>
    private static List<NodeDef> Order(GraphDef graph, HashSet<string> inputs, IReadOnlyList<string> outputs)
    {
        var order = new List<NodeDef>();
        var state = new Dictionary<string, bool>(StringComparer.Ordinal);   // false: on the stack, true: done
        foreach (var output in outputs)
        {
            if (inputs.Contains(output)) continue;
            var stack = new Stack<(NodeDef Node, bool Expanded)>();
            stack.Push((graph.Find(TensorName.Parse(output).Node)!, false));
            while (stack.Count > 0)
            {
                var (node, expanded) = stack.Pop();
                if (expanded) { state[node.Name] = true; order.Add(node); continue; }
                if (state.TryGetValue(node.Name, out var done))
                {
                    if (!done) throw new UnimplementedException($"ONNX export: the graph has a cycle through node '{node.Name}' ({node.Op}); control flow is not exported.");
                    continue;
                }
                state[node.Name] = false;
                stack.Push((node, true));
                foreach (var input in DataInputs(node))
                {
                    if (inputs.Contains(input.ToString())) continue;
                    var producer = graph.Find(input.Node)
                        ?? throw new InvalidArgumentException($"ONNX export: node '{node.Name}' reads '{input}', which is not in the graph.");
                    if (state.TryGetValue(producer.Name, out var d))
                    {
                        if (!d) throw new UnimplementedException($"ONNX export: the graph has a cycle through node '{producer.Name}' ({producer.Op}); control flow is not exported.");
                        continue;
                    }
                    stack.Push((producer, false));
                }
            }
        }
        return order;
    }
}
