using GraphEngine.Ops.Model;
using GraphEngine.Ops.Model.Serialization;
using GraphEngine.Ops.Proto;
using GraphEngine.TestKit;
using Google.Protobuf;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using GraphDef = GraphEngine.Ops.Model.GraphDef;

namespace GraphEngine.Ops.Tests.Model;

/// <summary>Every GraphDef-bearing file in tfdata parses with the node counts PROVENANCE.md states, and round-trips.</summary>
[TestClass]
public sealed class GraphDefIOTests
{
    [TestMethod]
    [DataRow("ab-mul-graph-tf1.0/graph.pb", 10, 21)]
    [DataRow("ab-mul-graph-tf1.0/graph.pbtxt", 10, 21)]
    [DataRow("frozen-keras-mlp-mnist-tf2.3/mnist.pb", 19, 440)]
    [DataRow("keras-cnn-graph-text-in-pb-file/mnist.pb", 1127, 21)]
    [DataRow("tensorboard-demo-mnist-graph/graph.pbtxt", 118, 21)]
    [DataRow("wine-dnnclassifier-estimator-tf1.4/graph.pbtxt", 718, 24)]
    [DataRow("tf-rust-binding-graphs/examples/addition/model.pb", 3, 1882)]
    [DataRow("tf-rust-binding-graphs/examples/regression/model.pb", 95, 0)]
    [DataRow("tf-rust-binding-graphs/examples/regression_checkpoint/model.pb", 109, 26)]
    [DataRow("tf-rust-binding-graphs/tensorflow-sys/examples/assets/multiplication.pb", 3, 9)]
    public void GraphDefFileParsesAndRoundTrips(string file, int nodes, int producer)
    {
        var path = TfData.Path(file.Split('/'));
        var g = GraphDefIO.Read(path);
        Assert.AreEqual(nodes, g.Count, $"{file}: node count");
        Assert.AreEqual(producer, g.Producer, $"{file}: producer");
        AssertRoundTrips(g, file);
    }

    [TestMethod]
    [DataRow("mnist-softmax-tf1.3/model.ckpt.meta", 81, 24)]
    [DataRow("houseprices-dnn-adam-tf1.10/model.ckpt.meta", 602, 26)]
    [DataRow("wine-dnnclassifier-estimator-tf1.4/model.ckpt-3374.meta", 718, 24)]
    [DataRow("htru2-dnn-rmsprop-estimator-tf1.7/model.ckpt-14318.meta", 679, 26)]
    [DataRow("mnist-mlp-dropout-tf1.14/model.ckpt.meta", 690, 38)]
    [DataRow("tf-serving-savedmodels/legacy_v1_session_bundle_half_plus_two/00000123/export.meta", -1, -1)]
    public void MetaGraphFileParsesAndRoundTrips(string file, int nodes, int producer)
    {
        var path = TfData.Path(file.Split('/'));
        var meta = ProtoFile.ReadBinary<MetaGraphDef>(path);
        Assert.IsNotNull(meta.GraphDef, $"{file}: graph_def");
        Assert.IsNotNull(meta.SaverDef, $"{file}: saver_def");
        var g = GraphDefConverter.ToGraphDef(meta.GraphDef, path);
        if (nodes >= 0) Assert.AreEqual(nodes, g.Count, $"{file}: node count");
        else Assert.IsTrue(g.Count > 0, $"{file}: no nodes");
        if (producer >= 0) Assert.AreEqual(producer, g.Producer, $"{file}: producer");
        Assert.IsTrue(meta.MetaInfoDef.StrippedOpList.Op.Count > 0, $"{file}: stripped_op_list");
        // Re-serializing the parsed proto keeps every byte TF wrote that our schema covers.
        Assert.AreEqual(meta, MetaGraphDef.Parser.ParseFrom(meta.ToByteArray()), $"{file}: MetaGraphDef proto round trip");
        AssertRoundTrips(g, file);
    }

    [TestMethod]
    [DataRow("tf-serving-savedmodels/counter_tf1.5/00000123/saved_model.pb", 30, 26, true)]
    [DataRow("tf-serving-savedmodels/half_plus_three_tf1.0/00000123/saved_model.pb", 60, 21, true)]
    [DataRow("tf-serving-savedmodels/half_plus_two_tf1.14/00000123/saved_model.pb", 74, 149, true)]
    // TF 2.14 wrote the MetaGraphDef's fields in descending field-number order (7, 6, 5, …, 1);
    // any ordinary serializer writes ascending order, so only message equality can hold there.
    [DataRow("tf-serving-savedmodels/half_plus_two_tf2.14/00000123/saved_model.pb", 29, 1569, false)]
    [DataRow("tf-rust-binding-graphs/test_resources/regression-model/saved_model.pb", 119, 22, true)]
    public void SavedModelParsesAndRoundTrips(string file, int nodes, int producer, bool bytesExact)
    {
        var path = TfData.Path(file.Split('/'));
        var sm = ProtoFile.ReadBinary<SavedModel>(path);
        Assert.AreEqual(1L, sm.SavedModelSchemaVersion, $"{file}: schema version");
        Assert.AreEqual(1, sm.MetaGraphs.Count, $"{file}: meta graphs");
        var meta = sm.MetaGraphs[0];
        Assert.IsTrue(meta.SignatureDef.Count > 0, $"{file}: signatures");
        var g = GraphDefConverter.ToGraphDef(meta.GraphDef, path);
        Assert.AreEqual(nodes, g.Count, $"{file}: node count");
        Assert.AreEqual(producer, g.Producer, $"{file}: producer");
        // Unknown fields (TF2 object_graph_def) survive the proto round trip.
        Assert.AreEqual(sm, SavedModel.Parser.ParseFrom(sm.ToByteArray()), $"{file}: SavedModel proto round trip");
        if (bytesExact) CollectionAssert.AreEqual(File.ReadAllBytes(path), sm.ToByteArray(), $"{file}: SavedModel bytes");
        AssertRoundTrips(g, file);
    }

    /// <summary>
    /// Our writer's bytes parse to a proto equal to TF's file. Byte equality holds where TF wrote
    /// attrs sorted by name (as we do); older writers emitted the attr map in hash order.
    /// </summary>
    [TestMethod]
    [DataRow("ab-mul-graph-tf1.0/graph.pb", false)]
    [DataRow("frozen-keras-mlp-mnist-tf2.3/mnist.pb", true)]
    [DataRow("tf-rust-binding-graphs/examples/addition/model.pb", true)]
    [DataRow("tf-rust-binding-graphs/examples/regression/model.pb", false)]
    [DataRow("tf-rust-binding-graphs/examples/regression_checkpoint/model.pb", false)]
    [DataRow("tf-rust-binding-graphs/tensorflow-sys/examples/assets/multiplication.pb", true)]
    public void OurBinaryEqualsTfsBinary(string file, bool bytesExact)
    {
        var path = TfData.Path(file.Split('/'));
        var original = File.ReadAllBytes(path);
        var ours = GraphDefIO.ToBinary(GraphDefIO.ReadBinary(path));
        Assert.AreEqual(Proto.GraphDef.Parser.ParseFrom(original), Proto.GraphDef.Parser.ParseFrom(ours), file);
        Assert.AreEqual(original.Length, ours.Length, file + ": size");
        if (bytesExact) CollectionAssert.AreEqual(original, ours, file + ": bytes");
    }

    [TestMethod]
    public void TextAndBinaryOfAbMulGiveIdenticalGraphs()
    {
        var bin = GraphDefIO.ReadBinary(TfData.Path("ab-mul-graph-tf1.0", "graph.pb"));
        var text = GraphDefIO.ReadText(TfData.Path("ab-mul-graph-tf1.0", "graph.pbtxt"));
        GraphEquality.AssertEqual(bin, text, "ab-mul binary vs text");
        var pb = ProtoFile.ReadBinary<Proto.GraphDef>(TfData.Path("ab-mul-graph-tf1.0", "graph.pb"));
        var pt = ProtoFile.ReadText<Proto.GraphDef>(TfData.Path("ab-mul-graph-tf1.0", "graph.pbtxt"));
        Assert.AreEqual(pb, pt, "the two protos are equal message by message");
    }

    [TestMethod]
    public void TextGraphNamedPbIsDetected()
    {
        var path = TfData.Path("keras-cnn-graph-text-in-pb-file", "mnist.pb");
        Assert.IsTrue(ProtoFile.LooksLikeText(File.ReadAllBytes(path)));
        Assert.IsFalse(ProtoFile.LooksLikeText(File.ReadAllBytes(TfData.Path("ab-mul-graph-tf1.0", "graph.pb"))));
        var ex = Assert.ThrowsExactly<Core.DataLossException>(() => GraphDefIO.ReadBinary(path));
        StringAssert.Contains(ex.Message, "mnist.pb");
    }

    [TestMethod]
    public void WritesAreAtomicAndReadable()
    {
        var g = GraphDefIO.Read(TfData.Path("ab-mul-graph-tf1.0", "graph.pb"));
        var dir = Directory.CreateTempSubdirectory("ge-graphio-");
        try
        {
            var pb = Path.Combine(dir.FullName, "g.pb");
            var txt = Path.Combine(dir.FullName, "g.pbtxt");
            GraphDefIO.WriteBinary(g, pb);
            GraphDefIO.WriteText(g, txt);
            GraphEquality.AssertEqual(g, GraphDefIO.ReadBinary(pb), "binary file");
            GraphEquality.AssertEqual(g, GraphDefIO.ReadText(txt), "text file");
            GraphDefIO.WriteBinary(g, pb);
            CollectionAssert.AreEquivalent(new[] { "g.pb", "g.pbtxt" }, dir.GetFiles().Select(f => f.Name).ToArray(), "no temp files left");
        }
        finally
        {
            dir.Delete(true);
        }
    }

    private static void AssertRoundTrips(GraphDef g, string what)
    {
        var bytes = GraphDefIO.ToBinary(g);
        GraphEquality.AssertEqual(g, GraphDefIO.ReadBinary(bytes, what), what + " (binary)");
        GraphEquality.AssertEqual(g, GraphDefIO.ParseText(GraphDefIO.ToText(g), what), what + " (text)");
        CollectionAssert.AreEqual(bytes, GraphDefIO.ToBinary(GraphDefIO.ReadBinary(bytes, what)), what + ": our bytes are stable");
    }
}
