using System.Diagnostics;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static GraphEngine.Onnx.Tests.OnnxHarness;

namespace GraphEngine.Onnx.Tests;

/// <summary>What the exported file looks like, the errors for graphs that cannot be exported, and the CLI.</summary>
[TestClass]
public sealed class ExportBehaviourTests
{
    private static string SmallNet(string dir, out float[] input, out float[] expected, int opset = 17)
    {
        var g = new Graph();
        using var _ = g.as_default();
        tf.set_random_seed(11);
        var x = tf.placeholder(tf.float32, new[] { -1, 4 }, name: "x");
        var y = tf.nn.softmax(Dense(x, 3, "dense"), name: "y");
        using var sess = tf.Session(g);
        sess.run(tf.global_variables_initializer());
        input = [0.5f, -1, 2, 0.25f, 1, 1, -3, 0];
        expected = sess.run(y, (x, NumSharp.np.array(input).reshape(2, 4))).ToArray<float>();
        return tf.onnx.export(sess, ["x:0"], ["y:0"], Path.Combine(dir, "sub", "small.onnx"), opset: opset);
    }

    [TestMethod]
    public void ModelLoadsWithTensorNamesDynamicBatchAndDeclaredOpset()
    {
        var path = SmallNet(TempDir(), out var input, out var expected);
        var model = ReadModel(path);
        AssertWellFormed(model);
        Assert.AreEqual(8, model.IrVersion);
        Assert.AreEqual(17, model.OpsetImport.Single().Version);
        Assert.AreEqual("GraphEngine", model.ProducerName);
        // Variables were frozen into initializers; nothing is left that ONNX Runtime would ask to be fed.
        Assert.IsTrue(model.Graph.Initializer.Count >= 2);
        Assert.IsFalse(Directory.EnumerateFiles(Path.GetDirectoryName(path)!).Any(f => f != path), "no temp file is left beside the model");

        using var ort = new InferenceSession(path);
        var meta = ort.InputMetadata.Single();
        Assert.AreEqual("x:0", meta.Key);
        CollectionAssert.AreEqual(new[] { -1, 4 }, meta.Value.Dimensions);
        Assert.AreEqual("batch", meta.Value.SymbolicDimensions[0]);
        Assert.AreEqual("y:0", ort.OutputMetadata.Single().Key);
        using var r = ort.Run([NamedOnnxValue.CreateFromTensor("x:0", new DenseTensor<float>(input, [2, 4]))]);
        AssertClose(expected, r.Single().AsTensor<float>().ToArray(), "y:0");
    }

    [TestMethod]
    public void WellFormednessCheckCatchesOutOfOrderNodesAndDuplicateValues()
    {
        var model = ReadModel(SmallNet(TempDir(), out _, out _));
        Assert.IsTrue(model.Graph.Node.Count >= 2);
        var reversed = model.Clone();
        reversed.Graph.Node.Clear();
        reversed.Graph.Node.AddRange(model.Graph.Node.Reverse());
        Assert.ThrowsExactly<AssertFailedException>(() => AssertWellFormed(reversed));
        var duplicated = model.Clone();
        duplicated.Graph.Node.Add(duplicated.Graph.Node[0].Clone());
        Assert.ThrowsExactly<AssertFailedException>(() => AssertWellFormed(duplicated));
    }

    [TestMethod]
    public void ConstantSubexpressionsFoldIntoOneInitializer()
    {
        Tensor? y = null;
        var path = ExportAndCompare(() =>
        {
            var x = tf.placeholder(tf.float32, new[] { -1, 3 }, name: "x");
            var w = tf.Variable(new float[] { 1, 2, 3 }, name: "w");
            // Everything right of x is constant once w is frozen: one initializer, one Mul.
            var scale = tf.exp(tf.cast(tf.constant(new[] { 0, 1, 2 }), tf.float32)) * w + tf.reduce_sum(w);
            y = tf.multiply(x, scale, name: "y");
            return ([new(x)], [y]);
        }, seed: 13);
        var model = ReadModel(path);
        Assert.AreEqual("Mul", model.Graph.Node.Single().OpType);
        Assert.AreEqual(1, model.Graph.Initializer.Count);
        CollectionAssert.AreEqual(new long[] { 3 }, model.Graph.Initializer[0].Dims.ToArray());
    }

    [TestMethod]
    public void InputInsideTheGraphCutsWhatFeedsIt()
    {
        var g = new Graph();
        using var _ = g.as_default();
        tf.set_random_seed(14);
        var x = tf.placeholder(tf.float32, new[] { -1, 4 }, name: "x");
        var hidden = Dense(x, 6, "dense", t => tf.nn.relu(t));
        var y = tf.nn.softmax(Dense(hidden, 2, "dense_1"), name: "y");
        using var sess = tf.Session(g);
        sess.run(tf.global_variables_initializer());
        var path = tf.onnx.export(sess, [hidden.name], ["y:0"], Path.Combine(TempDir(), "tail.onnx"));
        var h = new float[] { 0, 1.5f, 0.2f, 0, 3, 0.7f };
        var expected = sess.run(y, (hidden, NumSharp.np.array(h).reshape(1, 6))).ToArray<float>();
        using var ort = new InferenceSession(path);
        Assert.AreEqual(hidden.name, ort.InputMetadata.Single().Key);
        Assert.AreEqual(1, ReadModel(path).Graph.Node.Count(n => n.OpType == "Gemm"), "the first layer is not exported");
        using var r = ort.Run([NamedOnnxValue.CreateFromTensor(hidden.name, new DenseTensor<float>(h, [1, 6]))]);
        AssertClose(expected, r.Single().AsTensor<float>().ToArray(), "y:0");
    }

    [TestMethod]
    public void OpWithoutMappingIsUnimplementedNamingOpAndNode()
    {
        var g = new Graph();
        using var _ = g.as_default();
        var x = tf.placeholder(tf.float32, new[] { -1, 4 }, name: "x");
        var loss = tf.nn.l2_loss(x, name: "penalty");
        using var sess = tf.Session(g);
        var e = Assert.ThrowsExactly<UnimplementedException>(() => tf.onnx.export(sess, ["x:0"], [loss.name], Path.Combine(TempDir(), "m.onnx")));
        StringAssert.Contains(e.Message, "'L2Loss'");
        StringAssert.Contains(e.Message, "'penalty'");
    }

    [TestMethod]
    public void TrainingModeBatchNormIsUnimplemented()
    {
        var g = new Graph();
        using var _ = g.as_default();
        var x = tf.placeholder(tf.float32, new[] { -1, 2, 2, 3 }, name: "x");
        var (y, _, _) = tf.nn.fused_batch_norm(x, tf.ones(new[] { 3 }), tf.zeros(new[] { 3 }), is_training: true, name: "bn");
        using var sess = tf.Session(g);
        var e = Assert.ThrowsExactly<UnimplementedException>(() => tf.onnx.export(sess, ["x:0"], [y.name], Path.Combine(TempDir(), "m.onnx")));
        StringAssert.Contains(e.Message, "'bn'");
        StringAssert.Contains(e.Message, "is_training");
    }

    [TestMethod]
    public void MissingInputsVariablesAndBadNamesAreTypedErrors()
    {
        var g = new Graph();
        using var _ = g.as_default();
        var a = tf.placeholder(tf.float32, new[] { -1, 2 }, name: "a");
        var b = tf.placeholder(tf.float32, new[] { -1, 2 }, name: "b");
        var w = tf.Variable(new float[] { 1, 2 }, name: "w");
        var y = tf.add(a * w, b, name: "y");
        using var sess = tf.Session(g);
        sess.run(tf.global_variables_initializer());
        var dir = TempDir();
        var missing = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.onnx.export(sess, ["a:0"], ["y:0"], Path.Combine(dir, "m.onnx")));
        StringAssert.Contains(missing.Message, "placeholder 'b'");
        var unfrozen = Assert.ThrowsExactly<FailedPreconditionException>(() => tf.onnx.export(g.as_graph_def(), ["a:0", "b:0"], ["y:0"], Path.Combine(dir, "m.onnx")));
        StringAssert.Contains(unfrozen.Message, "variable 'w'");
        var unknown = Assert.ThrowsExactly<NotFoundException>(() => tf.onnx.export(sess, ["a:0", "b:0"], ["nope:0"], Path.Combine(dir, "m.onnx")));
        StringAssert.Contains(unknown.Message, "'nope:0'");
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.onnx.export(sess, ["a:0", "b:0"], ["y:0"], Path.Combine(dir, "m.onnx"), opset: 9));
        Assert.IsFalse(File.Exists(Path.Combine(dir, "m.onnx")), "a failed export writes nothing");
    }

    /// <summary>Pad has no kernel here yet, so a GraphDef carrying it is checked against padding done by hand.</summary>
    [TestMethod]
    [DataRow("Pad", 0f)]
    [DataRow("PadV2", -7f)]
    [DataRow("MirrorPad", float.NaN)]
    public void PadFamilyFromGraphDefMatchesTfPaddingRules(string op, float fill)
    {
        var def = new GraphDef();
        var x = new NodeDef("x", "Placeholder");
        x.Attr["dtype"] = DType.Float;
        x.Attr["shape"] = new TensorShape(-1, 3);
        def.Add(x);
        var paddings = new NodeDef("paddings", "Const");
        paddings.Attr["dtype"] = DType.Int32;
        paddings.Attr["value"] = HostTensor.FromArray(new[] { 0, 0, 2, 1 }, 2, 2);
        def.Add(paddings);
        var pad = new NodeDef("padded", op);
        pad.Input.AddRange(["x", "paddings"]);
        pad.Attr["T"] = DType.Float;
        pad.Attr["Tpaddings"] = DType.Int32;
        if (op == "PadV2")
        {
            var value = new NodeDef("fill", "Const");
            value.Attr["dtype"] = DType.Float;
            value.Attr["value"] = HostTensor.Scalar(fill);
            def.Add(value);
            pad.Input.Add("fill");
        }
        if (op == "MirrorPad") pad.Attr["mode"] = "REFLECT";
        def.Add(pad);
        var path = tf.onnx.export(def, ["x:0"], ["padded:0"], Path.Combine(TempDir(), "pad.onnx"));
        AssertWellFormed(ReadModel(path));

        using var ort = new InferenceSession(path);
        using var r = ort.Run([NamedOnnxValue.CreateFromTensor("x:0", new DenseTensor<float>(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]))]);
        var got = r.Single().AsTensor<float>().ToArray();
        // Two before, one after along axis 1 (REFLECT mirrors without repeating the edge).
        float[] want = op == "MirrorPad"
            ? [3, 2, 1, 2, 3, 2, 6, 5, 4, 5, 6, 5]
            : [fill, fill, 1, 2, 3, fill, fill, fill, 4, 5, 6, fill];
        CollectionAssert.AreEqual(want, got);
    }

    /// <summary>GraphDefs older than version 22 wrote "shape {}" for a placeholder of unknown shape: the input must accept any rank.</summary>
    [TestMethod]
    public void OldGraphDefEmptyPlaceholderShapeMeansUnknown()
    {
        var def = new GraphDef { Producer = 21 };
        var x = new NodeDef("x", "Placeholder");
        x.Attr["dtype"] = DType.Float;
        x.Attr["shape"] = TensorShape.Scalar;
        def.Add(x);
        var relu = new NodeDef("y", "Relu");
        relu.Input.Add("x");
        relu.Attr["T"] = DType.Float;
        def.Add(relu);
        var path = tf.onnx.export(def, ["x"], ["y"], Path.Combine(TempDir(), "old.onnx"));
        Assert.IsNull(ReadModel(path).Graph.Input.Single().Type.TensorType.Shape, "no shape declared");
        using var ort = new InferenceSession(path);
        using var r = ort.Run([NamedOnnxValue.CreateFromTensor("x:0", new DenseTensor<float>(new float[] { -1, 2, -3, 4 }, [2, 2]))]);
        CollectionAssert.AreEqual(new float[] { 0, 2, 0, 4 }, r.Single().AsTensor<float>().ToArray());
    }

    [TestMethod]
    public void CliExportsMetaGraphWithCheckpoint()
    {
        var dir = TempDir();
        var g = new Graph();
        float[] input = [0.1f, 0.2f, -0.3f, 0.4f, 1f, -1f, 0.5f, 0f];
        float[] expected;
        using (g.as_default())
        {
            tf.set_random_seed(12);
            var x = tf.placeholder(tf.float32, new[] { -1, 4 }, name: "x");
            var y = tf.nn.relu(Dense(x, 5, "dense"), name: "y");
            var saver = tf.train.Saver();
            using var sess = tf.Session(g);
            sess.run(tf.global_variables_initializer());
            saver.save(sess, Path.Combine(dir, "model.ckpt"));
            expected = sess.run(y, (x, NumSharp.np.array(input).reshape(2, 4))).ToArray<float>();
        }
        var onnxPath = Path.Combine(dir, "m.onnx");
        var (rc, stdout, stderr) = Tool("export-onnx", Path.Combine(dir, "model.ckpt.meta"), "--checkpoint", Path.Combine(dir, "model.ckpt"),
            "--inputs", "x:0", "--outputs", "y:0", "--out", onnxPath, "--opset", "17");
        Assert.AreEqual(0, rc, stderr);
        StringAssert.Contains(stdout, "wrote");
        using var ort = new InferenceSession(onnxPath);
        using var r = ort.Run([NamedOnnxValue.CreateFromTensor("x:0", new DenseTensor<float>(input, [2, 4]))]);
        AssertClose(expected, r.Single().AsTensor<float>().ToArray(), "y:0 via the CLI");

        // Without the checkpoint the variables cannot be frozen: one line, exit code 1.
        var (rc2, _, err2) = Tool("export-onnx", Path.Combine(dir, "model.ckpt.meta"), "--inputs", "x:0", "--outputs", "y:0", "--out", onnxPath);
        Assert.AreEqual(1, rc2);
        StringAssert.Contains(err2, "variable");
        Assert.AreEqual(1, err2.Trim().Split('\n').Length, err2);
    }

    /// <summary>The CLI's build output for the same configuration and framework as these tests (…/bin/Debug/net10.0/).</summary>
    private static string ToolPath()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string framework = here.Name, configuration = here.Parent!.Name;
        for (var dir = here; dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GraphEngine.sln")))
            {
                var tool = Path.Combine(dir.FullName, "src", "Cli", "bin", configuration, framework, "GraphEngine.Cli.dll");
                if (File.Exists(tool)) return tool;
                Assert.Fail($"The CLI was not built at {tool}; the test project builds it first, so the build is broken.");
            }
        Assert.Inconclusive("Repository root (GraphEngine.sln) not found above the test binaries; the CLI could not be located.");
        return "";
    }

    private static (int rc, string stdout, string stderr) Tool(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(ToolPath());
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, o.Result, e);
    }
}
