using System.Text.Json;
using GraphEngine.Ops.Model.Serialization;
using GraphEngine.TestKit;
using static GraphEngine.Cli.Tests.CliProcess;

namespace GraphEngine.Cli.Tests;

[TestClass]
public sealed class FreezeTests
{
    static double[] RunY(params string[] args)
    {
        var json = Ok(["run", .. args, "--json"]);
        using var doc = JsonDocument.Parse(json);
        static IEnumerable<double> Flat(JsonElement e) => e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().SelectMany(Flat) : [e.GetDouble()];
        return Flat(doc.RootElement.GetProperty("outputs")[0].GetProperty("values")).ToArray();
    }

    [TestMethod]
    public void FrozenTrainedGraphComputesWhatTheCheckpointDid()
    {
        var m = TrainedModel.Instance;
        var frozen = Path.Combine(TempDir(), "frozen.pb");
        var text = Ok("freeze", m.Step10 + ".meta", "--checkpoint", m.Step10, "--output_node_names", "y", "--out", frozen);
        StringAssert.Contains(text, "Converted 2 variables to constants (3 parameters)");
        var graph = GraphDefIO.Read(frozen);
        Assert.IsFalse(graph.Nodes.Any(n => n.Op is "VariableV2" or "Assign" or "SaveV2"), "no variables or saver ops are left");
        var y = RunY(frozen, "--input", "x=" + TrainedModel.ProbeLiteral);
        for (int i = 0; i < y.Length; i++) Assert.AreEqual(m.Expected[i], y[i], 1e-6);
    }

    [TestMethod]
    public void FrozenRealTfCheckpointMatchesRunningTheMeta()
    {
        var meta = TfData.Path("mnist-softmax-tf1.3", "model.ckpt.meta");
        var frozen = Path.Combine(TempDir(), "mnist.pbtxt");
        var json = Ok("freeze", meta, "--output_node_names", "Softmax", "--out", frozen, "--as_text", "--json");
        using (var doc = JsonDocument.Parse(json))
            Assert.AreEqual(7850, doc.RootElement.GetProperty("parameters").GetInt64());
        var input = "Placeholder=[" + string.Join(",", Enumerable.Range(0, 784).Select(i => (i % 7 / 7.0).ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
        var fromMeta = RunY(meta, "--input", input, "--output", "Softmax");
        var fromFrozen = RunY(frozen, "--input", input);
        CollectionAssert.AreEqual(fromMeta, fromFrozen);
        Assert.AreEqual(1.0, fromFrozen.Sum(), 1e-5);
    }

    [TestMethod]
    public void FreezeErrorsAreClear()
    {
        var meta = TfData.Path("mnist-softmax-tf1.3", "model.ckpt.meta");
        var dir = TempDir();
        StringAssert.Contains(Fails(1, "freeze", meta, "--output_node_names", "Softmx", "--out", Path.Combine(dir, "f.pb")), "did you mean 'Softmax'?");
        Assert.AreEqual(2, Tool("freeze", meta, "--output_node_names", "Softmax").rc, "--out is required");
        StringAssert.Contains(Fails(1, "freeze", meta, "--checkpoint", "/no/such/ckpt", "--output_node_names", "Softmax", "--out", Path.Combine(dir, "f.pb")), "/no/such/ckpt");
        // A plain GraphDef with variables but no Saver ops cannot take a checkpoint.
        var ab = TfData.Path("ab-mul-graph-tf1.0", "graph.pb");
        StringAssert.Contains(Fails(1, "freeze", ab, "--checkpoint", Path.Combine(TfData.Path("mnist-softmax-tf1.3"), "model.ckpt"), "--output_node_names", "c", "--out", Path.Combine(dir, "f.pb")), "no Saver ops");
        StringAssert.Contains(Fails(1, "freeze", ab, "--output_node_names", "c", "--out", Path.Combine(dir, "f.pb")), "no checkpoint was given");
        Assert.AreEqual(0, Directory.GetFiles(dir).Length, "failed freezes write nothing");
    }
}
