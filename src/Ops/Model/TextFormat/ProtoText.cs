using System.Text;
using GraphEngine.Ops.Proto;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace GraphEngine.Ops.Model.TextFormat;

/// <summary>
/// Protobuf text format for our TF schemas (Google.Protobuf for C# only has binary and JSON):
/// parse any message from <c>.pbtxt</c> text, print it the way TF's printers do.
/// </summary>
public static class ProtoText
{
    /// <summary>Every message of our TF schemas, for expanded google.protobuf.Any values.</summary>
    public static TypeRegistry Registry { get; } = TypeRegistry.FromFiles(
        AttrValueReflection.Descriptor, TensorReflection.Descriptor, TensorShapeReflection.Descriptor,
        NodeDefReflection.Descriptor, GraphReflection.Descriptor, FunctionReflection.Descriptor,
        OpDefReflection.Descriptor, MetaGraphReflection.Descriptor, SaverReflection.Descriptor,
        SavedModelReflection.Descriptor, CheckpointStateReflection.Descriptor, EventReflection.Descriptor,
        SummaryReflection.Descriptor, VersionsReflection.Descriptor, ResourceHandleReflection.Descriptor);

    /// <summary>Parses text into a new message; <paramref name="source"/> (a file name) prefixes error positions.</summary>
    public static T Parse<T>(byte[] text, string source = "<text>") where T : IMessage<T>, new()
    {
        var msg = new T();
        Merge(msg, text, source);
        return msg;
    }

    public static T Parse<T>(string text, string source = "<text>") where T : IMessage<T>, new() =>
        Parse<T>(Encoding.UTF8.GetBytes(text), source);

    /// <summary>Parses text into an existing message (fields merge, repeated fields append).</summary>
    public static void Merge(IMessage message, byte[] text, string source = "<text>") =>
        new TextParser(text, source, Registry).ParseInto(message);

    /// <summary>
    /// The message in text format, floats spelled as <paramref name="floats"/> says (default: TF's
    /// C++ printer). Fields unknown to our schemas (kept from binary input, e.g. a TF2
    /// MetaGraphDef's object_graph_def) are not printed: text output only carries what we model.
    /// </summary>
    public static string Print(IMessage message, TextFloatStyle floats = TextFloatStyle.Cpp) =>
        new TextPrinter(floats, Registry).Print(message);
}
