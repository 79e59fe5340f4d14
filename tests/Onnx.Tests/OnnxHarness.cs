using GraphEngine.Ops.Core;
using GraphEngine.Ops.Proto.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NumSharp;

namespace GraphEngine.Onnx.Tests;

/// <summary>One graph input: its placeholder and how to draw random values for it (floats, or int indices below a bound).</summary>
internal sealed record InputSpec(Tensor Tensor, int IndexBound = 0);

/// <summary>
/// Exports a graph built in a fresh Session with random variables, then runs the ONNX model in
/// ONNX Runtime and the graph in our Session on the same random inputs at several batch sizes,
/// and checks that every output agrees.
/// </summary>
internal static class OnnxHarness
{
    public const double RelativeTolerance = 1e-5;

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ge-onnx-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Builds, initialises, exports, compares; returns the model path (in a temp folder) for further checks.</summary>
    public static string ExportAndCompare(Func<(InputSpec[] Inputs, Tensor[] Outputs)> build, int seed, int opset = 17, int[]? batches = null)
    {
        var g = new Graph();
        using var _ = g.as_default();
        tf.set_random_seed(seed);
        var (inputs, outputs) = build();
        using var sess = tf.Session(g);
        sess.run(tf.global_variables_initializer());
        var path = Path.Combine(TempDir(), "model.onnx");
        tf.onnx.export(sess, inputs.Select(i => i.Tensor.name), outputs.Select(o => o.name), path, opset: opset);

        AssertWellFormed(ReadModel(path));
        using var ort = new InferenceSession(path);
        var random = new Random(seed);
        foreach (var batch in batches ?? [1, 7])
        {
            var feeds = new List<(Tensor, object)>();
            var ortInputs = new List<NamedOnnxValue>();
            foreach (var spec in inputs)
            {
                var dims = spec.Tensor.shape.Dims.ToArray().Select(d => d < 0 ? batch : (int)d).ToArray();
                int count = dims.Aggregate(1, (a, b) => a * b);
                if (spec.IndexBound > 0)
                {
                    var data = Enumerable.Range(0, count).Select(_ => random.Next(spec.IndexBound)).ToArray();
                    feeds.Add((spec.Tensor, np.array(data).reshape(dims)));
                    ortInputs.Add(NamedOnnxValue.CreateFromTensor(spec.Tensor.name, new DenseTensor<int>(data, dims)));
                }
                else
                {
                    var data = Enumerable.Range(0, count).Select(_ => (float)Normal(random)).ToArray();
                    feeds.Add((spec.Tensor, np.array(data).reshape(dims)));
                    ortInputs.Add(NamedOnnxValue.CreateFromTensor(spec.Tensor.name, new DenseTensor<float>(data, dims)));
                }
            }
            var ours = sess.run(outputs, feeds.ToArray());
            using var theirs = ort.Run(ortInputs, outputs.Select(o => o.name).ToArray());
            for (int i = 0; i < outputs.Length; i++)
            {
                var result = theirs.Single(r => r.Name == outputs[i].name);
                var ortTensor = result.AsTensor<float>();
                CollectionAssert.AreEqual(ours[i].shape.Select(d => (int)d).ToArray(), ortTensor.Dimensions.ToArray(),
                    $"shape of {outputs[i].name} at batch {batch}");
                AssertClose(ours[i].ToArray<float>(), ortTensor.ToArray(), $"{outputs[i].name} at batch {batch}");
            }
        }
        return path;
    }

    /// <summary>
    /// Elementwise |a − b| ≤ 1e-5 · max(|a|, floor), where the floor (a tenth of the tensor's largest
    /// |a|) keeps values that cancel to near zero in long float32 sums (3,136-term dense layers,
    /// 800-term convolutions, summed in another order by ONNX Runtime) from demanding more than
    /// float32 gives.
    /// </summary>
    public static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.AreEqual(expected.Length, actual.Length, $"element count of {what}");
        Assert.IsTrue(expected.Length > 0, $"{what} is empty");
        double scale = expected.Max(v => Math.Abs((double)v));
        double floor = Math.Max(0.1 * scale, 1e-30);
        double worst = 0;
        int worstAt = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.IsTrue(double.IsFinite(expected[i]) && double.IsFinite(actual[i]), $"{what}[{i}]: non-finite {expected[i]} vs {actual[i]}");
            double err = Math.Abs((double)expected[i] - actual[i]) / Math.Max(Math.Abs((double)expected[i]), floor);
            if (err > worst) { worst = err; worstAt = i; }
        }
        Console.WriteLine($"{what}: worst relative error {worst:E2} over {expected.Length} values (floor {floor:G3})");
        Assert.IsTrue(worst <= RelativeTolerance,
            $"{what}: relative error {worst:E2} at [{worstAt}] (ours {expected[worstAt]}, ONNX Runtime {actual[worstAt]}) exceeds {RelativeTolerance:E0}");
    }

    private static double Normal(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    public static ModelProto ReadModel(string path) => ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));

    private static readonly Dictionary<int, int> ElementBytes = new() { [1] = 4, [2] = 1, [3] = 1, [5] = 2, [6] = 4, [7] = 8, [9] = 1, [11] = 8 };

    /// <summary>
    /// The structural rules onnx.checker enforces that ONNX Runtime might forgive: the default opset
    /// imported, values defined once (SSA) and before use in node order, node names unique, every
    /// attribute typed, initializer bytes matching their dims.
    /// </summary>
    public static void AssertWellFormed(ModelProto model)
    {
        Assert.IsTrue(model.IrVersion >= 7, "ir_version");
        Assert.IsTrue(model.OpsetImport.Any(o => o.Domain == "" && o.Version >= 13), "default-domain opset import");
        var defined = new HashSet<string>(StringComparer.Ordinal);
        foreach (var i in model.Graph.Input)
        {
            Assert.IsTrue(defined.Add(i.Name), $"input {i.Name} defined twice");
            Assert.AreNotEqual(0, i.Type.TensorType.ElemType, $"input {i.Name} has no element type");
        }
        foreach (var t in model.Graph.Initializer)
        {
            Assert.IsTrue(defined.Add(t.Name), $"initializer {t.Name} defined twice");
            if (ElementBytes.TryGetValue(t.DataType, out var size))
                Assert.AreEqual(t.Dims.Aggregate(1L, (a, b) => a * b) * size, t.RawData.Length, $"bytes of initializer {t.Name}");
        }
        var nodeNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in model.Graph.Node)
        {
            Assert.IsFalse(string.IsNullOrEmpty(n.OpType), "node without op_type");
            Assert.IsTrue(nodeNames.Add(n.Name), $"node name {n.Name} repeated");
            foreach (var input in n.Input)
                Assert.IsTrue(input == "" || defined.Contains(input), $"{n.OpType} node {n.Name} reads {input} before it is defined");
            foreach (var output in n.Output)
                Assert.IsTrue(defined.Add(output), $"{output} is produced twice");
            foreach (var a in n.Attribute)
                Assert.AreNotEqual(AttributeProto.Types.AttributeType.Undefined, a.Type, $"attribute {a.Name} of {n.Name} has no type");
        }
        foreach (var o in model.Graph.Output)
        {
            Assert.IsTrue(defined.Contains(o.Name), $"output {o.Name} is never produced");
            Assert.AreNotEqual(0, o.Type.TensorType.ElemType, $"output {o.Name} has no element type");
        }
    }

    /// <summary>A dense layer with random (not zero) bias, as the examples build them.</summary>
    public static Tensor Dense(Tensor input, int units, string name, Func<Tensor, Tensor>? activation = null)
    {
        using var scope = tf.name_scope(name);
        int fanIn = (int)input.shape[1];
        var w = tf.Variable(tf.truncated_normal(new[] { fanIn, units }, stddev: Math.Sqrt(2.0 / fanIn)), name: "kernel");
        var b = tf.Variable(tf.random_normal(new[] { units }, stddev: 0.1), name: "bias");
        var z = tf.matmul(input, w) + b;
        return activation == null ? z : activation(z);
    }

    public static Variable ConvFilter(int kh, int kw, int cin, int cout, string name) =>
        tf.Variable(tf.truncated_normal(new[] { kh, kw, cin, cout }, stddev: Math.Sqrt(2.0 / (kh * kw * cin))), name: name);

    public static Variable Vector(int n, double mean, double stddev, string name) =>
        tf.Variable(tf.random_normal(new[] { n }, mean: mean, stddev: stddev), name: name);
}
