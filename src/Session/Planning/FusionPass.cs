using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Runtime.Planning;

/// <summary>
/// Plan-level fusion (what TF's grappler remapper does with _FusedMatMul / _FusedConv2D, done here on
/// the plan only, the GraphDef is left as it is): a MatMul or Conv2D whose only reader is a bias add
/// (AddV2, Add, or BiasAdd in NHWC), optionally followed by a Relu that is the add's only reader,
/// becomes one step; so does a bias add followed by Relu. An intermediate is fused away only when it
/// is private to the chain: not fetched, not fed, not a target, read by exactly one input of one node,
/// and no node of the plan has a control edge from its node; the nodes must share dtype (float32 or
/// float64) and device. The fused step takes the last node's name (step stats, errors of the fast path
/// and partition graphs show e.g. "dense/Relu = _FusedMatMul(x, w, b)"), runs where that node ran, and
/// gives bit-identical results (<see cref="FusedBiasKernel"/>). Backwards, a ReluGrad whose output an
/// NHWC BiasAddGrad reads becomes one two-output step under ReluGrad's name (<see cref="FusedReluGradKernel"/>).
/// Plans with control flow are not fused.
/// </summary>
internal static class FusionPass
{
    private static readonly OpDef FusedMatMul = OpDef.Define("_FusedMatMul");
    private static readonly OpDef FusedConv2D = OpDef.Define("_FusedConv2D");
    private static readonly OpDef FusedBiasAdd = OpDef.Define("_FusedBiasAdd");
    private static readonly OpDef FusedReluGradBiasAddGrad = OpDef.Define("_FusedReluGradBiasAddGrad");

    /// <summary>Returns the plan's new order; <paramref name="aliases"/> maps a fused-away producer's output
    /// that Shape-like nodes still read to the fused step's output 1.</summary>
    public static List<NodeInfo> Apply(List<NodeInfo> order, IReadOnlyDictionary<TensorName, int> fed, IReadOnlyCollection<TensorName> fetched,
        IReadOnlyCollection<string> targets, Func<NodeDef, OpDef, DType[], DType[], IOpKernel> kernelFor, Dictionary<TensorName, TensorName> aliases)
    {
        var byName = order.ToDictionary(i => i.Node.Name, StringComparer.Ordinal);
        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < order.Count; i++) position[order[i].Node.Name] = i;
        var reads = new Dictionary<TensorName, int>();
        var readers = new Dictionary<TensorName, NodeInfo>();
        var shapeReaders = new Dictionary<TensorName, List<NodeInfo>>();
        var controlSources = new HashSet<string>(StringComparer.Ordinal);
        foreach (var info in order)
            foreach (var input in info.Node.Input)
            {
                var t = TensorName.Parse(input);
                if (t.IsControl)
                {
                    controlSources.Add(t.Node);
                    continue;
                }
                if (info.Op.Name is "Shape" or "Size" or "Rank")
                {
                    if (!shapeReaders.TryGetValue(t, out var list)) shapeReaders[t] = list = [];
                    list.Add(info);
                    continue;
                }
                reads[t] = reads.GetValueOrDefault(t) + 1;
                readers[t] = info;
            }
        var fetchedSet = fetched.ToHashSet();
        var targetSet = targets.ToHashSet(StringComparer.Ordinal);

        // The tensor's producer, when the tensor is private to the chain (see the class comment). Readers of
        // its shape alone (Shape, Size, Rank: the gradient of x + b reads Shape(x)) are allowed for a producer
        // when they run after the fused step: it publishes a tensor of the producer's shape as its output 1.
        NodeInfo? PrivateProducer(TensorName t, bool allowShapeReaders = false, int after = int.MaxValue) =>
            t.Index == 0 && !t.IsControl && byName.TryGetValue(t.Node, out var p) && p.OutputTypes.Length == 1
            && !fed.ContainsKey(t) && !fetchedSet.Contains(t) && !targetSet.Contains(t.Node) && !controlSources.Contains(t.Node)
            && reads.GetValueOrDefault(t) == 1
            && (!shapeReaders.TryGetValue(t, out var sr) || allowShapeReaders && sr.All(r => position[r.Node.Name] > after)) ? p : null;

        // The tensor's rank when its node tells it (Const value, Placeholder shape, a variable's read), else −1.
        int KnownRank(TensorName t)
        {
            if (fed.ContainsKey(t) || !byName.TryGetValue(t.Node, out var p)) return -1;
            var n = p.Node;
            if (n.Op == "Identity" && DataInputs(n) is [var source] && byName.TryGetValue(source.Node, out var v) && v.Op.Name is "VariableV2" or "Variable")
                n = v.Node;
            TensorShape? shape = n.Op switch
            {
                "Const" when n.Attr.TryGetValue("value", out var value) && value.Kind == AttrKind.Tensor => value.Tensor.Shape,
                "Placeholder" or "VariableV2" or "Variable" when n.Attr.TryGetValue("shape", out var s) && s.Kind == AttrKind.Shape => s.Shape,
                _ => null,
            };
            return shape is { HasRank: true } ? shape.Rank : -1;
        }

        // x + b without a producer: a scalar operand, or two operands that are both known not to be vectors, never fit.
        static bool NeverFits(int r0, int r1) => r0 == 0 || r1 == 0 || (r0 > 1 && r1 > 1);

        var replaced = new Dictionary<string, NodeInfo>(StringComparer.Ordinal);
        var removed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var add in order)
        {
            if (!IsBiasAdd(add) || removed.Contains(add.Node.Name) || replaced.ContainsKey(add.Node.Name)) continue;
            var type = add.OutputTypes[0];
            var inputs = DataInputs(add.Node);
            NodeInfo? relu = null;
            if (PrivateProducer(new TensorName(add.Node.Name, 0)) != null
                && readers[new TensorName(add.Node.Name, 0)] is { Op.Name: "Relu" } r && Compatible(r, add, type))
                relu = r;
            int lastPosition = position[(relu ?? add).Node.Name];
            NodeInfo? producer = null;
            int zIndex = -1;
            for (int k = 0; k < (add.Node.Op == "BiasAdd" ? 1 : 2) && producer == null; k++)
                if (PrivateProducer(inputs[k], allowShapeReaders: true, after: lastPosition) is { } p && p.Op.Name is "MatMul" or "Conv2D"
                    && Compatible(p, add, type) && !replaced.ContainsKey(p.Node.Name) && !removed.Contains(p.Node.Name))
                    (producer, zIndex) = (p, k);
            bool publishShape = producer != null && shapeReaders.ContainsKey(inputs[zIndex]);
            if (producer == null && relu == null) continue;
            // A bias known not to be a vector (a scalar constant, a matrix placeholder) would always take the slow path.
            if (add.Node.Op != "BiasAdd" && (producer != null ? KnownRank(inputs[1 - zIndex]) is >= 0 and not 1 : NeverFits(KnownRank(inputs[0]), KnownRank(inputs[1]))))
                continue;

            var last = relu ?? add;
            var fusedInputs = producer == null ? inputs.Select(i => i.ToInputString()).ToList()
                : DataInputs(producer.Node).Select(i => i.ToInputString()).Append(inputs[1 - zIndex].ToInputString()).ToList();
            var node = new NodeDef(last.Node.Name, (producer?.Op.Name switch { "MatMul" => FusedMatMul, "Conv2D" => FusedConv2D, _ => FusedBiasAdd }).Name)
            {
                Device = last.Node.Device,
                DefinedAt = last.Node.DefinedAt,
            };
            node.Input.AddRange(fusedInputs);
            foreach (var (k, v) in (producer ?? add).Node.Attr) node.Attr[k] = v;
            node.Attr["fused_ops"] = AttrValue.OfStrings(relu == null ? ["BiasAdd"] : ["BiasAdd", "Relu"]);
            var inputTypes = producer == null ? add.InputTypes : [.. producer.InputTypes, add.InputTypes[1 - zIndex]];
            FusedPart Part(NodeInfo i) => new(i.Node, kernelFor(i.Node, i.Op, i.InputTypes, i.OutputTypes), i.InputTypes, i.OutputTypes);
            replaced[last.Node.Name] = new NodeInfo
            {
                Node = node,
                Op = producer == null ? FusedBiasAdd : producer.Op.Name == "MatMul" ? FusedMatMul : FusedConv2D,
                InputTypes = inputTypes,
                OutputTypes = publishShape ? [.. last.OutputTypes, type] : last.OutputTypes,
                Kernel = new FusedBiasKernel(producer == null ? null : Part(producer), Part(add), zIndex, relu == null ? null : Part(relu), publishShape),
            };
            if (publishShape) aliases[inputs[zIndex]] = new TensorName(last.Node.Name, 1);
            if (producer != null) removed.Add(producer.Node.Name);
            if (relu != null) removed.Add(add.Node.Name);
        }
        FuseReluGradBiasGrad(order, fed, fetchedSet, targetSet, controlSources, kernelFor, aliases, replaced, removed);
        if (replaced.Count == 0) return order;
        return order.Where(i => !removed.Contains(i.Node.Name)).Select(i => replaced.GetValueOrDefault(i.Node.Name, i)).ToList();
    }

    /// <summary>
    /// ReluGrad whose output an NHWC BiasAddGrad reads (tf.nn.bias_add + relu, backwards): one step with
    /// outputs (dz, bias gradient) under ReluGrad's name; the BiasAddGrad's readers read output 1. dz may
    /// have other readers (the MatMul gradients); the bias gradient must not be fetched, fed or a target.
    /// </summary>
    private static void FuseReluGradBiasGrad(List<NodeInfo> order, IReadOnlyDictionary<TensorName, int> fed, HashSet<TensorName> fetched,
        HashSet<string> targets, HashSet<string> controlSources, Func<NodeDef, OpDef, DType[], DType[], IOpKernel> kernelFor,
        Dictionary<TensorName, TensorName> aliases, Dictionary<string, NodeInfo> replaced, HashSet<string> removed)
    {
        var biasGradOf = new Dictionary<string, NodeInfo>(StringComparer.Ordinal);
        foreach (var info in order)
            if (info.Op.Name == "BiasAddGrad" && DataInputs(info.Node) is [var dz] && dz.Index == 0 && !fed.ContainsKey(dz)
                && (!info.Node.Attr.TryGetValue("data_format", out var df) || df.S != "NCHW"))
                biasGradOf.TryAdd(dz.Node, info);
        foreach (var rg in order)
        {
            if (rg.Op.Name != "ReluGrad" || rg.OutputTypes[0] is not (DType.Float or DType.Double) || replaced.ContainsKey(rg.Node.Name)
                || !biasGradOf.TryGetValue(rg.Node.Name, out var bg) || removed.Contains(bg.Node.Name) || replaced.ContainsKey(bg.Node.Name))
                continue;
            var db = new TensorName(bg.Node.Name, 0);
            if (!Compatible(bg, rg, rg.OutputTypes[0]) || fetched.Contains(db) || fed.ContainsKey(db) || targets.Contains(bg.Node.Name)
                || controlSources.Contains(bg.Node.Name))
                continue;
            var node = new NodeDef(rg.Node.Name, FusedReluGradBiasAddGrad.Name) { Device = rg.Node.Device, DefinedAt = rg.Node.DefinedAt };
            node.Input.AddRange(DataInputs(rg.Node).Select(i => i.ToInputString()));
            foreach (var (k, v) in rg.Node.Attr) node.Attr[k] = v;
            node.Attr["fused_ops"] = AttrValue.OfStrings(["ReluGrad", "BiasAddGrad"]);
            FusedPart Part(NodeInfo i) => new(i.Node, kernelFor(i.Node, i.Op, i.InputTypes, i.OutputTypes), i.InputTypes, i.OutputTypes);
            replaced[rg.Node.Name] = new NodeInfo
            {
                Node = node,
                Op = FusedReluGradBiasAddGrad,
                InputTypes = rg.InputTypes,
                OutputTypes = [rg.OutputTypes[0], bg.OutputTypes[0]],
                Kernel = new FusedReluGradKernel(Part(rg), Part(bg)),
            };
            aliases[db] = new TensorName(rg.Node.Name, 1);
            removed.Add(bg.Node.Name);
        }
    }

    private static bool IsBiasAdd(NodeInfo info) =>
        info.Op.Name is "AddV2" or "Add" or "BiasAdd" && info.OutputTypes.Length == 1 && info.OutputTypes[0] is DType.Float or DType.Double
        && (info.Op.Name != "BiasAdd" || !info.Node.Attr.TryGetValue("data_format", out var f) || f.S != "NCHW");

    private static bool Compatible(NodeInfo other, NodeInfo add, DType type) =>
        other.OutputTypes.Length == 1 && other.OutputTypes[0] == type && string.Equals(other.Node.Device, add.Node.Device, StringComparison.Ordinal);

    private static TensorName[] DataInputs(NodeDef node) => node.Input.Where(i => !i.StartsWith('^')).Select(TensorName.Parse).ToArray();
}
