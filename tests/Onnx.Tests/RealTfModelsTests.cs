using GraphEngine.Runtime.Io;
using GraphEngine.TestKit;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static GraphEngine.Onnx.Tests.OnnxHarness;

namespace GraphEngine.Onnx.Tests;

/// <summary>Models written by real TensorFlow (shared/tfdata), exported and run in ONNX Runtime.</summary>
[TestClass]
public sealed class RealTfModelsTests
{
    private static float[] Pixels(int batch, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, batch * 784).Select(_ => (float)r.NextDouble()).ToArray();
    }

    /// <summary>TF 1.3's MNIST softmax regression: a .meta with training ops and a checkpoint; checked against softmax(xW + b) in double.</summary>
    [TestMethod]
    public void Tf13MnistSoftmaxFromMetaGraphAndCheckpoint()
    {
        var meta = TfData.Path("mnist-softmax-tf1.3", "model.ckpt.meta");
        var prefix = Path.Combine(Path.GetDirectoryName(meta)!, "model.ckpt");
        var path = tf.onnx.export(tf.onnx.read_model(meta), ["Placeholder:0"], ["Softmax:0"], Path.Combine(TempDir(), "softmax.onnx"), checkpoint: prefix);
        AssertWellFormed(ReadModel(path));

        var reader = CheckpointReader.Open(prefix);
        var w = reader.get_tensor("Variable").ToArray<float>();
        var b = reader.get_tensor("Variable_1").ToArray<float>();
        const int batch = 3;
        var x = Pixels(batch, 21);
        var expected = new float[batch * 10];
        for (int n = 0; n < batch; n++)
        {
            var logits = new double[10];
            for (int j = 0; j < 10; j++)
            {
                double z = b[j];
                for (int i = 0; i < 784; i++) z += (double)x[n * 784 + i] * w[i * 10 + j];
                logits[j] = z;
            }
            double max = logits.Max(), sum = logits.Sum(z => Math.Exp(z - max));
            for (int j = 0; j < 10; j++) expected[n * 10 + j] = (float)(Math.Exp(logits[j] - max) / sum);
        }
        using var ort = new InferenceSession(path);
        using var r = ort.Run([NamedOnnxValue.CreateFromTensor("Placeholder:0", new DenseTensor<float>(x, [batch, 784]))]);
        AssertClose(expected, r.Single().AsTensor<float>().ToArray(), "Softmax:0");
    }

    /// <summary>A frozen Keras MLP (TF 2.3 GraphDef, weights in Const tensor_content): ONNX Runtime against our Session.</summary>
    [TestMethod]
    public void FrozenKerasMlpGraphDef()
    {
        var def = tf.onnx.read_model(TfData.Path("frozen-keras-mlp-mnist-tf2.3", "mnist.pb"));
        var path = tf.onnx.export(def, ["Input:0"], ["Identity:0"], Path.Combine(TempDir(), "keras.onnx"));
        AssertWellFormed(ReadModel(path));
        Assert.AreEqual(2, ReadModel(path).Graph.Node.Count(n => n.OpType == "Gemm"), "MatMul + BiasAdd fused");

        const int batch = 5;
        var x = Pixels(batch, 22);
        var g = new Graph();
        float[] ours;
        using (g.as_default())
        {
            tf.import_graph_def(def, name: "");
            using var sess = tf.Session(g);
            ours = sess.run("Identity:0", ("Input:0", NumSharp.np.array(x).reshape(batch, 28, 28)))!.ToArray<float>();
        }
        using var ort = new InferenceSession(path);
        using var r = ort.Run([NamedOnnxValue.CreateFromTensor("Input:0", new DenseTensor<float>(x, [batch, 28, 28]))]);
        AssertClose(ours, r.Single().AsTensor<float>().ToArray(), "Identity:0");
    }

    /// <summary>The checkpoint of another model: a missing variable is NotFound, one of another shape is InvalidArgument.</summary>
    [TestMethod]
    public void CheckpointOfAnotherModelIsATypedErrorNamingTheVariable()
    {
        var graph = tf.onnx.read_model(TfData.Path("mnist-softmax-tf1.3", "model.ckpt.meta"));
        var tf2Keys = Path.Combine(TfData.Path("iris-keras-2shards-tf2"), "model.ckpt");
        var otherShapes = Path.Combine(TfData.Path("houseprices-dnn-adam-tf1.10"), "model.ckpt");
        var missing = Assert.ThrowsExactly<Ops.Core.NotFoundException>(() =>
            tf.onnx.export(graph, ["Placeholder:0"], ["Softmax:0"], Path.Combine(TempDir(), "m.onnx"), checkpoint: tf2Keys));
        StringAssert.Contains(missing.Message, "variable 'Variable");
        var mismatch = Assert.ThrowsExactly<Ops.Core.InvalidArgumentException>(() =>
            tf.onnx.export(graph, ["Placeholder:0"], ["Softmax:0"], Path.Combine(TempDir(), "m.onnx"), checkpoint: otherShapes));
        StringAssert.Contains(mismatch.Message, "variable 'Variable");
        StringAssert.Contains(mismatch.Message, "[784,10]");
    }
}
