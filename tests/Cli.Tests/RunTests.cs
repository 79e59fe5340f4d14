using System.Text.Json;
using GraphEngine.Data;
using GraphEngine.Ops.Core;
using GraphEngine.TestKit;
using static GraphEngine.Cli.Tests.CliProcess;

namespace GraphEngine.Cli.Tests;

[TestClass]
public sealed class RunTests
{
    static string HalfPlusTwo => TfData.Path("tf-serving-savedmodels", "half_plus_two_tf1.14", "00000123");
    static string FrozenMnist => TfData.Path("frozen-keras-mlp-mnist-tf2.3", "mnist.pb");

    static double[] Values(JsonElement output) =>
        Flatten(output.GetProperty("values")).ToArray();

    static IEnumerable<double> Flatten(JsonElement e) =>
        e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().SelectMany(Flatten) : [e.GetDouble()];

    static JsonElement Output(string json, int i = 0) => JsonDocument.Parse(json).RootElement.GetProperty("outputs")[i];

    [TestMethod]
    public void SavedModelWithLiteralUsesServingDefaultSignature()
    {
        var text = Ok("run", HalfPlusTwo, "--input", "x=[[1],[2],[3]]");
        StringAssert.Contains(text, "y (y:0, float, [3, 1]):");
        StringAssert.Contains(text, "[[2.5]\n [  3]\n [3.5]]");
    }

    [TestMethod]
    public void TraceWritesAChromeTraceOfEveryExecutedNode()
    {
        var trace = Path.Combine(TempDir(), "sub", "trace.json");
        StringAssert.Contains(Ok("run", HalfPlusTwo, "--input", "x=[[1],[2]]", "--trace", trace), "y (y:0");
        using var doc = JsonDocument.Parse(File.ReadAllText(trace));
        var events = doc.RootElement.GetProperty("traceEvents").EnumerateArray()
            .Where(e => e.GetProperty("ph").GetString() == "X").ToList();
        var names = events.Select(e => e.GetProperty("args").GetProperty("name").GetString()).ToHashSet();
        // y = a·x + b: the fed placeholder is not executed; the multiply, the add and the variable reads are.
        Assert.IsTrue(names.Contains("y"), string.Join(", ", names));
        Assert.IsTrue(events.All(e => e.GetProperty("dur").GetDouble() >= 0));
        Assert.IsFalse(Directory.EnumerateFiles(Path.GetDirectoryName(trace)!).Any(f => f.Contains(".tmp")), "written atomically");
    }

    [TestMethod]
    public void SignatureDefSelectsOtherInputsAndOutputs()
    {
        // regress_x2_to_y3: y3 = a2·x2 + c2 = 0.5·x2 + 3.
        var o = Output(Ok("run", HalfPlusTwo, "--signature_def", "regress_x2_to_y3", "--input", "inputs=[[2],[4]]", "--json"));
        Assert.AreEqual("outputs", o.GetProperty("name").GetString());
        CollectionAssert.AreEqual(new[] { 4.0, 5.0 }, Values(o));
        StringAssert.Contains(Fails(1, "run", HalfPlusTwo, "--signature_def", "regres_x2_to_y3"), "did you mean 'regress_x2_to_y3'?");
    }

    [TestMethod]
    public void NpyCsvAndInputsJsonFeedTheSameValues()
    {
        var dir = TempDir();
        var npy = Path.Combine(dir, "x.npy");
        Npy.SaveTensor(npy, HostTensor.FromArray(new float[] { 1, 2, 3 }, 3, 1));
        var csv = Path.Combine(dir, "x.csv");
        File.WriteAllText(csv, "x\n1\n2\n3\n");
        double[] expected = [2.5, 3, 3.5];
        CollectionAssert.AreEqual(expected, Values(Output(Ok("run", HalfPlusTwo, "--input", "x=" + npy, "--json"))));
        CollectionAssert.AreEqual(expected, Values(Output(Ok("run", HalfPlusTwo, "--input", "x=" + csv, "--json"))));
        CollectionAssert.AreEqual(expected, Values(Output(Ok("run", HalfPlusTwo, "--inputs_json", "{\"x\": [[1],[2],[3]]}", "--json"))));
        var jsonFile = Path.Combine(dir, "in.json");
        File.WriteAllText(jsonFile, "{\"x:0\": [1, 2, 3]}");   // a vector literal is laid out as the [?, 1] placeholder wants
        CollectionAssert.AreEqual(expected, Values(Output(Ok("run", HalfPlusTwo, "--inputs_json", jsonFile, "--json"))));
    }

    [TestMethod]
    public void OutdirWritesNpyFilesThatRoundTrip()
    {
        var dir = TempDir();
        var text = Ok("run", HalfPlusTwo, "--input", "x=[[10],[20]]", "--output", "y,y2:0", "--outdir", dir);
        StringAssert.Contains(text, Path.Combine(dir, "y.npy"));
        var y = Npy.LoadTensor(Path.Combine(dir, "y.npy"));
        CollectionAssert.AreEqual(new float[] { 7, 12 }, y.ToArray<float>());
        CollectionAssert.AreEqual(new long[] { 2, 1 }, y.Dims.ToArray());
        // y2 = a·x + c2 = 0.5·x + 3 (TF Serving's half_plus_two test model).
        CollectionAssert.AreEqual(new float[] { 8, 13 }, Npy.LoadTensor(Path.Combine(dir, "y2_0.npy")).ToArray<float>());
    }

    [TestMethod]
    public void FrozenGraphDefaultsToItsSinkAndGivesProbabilities()
    {
        var dir = TempDir();
        var npy = Path.Combine(dir, "img.npy");
        Npy.SaveTensor(npy, HostTensor.FromArray(Enumerable.Repeat(0.5f, 2 * 28 * 28).ToArray(), 2, 28, 28));
        var o = Output(Ok("run", FrozenMnist, "--input", "Input=" + npy, "--json"));
        Assert.AreEqual("Identity:0", o.GetProperty("tensor").GetString());
        var p = Values(o);
        Assert.AreEqual(20, p.Length);
        Assert.AreEqual(1.0, p.Take(10).Sum(), 1e-5);
        Assert.AreEqual(1.0, p.Skip(10).Sum(), 1e-5);
    }

    [TestMethod]
    public void MetaWithTrainedCheckpointMatchesInProcessResult()
    {
        var m = TrainedModel.Instance;
        var o = Output(Ok("run", m.Step10 + ".meta", "--input", "x=" + TrainedModel.ProbeLiteral, "--output", "y", "--json"));
        var got = Values(o);
        Assert.AreEqual(m.Expected.Length, got.Length);
        for (int i = 0; i < got.Length; i++) Assert.AreEqual(m.Expected[i], got[i], 1e-6);
        // An explicit older checkpoint gives different values.
        var older = Values(Output(Ok("run", m.Step10 + ".meta", "--checkpoint", m.Step5, "--input", "x=" + TrainedModel.ProbeLiteral, "--output", "y", "--json")));
        Assert.IsTrue(older.Zip(got).Any(p => Math.Abs(p.First - p.Second) > 1e-4));
    }

    [TestMethod]
    public void RepeatReportsOrderedLatencyStatistics()
    {
        var json = Ok("run", HalfPlusTwo, "--input", "x=[[1]]", "--repeat", "7", "--json");
        using var doc = JsonDocument.Parse(json);
        var l = doc.RootElement.GetProperty("latency_ms");
        double min = l.GetProperty("min").GetDouble(), med = l.GetProperty("median").GetDouble(),
            p90 = l.GetProperty("p90").GetDouble(), max = l.GetProperty("max").GetDouble();
        Assert.IsTrue(min > 0 && min <= med && med <= p90 && p90 <= max, $"{min} {med} {p90} {max}");
        Assert.IsTrue(l.GetProperty("runs_per_second").GetDouble() > 0);
        Assert.AreEqual(7, doc.RootElement.GetProperty("runs").GetInt32());
        StringAssert.Contains(Ok("run", HalfPlusTwo, "--input", "x=[[1]]", "--repeat", "3"), "Latency over 3 runs");
    }

    [TestMethod]
    public void LatencyPercentilesOfKnownSamples()
    {
        var l = GraphEngine.Cli.Commands.Latency.Of([5, 1, 4, 2, 3, 10, 6, 7, 8, 9]);
        Assert.AreEqual(1, l.Min);
        Assert.AreEqual(5.5, l.Median);
        Assert.AreEqual(9, l.P90);
        Assert.AreEqual(10, l.Max);
        Assert.AreEqual(10 / 0.055, l.Throughput, 1e-9);
    }

    [TestMethod]
    public void MistypedNamesAndBadValuesFailClearly()
    {
        StringAssert.Contains(Fails(1, "run", HalfPlusTwo, "--input", "xx=[[1]]"), "did you mean 'x'?");
        StringAssert.Contains(Fails(1, "run", HalfPlusTwo, "--input", "X=[[1]]"), "did you mean 'x'?");
        StringAssert.Contains(Fails(1, "run", HalfPlusTwo, "--input", "x=[[1]]", "--output", "y22"), "did you mean 'y2'?");
        StringAssert.Contains(Fails(2, "run", HalfPlusTwo, "--input", "x=[[1],[2,3]]"), "ragged");
        StringAssert.Contains(Fails(2, "run", HalfPlusTwo, "--input", "x"), "NAME=VALUE");
        StringAssert.Contains(Fails(1, "run", HalfPlusTwo, "--input", "x=/no/such.npy"), "/no/such.npy");
        StringAssert.Contains(Fails(1, "run", FrozenMnist, "--input", "Input=[[1,2]]"), "Input");
        StringAssert.Contains(Fails(1, "run", FrozenMnist), "Input");   // unfed placeholder is named
        Assert.AreEqual(2, Tool("run", HalfPlusTwo, "--repeat", "many").rc);
        StringAssert.Contains(Fails(2, "run", HalfPlusTwo, "--checkpoint", "x", "--input", "x=[[1]]"), "SavedModel");
        StringAssert.Contains(Fails(2, "run", HalfPlusTwo, "--repeat", "0"), "--repeat");
    }

    [TestMethod]
    public void CorruptSavedModelAndTf2SavedModelFail()
    {
        var dir = TempDir();
        File.WriteAllBytes(Path.Combine(dir, "saved_model.pb"), [0x12, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]);
        StringAssert.Contains(Fails(1, "run", dir), "saved_model.pb");
        StringAssert.Contains(Fails(1, "run", TfData.Path("tf-serving-savedmodels", "half_plus_two_tf2.14", "00000123"), "--input", "x=[1]"), "TF2");
    }

    [TestMethod]
    public void CorruptNpyInputFails()
    {
        var dir = TempDir();
        var bad = Path.Combine(dir, "bad.npy");
        File.WriteAllBytes(bad, new byte[40]);
        StringAssert.Contains(Fails(1, "run", HalfPlusTwo, "--input", "x=" + bad), "bad.npy");
    }
}
