using GraphEngine.Ops.Core;

namespace GraphEngine.Ops.Model;

/// <summary>
/// A graph as TF's GraphDef: nodes in insertion order with a name index, plus versions. Nodes are
/// appended while users build; <see cref="Version"/> changes with every change so sessions can
/// notice growth and recompile plans. Thread-safe for one writer and concurrent readers.
/// </summary>
public sealed class GraphDef
{
    /// <summary>TF_GRAPH_DEF_VERSION of TF 1.15, the behaviour our ops follow.</summary>
    public const int CurrentProducer = 134;

    private readonly List<NodeDef> _nodes = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly object _lock = new();

    public int Producer { get; set; } = CurrentProducer;
    public int MinConsumer { get; set; }
    public List<int> BadConsumers { get; } = [];

    /// <summary>The function library, kept as TF's serialized FunctionDefLibrary bytes (read and re-written, not run).</summary>
    public byte[]? LibraryBytes { get; set; }

    public int Version { get; private set; }

    public int Count { get { lock (_lock) return _nodes.Count; } }

    public NodeDef this[int i] { get { lock (_lock) return _nodes[i]; } }

    /// <summary>A snapshot of the nodes.</summary>
    public NodeDef[] Nodes { get { lock (_lock) return [.. _nodes]; } }

    public int Add(NodeDef node)
    {
        lock (_lock)
        {
            if (_index.ContainsKey(node.Name))
                throw new InvalidArgumentException($"Duplicate node name in graph: '{node.Name}'");
            _index[node.Name] = _nodes.Count;
            _nodes.Add(node);
            Version++;
            return _nodes.Count - 1;
        }
    }

    public bool TryGetIndex(string name, out int index)
    {
        lock (_lock) return _index.TryGetValue(name, out index);
    }

    public NodeDef? Find(string name)
    {
        lock (_lock) return _index.TryGetValue(name, out int i) ? _nodes[i] : null;
    }

    /// <summary>Call after editing a node in place (e.g. adding a control input) so plans are rebuilt.</summary>
    public void MarkChanged()
    {
        lock (_lock) Version++;
    }

    /// <summary>A deep copy (nodes cloned).</summary>
    public GraphDef Clone()
    {
        var g = new GraphDef { Producer = Producer, MinConsumer = MinConsumer, LibraryBytes = LibraryBytes };
        g.BadConsumers.AddRange(BadConsumers);
        foreach (var n in Nodes) g.Add(n.Clone());
        return g;
    }
}
