using System.Diagnostics;
using System.Text.Json;
using GraphEngine.Cli.Commands;
using GraphEngine.Ops.Core;
using GraphEngine.TestKit;

namespace GraphEngine.Cli.Tests;

[TestClass]
public sealed class InspectTests
{
    static string Mnist => TfData.Path("mnist-softmax-tf1.3");

    [TestMethod]
    public void TableListsTensorsAndTotals()
    {
        var text = InspectCommand.Run(new InspectOptions(Mnist));
        StringAssert.Contains(text, "Variable    float  [784, 10]      7840  31360");
        StringAssert.Contains(text, "Total: 2 tensors, 7,850 parameters, 30.66 KiB");
    }

    [TestMethod]
    public void AdamSlotsWithStats()
    {
        var text = InspectCommand.Run(new InspectOptions(TfData.Path("houseprices-dnn-adam-tf1.10"), Stats: true, Filter: "Adam_1$"));
        StringAssert.Contains(text, "Variable/Adam_1");
        Assert.IsFalse(text.Contains("Variable/Adam "), "the filter keeps only second-moment slots");
        StringAssert.Contains(text, "nan");
    }

    [TestMethod]
    public void TwoShardsWithStringTensorAsJson()
    {
        var json = InspectCommand.Run(new InspectOptions(TfData.Path("iris-keras-2shards-tf2", "model.ckpt.index"), Json: true));
        using var doc = JsonDocument.Parse(json);
        var tensors = doc.RootElement.GetProperty("tensors").EnumerateArray().ToList();
        var strings = tensors.Single(t => t.GetProperty("name").GetString() == "_CHECKPOINTABLE_OBJECT_GRAPH");
        Assert.AreEqual("string", strings.GetProperty("dtype").GetString());
        Assert.IsTrue(doc.RootElement.GetProperty("total_parameters").GetInt64() > 512);
    }

    [TestMethod]
    public void TensorValuesAreSummarisedPastThreshold()
    {
        var text = InspectCommand.Run(new InspectOptions(Mnist, Tensor: "Variable", Threshold: 10));
        StringAssert.Contains(text, "...");
        StringAssert.Contains(text, "Variable (float, [784, 10]):");
    }

    [TestMethod]
    public void MistypedNameSuggestsClosest()
    {
        var checkpoint = Mnist;   // resolved first: without tfdata the test is Inconclusive, not a wrong-exception failure
        var e = Assert.ThrowsExactly<NotFoundException>(() => InspectCommand.Run(new InspectOptions(checkpoint, Tensor: "Variabel_1")));
        StringAssert.Contains(e.Message, "did you mean 'Variable_1'?");
    }

    [TestMethod]
    public void FormatterPrintsSmallMatrixNumpyStyle() =>
        Assert.AreEqual("[[1 2]\n [3 4]]", ValueFormatter.Format(HostTensor.FromArray(new[] { 1, 2, 3, 4 }, 2, 2)));

    // End-to-end: the built tool as a process, to check exit codes and the one-line error contract.
    static (int rc, string stdout, string stderr) Tool(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "GraphEngine.Cli.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, o.Result, e);
    }

    [TestMethod]
    public void ProcessInspectSucceeds()
    {
        var (rc, stdout, _) = Tool("inspect", Mnist);
        Assert.AreEqual(0, rc);
        StringAssert.Contains(stdout, "Variable_1");
    }

    [TestMethod]
    public void ProcessBadPathIsOneLineExit1()
    {
        var (rc, _, stderr) = Tool("inspect", "/no/such/ckpt");
        Assert.AreEqual(1, rc);
        Assert.AreEqual(1, stderr.Trim().Split('\n').Length, stderr);
        StringAssert.Contains(stderr, "/no/such/ckpt");
    }

    [TestMethod]
    public void ProcessCorruptIndexIsExit1()
    {
        var dir = Directory.CreateTempSubdirectory("ge-cli-").FullName;
        File.WriteAllBytes(Path.Combine(dir, "bad.index"), new byte[100]);
        var (rc, _, stderr) = Tool("inspect", Path.Combine(dir, "bad"));
        Assert.AreEqual(1, rc, stderr);
        Assert.AreEqual(1, stderr.Trim().Split('\n').Length, stderr);
    }

    [TestMethod]
    public void ProcessMistypedTensorAndUsageError()
    {
        var (rc, _, stderr) = Tool("inspect", Mnist, "--tensor", "Variabel_1");
        Assert.AreEqual(1, rc);
        StringAssert.Contains(stderr, "did you mean 'Variable_1'?");
        Assert.AreEqual(2, Tool("inspect").rc);
        Assert.AreEqual(2, Tool("inspect", Mnist, "--bogus").rc);
    }
}
