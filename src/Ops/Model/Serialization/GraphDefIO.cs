using System.Text;
using GraphEngine.Ops.Model.TextFormat;
using Google.Protobuf;
using PGraphDef = GraphEngine.Ops.Proto.GraphDef;

namespace GraphEngine.Ops.Model.Serialization;

/// <summary>
/// GraphDef files: binary (.pb), text (.pbtxt) or either detected from the content, since TF
/// also writes text GraphDefs named .pb. Errors name the file; writes are atomic.
/// </summary>
public static class GraphDefIO
{
    public static GraphDef ReadBinary(string path) => GraphDefConverter.ToGraphDef(ProtoFile.ReadBinary<PGraphDef>(path), path);

    public static GraphDef ReadBinary(byte[] data, string source = "<bytes>") =>
        GraphDefConverter.ToGraphDef(ProtoFile.ParseBinary<PGraphDef>(data, source), source);

    public static GraphDef ReadText(string path) => GraphDefConverter.ToGraphDef(ProtoFile.ReadText<PGraphDef>(path), path);

    public static GraphDef ParseText(string text, string source = "<text>") =>
        GraphDefConverter.ToGraphDef(ProtoText.Parse<PGraphDef>(Encoding.UTF8.GetBytes(text), source), source);

    /// <summary>Binary or text, detected from the bytes.</summary>
    public static GraphDef Read(string path) => GraphDefConverter.ToGraphDef(ProtoFile.Read<PGraphDef>(path), path);

    public static GraphDef Read(byte[] data, string source = "<bytes>") =>
        ProtoFile.LooksLikeText(data)
            ? GraphDefConverter.ToGraphDef(ProtoText.Parse<PGraphDef>(data, source), source)
            : ReadBinary(data, source);

    public static byte[] ToBinary(GraphDef graph) => GraphDefConverter.ToProto(graph).ToByteArray();

    public static string ToText(GraphDef graph, TextFloatStyle floats = TextFloatStyle.Cpp) =>
        ProtoText.Print(GraphDefConverter.ToProto(graph), floats);

    public static void WriteBinary(GraphDef graph, string path) => ProtoFile.WriteBinary(GraphDefConverter.ToProto(graph), path);

    public static void WriteText(GraphDef graph, string path, TextFloatStyle floats = TextFloatStyle.Cpp) =>
        ProtoFile.WriteText(GraphDefConverter.ToProto(graph), path, floats);
}
