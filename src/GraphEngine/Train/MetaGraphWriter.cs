using Google.Protobuf;
using GraphEngine.Ops.Model.Serialization;
using GraphEngine.Ops.Proto;

namespace GraphEngine;

/// <summary>
/// The minimal MetaGraphDef a Saver writes beside a checkpoint (<c>prefix.meta</c>): the graph,
/// the SaverDef, the stripped op list, and the collections TF can express (variables as
/// VariableDef bytes, ops and tensors as node names). GraphEngine has no full export_meta_graph
/// yet; this is the part a TF1 tf.train.import_meta_graph needs to restore and run the graph.
/// </summary>
internal static class MetaGraphWriter
{
    public static MetaGraphDef Build(Graph graph, SaverDef saverDef)
    {
        var graphDef = GraphDefConverter.ToProto(graph.Def);
        var info = new MetaGraphDef.Types.MetaInfoDef { StrippedOpList = new OpList() };
        foreach (var opName in graph.Def.Nodes.Select(n => n.Op).Distinct().Order(StringComparer.Ordinal))
            if (graph.Library.Ops.TryGet(opName, out var def)) info.StrippedOpList.Op.Add(OpDefConverter.ToProto(def));
        var meta = new MetaGraphDef { MetaInfoDef = info, GraphDef = graphDef, SaverDef = saverDef.Clone() };
        foreach (var key in graph.get_all_collection_keys().Order(StringComparer.Ordinal))
        {
            var items = graph.get_collection(key);
            if (items.Count == 0) continue;
            CollectionDef? def = null;
            if (items.All(i => i is Variable))
            {
                var bytes = new CollectionDef.Types.BytesList();
                foreach (Variable v in items) bytes.Value.Add(ByteString.CopyFrom(VariableDefBytes(v)));
                def = new CollectionDef { BytesList = bytes };
            }
            else if (items.All(i => i is Operation or Tensor))
            {
                var nodes = new CollectionDef.Types.NodeList();
                foreach (var i in items) nodes.Value.Add(i is Operation o ? o.name : ((Tensor)i).name);
                def = new CollectionDef { NodeList = nodes };
            }
            // Other kinds (Python objects in TF too) cannot be written; TF skips them with a warning.
            if (def != null) meta.CollectionDef[key] = def;
        }
        return meta;
    }

    /// <summary>
    /// TF's VariableDef (variable.proto) in field order: variable_name 1, initializer_name 2,
    /// snapshot_name 3, initial_value_name 6, trainable 7 — what TF ≥ 1.4 writes for ref variables.
    /// Encoded by hand because our generated protos do not include variable.proto.
    /// </summary>
    internal static byte[] VariableDefBytes(Variable v)
    {
        using var ms = new MemoryStream();
        var o = new CodedOutputStream(ms);
        o.WriteTag(1, WireFormat.WireType.LengthDelimited); o.WriteString(v.name);
        o.WriteTag(2, WireFormat.WireType.LengthDelimited); o.WriteString(v.initializer.name);
        o.WriteTag(3, WireFormat.WireType.LengthDelimited); o.WriteString(v.value().name);
        o.WriteTag(6, WireFormat.WireType.LengthDelimited); o.WriteString(v.initial_value.name);
        if (v.trainable) { o.WriteTag(7, WireFormat.WireType.Varint); o.WriteBool(true); }
        o.Flush();
        return ms.ToArray();
    }

    public static void Write(Graph graph, SaverDef saverDef, string path) =>
        ProtoFile.WriteBinary(Build(graph, saverDef), path);
}
