using GraphEngine.Ops.Model.TextFormat;
using GraphEngine.Ops.Proto;
using GraphEngine.TestKit;
using Google.Protobuf;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Model;

/// <summary>
/// Parsing TF's own text files and printing them again must give the same bytes, with the float
/// spelling of the printer that wrote each file (see <see cref="TextFloatStyle"/>).
/// </summary>
[TestClass]
public sealed class TextFormatRoundTripTests
{
    [TestMethod]
    [DataRow("ab-mul-graph-tf1.0", "graph.pbtxt", TextFloatStyle.Python3)]
    [DataRow("wine-dnnclassifier-estimator-tf1.4", "graph.pbtxt", TextFloatStyle.Python3)]
    [DataRow("keras-cnn-graph-text-in-pb-file", "mnist.pb", TextFloatStyle.Python2)]
    [DataRow("tensorboard-demo-mnist-graph", "graph.pbtxt", TextFloatStyle.Cpp)]
    public void GraphDefTextReprintsByteForByte(string folder, string file, TextFloatStyle style) =>
        AssertReprints<GraphDef>(TfData.Path(folder, file), style);

    /// <summary>Stronger: through our own GraphDef model (not just the proto) and back to text.</summary>
    [TestMethod]
    [DataRow("ab-mul-graph-tf1.0", "graph.pbtxt", TextFloatStyle.Python3)]
    [DataRow("wine-dnnclassifier-estimator-tf1.4", "graph.pbtxt", TextFloatStyle.Python3)]
    [DataRow("keras-cnn-graph-text-in-pb-file", "mnist.pb", TextFloatStyle.Python2)]
    [DataRow("tensorboard-demo-mnist-graph", "graph.pbtxt", TextFloatStyle.Cpp)]
    public void OurGraphModelReprintsTfTextByteForByte(string folder, string file, TextFloatStyle style)
    {
        var path = TfData.Path(folder, file);
        var original = File.ReadAllText(path);
        var ours = Ops.Model.Serialization.GraphDefIO.ToText(Ops.Model.Serialization.GraphDefIO.Read(path), style);
        if (ours == original) return;
        var a = original.Split('\n');
        var b = ours.Split('\n');
        int i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i]) i++;
        Assert.Fail($"{path}: differs at line {i + 1}: TF '{(i < a.Length ? a[i] : "<eof>")}', ours '{(i < b.Length ? b[i] : "<eof>")}'.");
    }

    [TestMethod]
    public void OpRegistryReprintsByteForByte() =>
        AssertReprints<OpList>(TfData.Path("op-registry-tf2.21", "ops.pbtxt"), TextFloatStyle.Cpp);

    [TestMethod]
    [DataRow("mnist-softmax-tf1.3")]
    [DataRow("houseprices-dnn-adam-tf1.10")]
    [DataRow("wine-dnnclassifier-estimator-tf1.4")]
    [DataRow("htru2-dnn-rmsprop-estimator-tf1.7")]
    [DataRow("mnist-mlp-dropout-tf1.14")]
    [DataRow("iris-keras-2shards-tf2")]
    [DataRow("index-only-faster-rcnn-tf1.15")]
    public void CheckpointStateReprintsByteForByte(string folder) =>
        AssertReprints<CheckpointState>(TfData.Path(folder, "checkpoint"), TextFloatStyle.Cpp);

    private static void AssertReprints<T>(string path, TextFloatStyle style) where T : IMessage<T>, new()
    {
        var original = File.ReadAllBytes(path);
        var msg = ProtoText.Parse<T>(original, path);
        var printed = System.Text.Encoding.UTF8.GetBytes(ProtoText.Print(msg, style));
        if (printed.AsSpan().SequenceEqual(original)) return;
        var a = System.Text.Encoding.UTF8.GetString(original).Split('\n');
        var b = System.Text.Encoding.UTF8.GetString(printed).Split('\n');
        int i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i]) i++;
        Assert.Fail($"{path}: reprint differs at line {i + 1}: TF wrote '{(i < a.Length ? a[i] : "<eof>")}', we wrote '{(i < b.Length ? b[i] : "<eof>")}' ({original.Length} vs {printed.Length} bytes).");
    }
}
