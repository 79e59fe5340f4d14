using GraphEngine.Ops.ControlFlow;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Runtime.Planning;

/// <summary>
/// Compiles a plan: prune the graph to what the fetches and targets need (not walking past fed
/// tensors), order it topologically, bind kernels, assign slots and compute last uses.
/// </summary>
internal sealed class PlanCompiler(GraphDef graph, RuntimeLibrary library, Func<NodeDef, OpDef, DType[], DType[], IOpKernel> kernelFor,
    bool fuse = true, bool dropUnread = true)
{

    private readonly Dictionary<string, NodeInfo> _infos = new(StringComparer.Ordinal);

    public ExecutionPlan Compile(IReadOnlyList<string> feeds, IReadOnlyList<string> fetches, IReadOnlyList<string> targets)
    {
        int version = graph.Version;
        var fed = new Dictionary<TensorName, int>();
        for (int i = 0; i < feeds.Count; i++)
        {
            var name = TensorName.Parse(feeds[i]);
            var info = Info(name.Node, feeds[i], isFeed: true);
            CheckOutputIndex(info, name, feeds[i]);
            if (!fed.TryAdd(name, i))
                throw new InvalidArgumentException($"Tensor {name} was fed more than once.");
        }
        var fetchNames = fetches.Select(f =>
        {
            var n = TensorName.Parse(f);
            CheckOutputIndex(Info(n.Node, f, isFeed: false), n, f);
            return n;
        }).ToArray();
        foreach (var t in targets) Info(TensorName.Parse(t).Node, t, isFeed: false);

        var order = Order(fetchNames.Where(n => !fed.ContainsKey(n)).Select(n => n.Node).Concat(targets.Select(t => TensorName.Parse(t).Node)), fed);
        var aliases = new Dictionary<TensorName, TensorName>();
        bool hasFrames = order.Any(i => ControlFlowOps.IsFrameOp(i.Op.Name) || ControlFlowOps.IsStackOp(i.Op.Name));
        bool hasControlFlow = hasFrames || order.Any(i => IsSwitchOrMerge(i.Op.Name));
        if (dropUnread && !hasControlFlow)
            order = DependencyPass.Apply(order, fed, fetchNames, targets.Select(t => TensorName.Parse(t).Node).ToArray());
        if (fuse && !hasControlFlow)
            order = FusionPass.Apply(order, fed, fetchNames, targets.Select(t => TensorName.Parse(t).Node).ToArray(), kernelFor, aliases);

        // Slots: feeds first, then each node's outputs.
        int slot = feeds.Count;
        var outputBase = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var info in order)
        {
            outputBase[info.Node.Name] = slot;
            slot += info.OutputTypes.Length;
        }
        int SlotOf(TensorName n) => fed.TryGetValue(n, out int f) ? f : aliases.TryGetValue(n, out var a) ? outputBase[a.Node] + a.Index : outputBase[n.Node] + n.Index;

        var fetchSlots = fetchNames.Select(SlotOf).ToArray();
        var lastReader = new int[slot];
        Array.Fill(lastReader, -1);
        var inputSlots = new int[order.Count][];
        for (int s = 0; s < order.Count; s++)
        {
            var info = order[s];
            var data = info.Node.Input.Where(i => !i.StartsWith('^')).Select(TensorName.Parse).ToArray();
            if (data.Length != info.InputTypes.Length)
                throw new InvalidArgumentException(
                    $"Node '{info.Node.Name}' (op: {info.Op.Name}) has {data.Length} inputs, but its op expects {info.InputTypes.Length}.");
            inputSlots[s] = data.Select(SlotOf).ToArray();
            foreach (var i in inputSlots[s]) lastReader[i] = s;
        }
        var fetched = new HashSet<int>(fetchSlots);
        var feedSet = new HashSet<int>(Enumerable.Range(0, feeds.Count));
        var stepOf = hasControlFlow ? order.Select((info, s) => (info.Node.Name, s)).ToDictionary(p => p.Name, p => p.s, StringComparer.Ordinal) : null;
        var steps = new PlanStep[order.Count];
        var releaseAfter = Enumerable.Range(0, order.Count).Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < slot; i++)
        {
            if (fetched.Contains(i) || feedSet.Contains(i)) continue;
            if (lastReader[i] >= 0) releaseAfter[lastReader[i]].Add(i);
        }
        for (int s = 0; s < order.Count; s++)
        {
            var info = order[s];
            int b = outputBase[info.Node.Name];
            for (int o = 0; o < info.OutputTypes.Length; o++)
                if (lastReader[b + o] < 0 && !fetched.Contains(b + o)) releaseAfter[s].Add(b + o);
            var ins = inputSlots[s];
            var forwardable = new bool[ins.Length];
            for (int j = 0; j < ins.Length; j++)
                forwardable[j] = lastReader[ins[j]] == s && !fetched.Contains(ins[j]) && !feedSet.Contains(ins[j])
                    && Array.IndexOf(ins, ins[j]) == j && Array.LastIndexOf(ins, ins[j]) == j;
            steps[s] = new PlanStep
            {
                Node = info.Node,
                Kernel = info.Kernel ?? kernelFor(info.Node, info.Op, info.InputTypes, info.OutputTypes),
                InputSlots = ins,
                OutputBase = b,
                InputTypes = info.InputTypes,
                OutputTypes = info.OutputTypes,
                ReleaseAfter = releaseAfter[s].ToArray(),
                Forwardable = forwardable,
                ControlInputSteps = stepOf == null ? [] : ControlInputSteps(info.Node, stepOf),
                IsMerge = info.Op.Name is "Merge" or "RefMerge",
            };
        }
        return new ExecutionPlan(steps, slot, Enumerable.Range(0, feeds.Count).ToArray(), fetchSlots, version, hasControlFlow, fetches.ToArray())
        {
            Frames = hasFrames ? FramePlan.Build(steps, slot, feeds, fetchSlots, fetches.ToArray(), targets) : null,
        };
    }

    private static bool IsSwitchOrMerge(string op) => op is "Switch" or "RefSwitch" or "Merge" or "RefMerge";

    /// <summary>Control inputs that run in this plan (a fed node's control edge is satisfied by the feed and is not listed).</summary>
    private static int[] ControlInputSteps(NodeDef node, Dictionary<string, int> stepOf) =>
        node.Input.Where(i => i.StartsWith('^')).Select(i => stepOf.TryGetValue(i[1..], out int s) ? s : -1).Where(s => s >= 0).ToArray();

    /// <summary>The dtype of a tensor, for feed checks.</summary>
    public DType TypeOf(string tensorName)
    {
        var n = TensorName.Parse(tensorName);
        var info = Info(n.Node, tensorName, isFeed: true);
        CheckOutputIndex(info, n, tensorName);
        return info.OutputTypes[n.Index];
    }

    internal NodeDef NodeOf(string tensorName) => Info(TensorName.Parse(tensorName).Node, tensorName, isFeed: true).Node;

    private NodeInfo Info(string nodeName, string requested, bool isFeed)
    {
        if (_infos.TryGetValue(nodeName, out var info)) return info;
        var node = graph.Find(nodeName) ?? throw new NotFoundException(requested.Contains(':') || isFeed
            ? $"The name '{requested}' refers to a Tensor which does not exist. The operation, '{nodeName}', does not exist in the graph."
            : $"The name '{requested}' refers to an Operation not in the graph.");
        OpDef op;
        try
        {
            op = library.Ops.Get(node.Op);
        }
        catch (GraphEngineException e)
        {
            throw e.WithNode(node.Name, node.Op, node.DefinedAt);
        }
        var attrs = node.Attr;
        if (op.Attrs.Any(a => a.DefaultValue != null && !attrs.ContainsKey(a.Name)))
        {
            var withDefaults = node.Clone();
            op.AddDefaults(withDefaults);
            node = withDefaults;
        }
        try
        {
            info = new NodeInfo
            {
                Node = node,
                Op = op,
                InputTypes = op.ResolveTypes(op.InputArgs, node.Attr, node.Name),
                OutputTypes = op.ResolveTypes(op.OutputArgs, node.Attr, node.Name),
            };
        }
        catch (GraphEngineException e)
        {
            throw e.WithNode(node.Name, node.Op, node.DefinedAt);
        }
        _infos[nodeName] = info;
        return info;
    }

    private static void CheckOutputIndex(NodeInfo info, TensorName n, string requested)
    {
        if (n.IsControl) throw new InvalidArgumentException($"Cannot feed or fetch a control input '{requested}'.");
        if (n.Index >= info.OutputTypes.Length)
            throw new NotFoundException(
                $"The name '{requested}' refers to a Tensor which does not exist. The operation, '{n.Node}', exists but only has {info.OutputTypes.Length} outputs.");
    }

    /// <summary>Nodes needed by the roots in a topological order (Kahn over the pruned subgraph).</summary>
    private List<NodeInfo> Order(IEnumerable<string> roots, Dictionary<TensorName, int> fed)
    {
        // A control dependency on a node whose output is fed is satisfied by the feed (as TF rewires
        // control edges to the feed), so the node itself need not run.
        var fedNodes = fed.Keys.Select(k => k.Node).ToHashSet(StringComparer.Ordinal);
        bool Skipped(TensorName t) => t.IsControl ? fedNodes.Contains(t.Node) : fed.ContainsKey(t);
        var needed = new Dictionary<string, NodeInfo>(StringComparer.Ordinal);
        var stack = new Stack<string>(roots);
        while (stack.Count > 0)
        {
            var name = stack.Pop();
            if (needed.ContainsKey(name)) continue;
            var info = Info(name, name, isFeed: false);
            needed[name] = info;
            foreach (var input in info.Node.Input)
            {
                var t = TensorName.Parse(input);
                if (Skipped(t)) continue;
                if (graph.Find(t.Node) == null)
                    throw new InvalidArgumentException($"Node '{name}': Unknown input node '{input}'").WithNode(name, info.Node.Op, info.Node.DefinedAt);
                if (!needed.ContainsKey(t.Node)) stack.Push(t.Node);
            }
        }

        var pending = new Dictionary<string, int>(StringComparer.Ordinal);
        var consumers = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, info) in needed)
        {
            int count = 0;
            foreach (var input in info.Node.Input)
            {
                var t = TensorName.Parse(input);
                if (Skipped(t) || !needed.ContainsKey(t.Node) || IsBackEdge(info, needed[t.Node])) continue;
                count++;
                if (!consumers.TryGetValue(t.Node, out var list)) consumers[t.Node] = list = [];
                list.Add(name);
            }
            pending[name] = count;
        }
        // Ready nodes are taken in graph insertion order, so runs are deterministic.
        var ready = new SortedSet<(int, string)>(needed.Keys.Where(n => pending[n] == 0).Select(n => (IndexOf(n), n)));
        var order = new List<NodeInfo>(needed.Count);
        while (ready.Count > 0)
        {
            var first = ready.Min;
            ready.Remove(first);
            order.Add(needed[first.Item2]);
            if (!consumers.TryGetValue(first.Item2, out var list)) continue;
            foreach (var c in list)
                if (--pending[c] == 0) ready.Add((IndexOf(c), c));
        }
        if (order.Count != needed.Count)
        {
            var stuck = needed.Keys.Where(n => pending[n] > 0).OrderBy(IndexOf).First();
            throw new InvalidArgumentException(
                $"Graph contains a cycle involving node '{stuck}': it cannot be ordered for execution (control or data edges form a loop).");
        }
        return order;
    }

    /// <summary>A loop's NextIteration → Merge edge closes the cycle; ordering leaves it out (TF's back edge).</summary>
    private static bool IsBackEdge(NodeInfo consumer, NodeInfo producer) =>
        consumer.Op.Name is "Merge" or "RefMerge" && producer.Op.Name is "NextIteration" or "RefNextIteration";

    private int IndexOf(string name) => graph.TryGetIndex(name, out int i) ? i : int.MaxValue;
}

/// <summary>A node the plan runs, with its resolved op and types; a fused step brings its own kernel.</summary>
internal sealed class NodeInfo
{
    public required NodeDef Node;
    public required OpDef Op;
    public required DType[] InputTypes;
    public required DType[] OutputTypes;

    /// <summary>Set for a step made by <see cref="FusionPass"/>; null means the registry's kernel for the node.</summary>
    public IOpKernel? Kernel;
}
