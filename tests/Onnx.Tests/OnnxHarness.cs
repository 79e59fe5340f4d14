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
