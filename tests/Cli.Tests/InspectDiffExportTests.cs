using System.Text.Json;
using GraphEngine.Data;
using GraphEngine.Runtime.Io;
using GraphEngine.TestKit;
using static GraphEngine.Cli.Tests.CliProcess;

namespace GraphEngine.Cli.Tests;

[TestClass]
public sealed class InspectDiffExportTests
{
    static string Mnist => TfData.Path("mnist-softmax-tf1.3");

    [TestMethod]
    public void DiffOfTrainedCheckpointsReportsMaxAbsDifference()
    {
        var m = TrainedModel.Instance;
        var json = Ok("inspect", m.Step5, "--diff", m.Step10, "--json");
        using var doc = JsonDocument.Parse(json);
        var tensors = doc.RootElement.GetProperty("tensors").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        var w = tensors["W"];
        Assert.AreEqual("changed", w.GetProperty("status").GetString());
        double expected = m.W5.Zip(m.W10, (a, b) => Math.Abs((double)a - b)).Max();
        Assert.AreEqual(expected, w.GetProperty("max_abs_diff").GetDouble(), 1e-7);
        Assert.IsTrue(expected > 0, "training must have moved W");
        Assert.IsFalse(doc.RootElement.GetProperty("identical").GetBoolean());
        Assert.AreEqual(0, doc.RootElement.GetProperty("missing").GetArrayLength());
    }

    [TestMethod]
    public void DiffWithItselfIsIdentical()
    {
        var json = Ok("inspect", Mnist, "--diff", Mnist, "--json");
        using var doc = JsonDocument.Parse(json);
        Assert.IsTrue(doc.RootElement.GetProperty("identical").GetBoolean());
        Assert.IsTrue(doc.RootElement.GetProperty("tensors").EnumerateArray().All(t => t.GetProperty("max_abs_diff").GetDouble() == 0));
    }

    [TestMethod]
    public void DiffOfDifferentModelsListsShapeChangesAndExtrasWithExitCode0()
    {
        var text = Ok("inspect", Mnist, "--diff", TfData.Path("houseprices-dnn-adam-tf1.10"));
        StringAssert.Contains(text, "Variable           shape   float [784, 10]  float [8, 100]");
        StringAssert.Contains(text, "Variable/Adam      extra");
        StringAssert.Contains(text, "missing from B");
    }

    [TestMethod]
    public void ExportWritesNpyThatReadsBackEqual()
    {
        var dir = TempDir();
        var file = Path.Combine(dir, "w.npy");
        var text = Ok("inspect", Mnist, "--export", "Variable=" + file);
        StringAssert.Contains(text, "Exported Variable to " + file);
        var back = Npy.LoadTensor(file);
        var original = CheckpointReader.Open(Path.Combine(Mnist, "model.ckpt")).GetTensor("Variable");
        Assert.IsTrue(back.ContentEquals(original), "the .npy holds exactly the checkpoint's tensor");
        CollectionAssert.AreEqual(new long[] { 784, 10 }, back.Dims.ToArray());
    }

    [TestMethod]
    public void ExportOfMistypedNameSuggestsAndWritesNothing()
    {
        var dir = TempDir();
        var err = Fails(1, "inspect", Mnist, "--export", "Variabel_1=" + Path.Combine(dir, "b.npy"));
        StringAssert.Contains(err, "did you mean 'Variable_1'?");
        Assert.AreEqual(0, Directory.GetFiles(dir).Length);
        StringAssert.Contains(Fails(2, "inspect", Mnist, "--export", "no-equals-sign"), "NAME=file.npy");
    }

    [TestMethod]
    public void DiffAgainstMissingCheckpointFails() =>
        StringAssert.Contains(Fails(1, "inspect", Mnist, "--diff", "/no/such/other"), "/no/such/other");
}
