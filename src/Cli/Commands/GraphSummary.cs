using System.Text.RegularExpressions;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;

namespace GraphEngine.Cli.Commands;

/// <summary>
/// What summarize_graph tells about a GraphDef: its inputs (placeholders), likely outputs (nodes nothing
/// consumes), variables with their parameter count, constants, and the op-type histogram.
/// </summary>
public sealed partial class GraphSummary
{
    public sealed record Input(string Name, DType DType, TensorShape Shape, string Op);
    public sealed record Output(string Name, string Op);
    public sealed record VariableInfo(string Name, DType DType, TensorShape Shape, string Op)
    {
        public long Elements => Shape.IsFullyDefined ? Shape.NumElements : 0;
    }

    public required int NodeCount { get; init; }
    public required int Producer { get; init; }
    public required List<Input> Inputs { get; init; }
    public required List<Output> Outputs { get; init; }
    public required List<VariableInfo> Variables { get; init; }
    public required long ConstantCount { get; init; }
    public required long ConstantElements { get; init; }
    /// <summary>Op type → node count, most frequent first, ties by name.</summary>
    public required List<KeyValuePair<string, int>> OpTypes { get; init; }

    public long Parameters => Variables.Sum(v => v.Elements);

    // Nodes that never are a model's result even when nothing consumes them: bookkeeping, state updates, I/O.
    static readonly HashSet<string> NotOutputs = new(StringComparer.Ordinal)
    {
        "NoOp", "Const", "Placeholder", "PlaceholderWithDefault", "VariableV2", "Variable", "VarHandleOp",
        "Assign", "AssignAdd", "AssignSub", "AssignVariableOp", "AssignAddVariableOp", "AssignSubVariableOp",
        "SaveV2", "Save", "SaveSlices", "RestoreV2", "Restore", "RestoreSlice", "MergeV2Checkpoints",
        "IsVariableInitialized", "VarIsInitializedOp", "ScalarSummary", "HistogramSummary", "MergeSummary",
        "ImageSummary", "AudioSummary", "TensorSummary", "TensorSummaryV2", "ApplyGradientDescent",
    };

    static readonly HashSet<string> VariableOps = new(StringComparer.Ordinal) { "VariableV2", "Variable", "VarHandleOp" };

    /// <summary>Saver and gradient machinery (save/, save_1/, gradients/…) is not part of the model's interface.</summary>
    [GeneratedRegex(@"^(save(_\d+)?|gradients(_\d+)?)/")]
    private static partial Regex Machinery();

    public static GraphSummary Of(GraphDef graph)
    {
        var nodes = graph.Nodes;
        var consumed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in nodes)
            foreach (var i in n.Input) consumed.Add(TensorName.Parse(i).Node);

        var inputs = nodes.Where(n => n.Op is "Placeholder" or "PlaceholderWithDefault" && !Machinery().IsMatch(n.Name))
            .Select(n => new Input(n.Name, Attr(n, "dtype")?.Type ?? DType.Invalid, PlaceholderShape(graph, n), n.Op)).ToList();
        var outputs = nodes.Where(n => !consumed.Contains(n.Name) && !NotOutputs.Contains(n.Op) && !Machinery().IsMatch(n.Name)
                                       && !n.Op.StartsWith("Apply", StringComparison.Ordinal) && !n.Op.StartsWith("ResourceApply", StringComparison.Ordinal)
                                       && !IsVariableRead(graph, n))
            .Select(n => new Output(n.Name, n.Op)).ToList();
        var variables = nodes.Where(n => VariableOps.Contains(n.Op))
            .Select(n => new VariableInfo(n.Name, Attr(n, "dtype")?.Type ?? DType.Invalid, Attr(n, "shape")?.Shape ?? TensorShape.Unknown, n.Op)).ToList();
        long constCount = 0, constElements = 0;
        foreach (var n in nodes.Where(n => n.Op == "Const"))
        {
            constCount++;
            if (Attr(n, "value") is { Kind: AttrKind.Tensor } v) constElements += v.Tensor.NumElements;
        }
        var histogram = nodes.GroupBy(n => n.Op).Select(g => new KeyValuePair<string, int>(g.Key, g.Count()))
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        return new GraphSummary
        {
            NodeCount = nodes.Length, Producer = graph.Producer, Inputs = inputs, Outputs = outputs, Variables = variables,
            ConstantCount = constCount, ConstantElements = constElements, OpTypes = histogram,
        };
    }

    /// <summary>An unused "v/read" Identity of a variable is not a result of the model.</summary>
    static bool IsVariableRead(GraphDef graph, NodeDef n) =>
        n.Op == "Identity" && n.Input.Count >= 1 && graph.Find(TensorName.Parse(n.Input[0]).Node) is { } src && VariableOps.Contains(src.Op);

    static AttrValue? Attr(NodeDef n, string name) => n.Attr.TryGetValue(name, out var v) ? v : null;

    /// <summary>Before producer 22 an empty <c>shape {}</c> on a Placeholder meant "unknown", not scalar (TF's own rule).</summary>
    static TensorShape PlaceholderShape(GraphDef graph, NodeDef n)
    {
        if (Attr(n, "shape") is not { Kind: AttrKind.Shape } s) return TensorShape.Unknown;
        return graph.Producer < 22 && s.Shape.HasRank && s.Shape.Rank == 0 ? TensorShape.Unknown : s.Shape;
    }
}
