using System.Text.Json;
using GraphEngine.TestKit;
using static GraphEngine.Cli.Tests.CliProcess;

namespace GraphEngine.Cli.Tests;

[TestClass]
public sealed class ShowTests
{
    static string HalfPlusTwo => TfData.Path("tf-serving-savedmodels", "half_plus_two_tf1.14", "00000123");

    [TestMethod]
    public void SavedModelShowsTagSetsAndSignatures()
    {
        var text = Ok("show", HalfPlusTwo);
        StringAssert.Contains(text, "Tag-sets: 'serve'");
        StringAssert.Contains(text, "signature_def['serving_default'] method: tensorflow/serving/predict");
        StringAssert.Contains(text, "x: x:0 (float, [?, 1])");
        StringAssert.Contains(text, "y: y:0 (float, [?, 1])");
        StringAssert.Contains(text, "signature_def['regress_x2_to_y3'] method: tensorflow/serving/regress");
        StringAssert.Contains(text, "Parameters: 6 in 6 variables");
    }

    [TestMethod]
    public void SignatureDefJsonAndSelection()
    {
        var json = Ok("show", HalfPlusTwo, "--tag_set", "serve", "--signature_def", "serving_default", "--json");
        using var doc = JsonDocument.Parse(json);
        var sigs = doc.RootElement.GetProperty("meta_graphs")[0].GetProperty("signature_defs");
        Assert.AreEqual(1, sigs.EnumerateObject().Count());
        var x = sigs.GetProperty("serving_default").GetProperty("inputs").GetProperty("x");
        Assert.AreEqual("x:0", x.GetProperty("name").GetString());
        Assert.AreEqual("float", x.GetProperty("dtype").GetString());
        CollectionAssert.AreEqual(new long[] { -1, 1 }, x.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray());
    }

    [TestMethod]
    public void MistypedSignatureAndTagSetFailWithOneLine()
    {
        StringAssert.Contains(Fails(1, "show", HalfPlusTwo, "--signature_def", "serving_defualt"), "did you mean 'serving_default'?");
        StringAssert.Contains(Fails(1, "show", HalfPlusTwo, "--tag_set", "train"), "available tag sets: serve");
    }

    [TestMethod]
    public void FrozenGraphShowsInputOutputAndConstants()
    {
        var json = Ok("show", TfData.Path("frozen-keras-mlp-mnist-tf2.3", "mnist.pb"), "--json");
        using var doc = JsonDocument.Parse(json);
        var r = doc.RootElement;
        Assert.AreEqual("GraphDef", r.GetProperty("kind").GetString());
        var input = r.GetProperty("inputs").EnumerateArray().Single();
        Assert.AreEqual("Input", input.GetProperty("name").GetString());
        CollectionAssert.AreEqual(new long[] { -1, 28, 28 }, input.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray());
        Assert.AreEqual("Identity", r.GetProperty("outputs").EnumerateArray().Single().GetProperty("name").GetString());
        // 784·128 + 128 + 128·10 + 10 weights and the reshape target [-1, 784].
        Assert.AreEqual(784L * 128 + 128 + 128 * 10 + 10 + 2, r.GetProperty("constants").GetProperty("elements").GetInt64());
        Assert.AreEqual(2, r.GetProperty("op_types").GetProperty("MatMul").GetInt32());
    }

    [TestMethod]
    public void MetaGraphShowsVariablesAndParameterCount()
    {
        var text = Ok("show", TfData.Path("mnist-softmax-tf1.3", "model.ckpt.meta"));
        StringAssert.Contains(text, "MetaGraphDef");
        StringAssert.Contains(text, "Placeholder    float  [?, 784]");
        StringAssert.Contains(text, "Variable    float  [784, 10]      7840");
        StringAssert.Contains(text, "Parameters: 7,850 in 2 variables");
    }

    [TestMethod]
    public void TextGraphDefNamedPbBeforeProducer22HasUnknownPlaceholderShapes()
    {
        var json = Ok("show", TfData.Path("keras-cnn-graph-text-in-pb-file", "mnist.pb"), "--json");
        using var doc = JsonDocument.Parse(json);
        var input = doc.RootElement.GetProperty("inputs").EnumerateArray().Single(i => i.GetProperty("name").GetString() == "conv2d_1_input");
        Assert.AreEqual(JsonValueKind.Null, input.GetProperty("shape").ValueKind, "an empty shape {} before producer 22 means unknown");
        Assert.AreEqual(21, doc.RootElement.GetProperty("producer").GetInt32());
    }

    [TestMethod]
    public void OpsListsEveryNode()
    {
        var text = Ok("show", TfData.Path("ab-mul-graph-tf1.0", "graph.pbtxt"), "--ops");
        StringAssert.Contains(text, "Nodes:");
        StringAssert.Matches(text, new System.Text.RegularExpressions.Regex(@"\nc +Mul +a/read, b/read"));
        Assert.IsFalse(text.Contains("more op types"), "--ops lists every op type");
    }

    [TestMethod]
    public void BadPathsAndCorruptFilesFailWithOneLine()
    {
        StringAssert.Contains(Fails(1, "show", "/no/such/model.pb"), "/no/such/model.pb");
        var dir = TempDir();
        StringAssert.Contains(Fails(1, "show", dir), "saved_model.pb");
        var bad = Path.Combine(dir, "bad.pb");
        File.WriteAllBytes(bad, [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]);
        StringAssert.Contains(Fails(1, "show", bad), "bad.pb");
        Assert.AreEqual(2, Tool("show").rc);
        StringAssert.Contains(Fails(2, "show", TfData.Path("frozen-keras-mlp-mnist-tf2.3", "mnist.pb"), "--tag_set", "serve"), "is a GraphDef");
    }

    [TestMethod]
    public void AllShowsEveryMetaGraphAndTheGraphSummary()
    {
        var json = Ok("show", HalfPlusTwo, "--all", "--json");
        using var doc = JsonDocument.Parse(json);
        var sigs = doc.RootElement.GetProperty("meta_graphs")[0].GetProperty("signature_defs");
        Assert.AreEqual(5, sigs.EnumerateObject().Count(), "classify_x_to_y, regress_x2_to_y3, regress_x_to_y, regress_x_to_y2, serving_default");
        Assert.AreEqual(6, doc.RootElement.GetProperty("parameters").GetInt64());
        var text = Ok("show", HalfPlusTwo, "--all", "--signature_def", "serving_default");
        StringAssert.Contains(text, "Op types");   // --all keeps the graph summary even when one signature is picked
    }

    [TestMethod]
    public void VerbosePrintsStackTrace()
    {
        var (rc, _, stderr) = Tool("show", "/no/such/model.pb", "--verbose");
        Assert.AreEqual(1, rc);
        StringAssert.Contains(stderr, "   at ");
    }
}
