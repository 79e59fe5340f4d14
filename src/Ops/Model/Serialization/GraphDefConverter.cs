using GraphEngine.Ops.Core;
using Google.Protobuf;
using PGraphDef = GraphEngine.Ops.Proto.GraphDef;
using PNodeDef = GraphEngine.Ops.Proto.NodeDef;

namespace GraphEngine.Ops.Model.Serialization;

/// <summary>
/// Our GraphDef/NodeDef ↔ TF's protos. The function library travels as serialized bytes
/// (GraphDef.LibraryBytes): we keep it to write it back, we do not run it. Not kept: NodeDef
/// experimental_debug_info and fields unknown to our schema.
/// </summary>
public static class GraphDefConverter
{
    public static GraphDef ToGraphDef(PGraphDef p, string where = "GraphDef")
    {
        var g = new GraphDef
        {
            Producer = p.Versions?.Producer ?? 0,
            MinConsumer = p.Versions?.MinConsumer ?? 0,
            LibraryBytes = p.Library?.ToByteArray(),
        };
        if (p.Versions != null) g.BadConsumers.AddRange(p.Versions.BadConsumers);
        foreach (var n in p.Node)
        {
            if (g.TryGetIndex(n.Name, out _))
                throw new InvalidArgumentException($"{where}: duplicate node name '{n.Name}'.");
            g.Add(ToNodeDef(n, where));
        }
        return g;
    }

    public static NodeDef ToNodeDef(PNodeDef p, string where = "GraphDef")
    {
        var n = new NodeDef(p.Name, p.Op) { Device = p.Device };
        n.Input.AddRange(p.Input);
        foreach (var kv in p.Attr)
            n.Attr[kv.Key] = AttrValueConverter.ToAttrValue(kv.Value, $"{where}: node '{p.Name}' attr '{kv.Key}'");
        return n;
    }

    public static PGraphDef ToProto(GraphDef g)
    {
        var p = new PGraphDef();
        foreach (var n in g.Nodes) p.Node.Add(ToProto(n));
        // A GraphDef with no versions at all (producer 0) stays without the field, as TF left it.
        if (g.Producer != 0 || g.MinConsumer != 0 || g.BadConsumers.Count > 0)
        {
            p.Versions = new Proto.VersionDef { Producer = g.Producer, MinConsumer = g.MinConsumer };
            p.Versions.BadConsumers.AddRange(g.BadConsumers);
        }
        if (g.LibraryBytes != null)
        {
            try { p.Library = Proto.FunctionDefLibrary.Parser.ParseFrom(g.LibraryBytes); }
            catch (InvalidProtocolBufferException e) { throw new DataLossException($"GraphDef.LibraryBytes is not a valid FunctionDefLibrary: {e.Message}", e); }
        }
        return p;
    }

    public static PNodeDef ToProto(NodeDef n)
    {
        var p = new PNodeDef { Name = n.Name, Op = n.Op, Device = n.Device };
        p.Input.AddRange(n.Input);
        foreach (var kv in n.Attr) p.Attr[kv.Key] = AttrValueConverter.ToProto(kv.Value);
        return p;
    }
}
