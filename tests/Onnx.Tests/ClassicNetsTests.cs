using static GraphEngine.Onnx.Tests.OnnxHarness;

namespace GraphEngine.Onnx.Tests;

/// <summary>
/// The MNIST MLP and CNN and the classic TF1 networks, exported with random weights and run in
/// ONNX Runtime and in our Session on the same random inputs at batch 1 and 7 (the batch
/// dimension stays dynamic in the model): every output agrees within 1e-5 relative.
/// </summary>
[TestClass]
public sealed class ClassicNetsTests
{
    /// <summary>The MNIST example's 784-512-256-10 ReLU MLP with softmax (logits checked too: softmax hides errors).</summary>
    private static (InputSpec[], Tensor[]) MnistMlp()
    {
        var x = tf.placeholder(tf.float32, new[] { -1, 784 }, name: "x");
        var h1 = Dense(x, 512, "dense", t => tf.nn.relu(t));
        var h2 = Dense(h1, 256, "dense_1", t => tf.nn.relu(t));
        var logits = Dense(h2, 10, "dense_2");
        return ([new(x)], [logits, tf.nn.softmax(logits, name: "probs")]);
    }

    /// <summary>TF1's "Deep MNIST for experts" LeNet, NHWC: conv5x5x32 SAME, pool 2, conv5x5x64, pool 2, dense 1024, dense 10, softmax.</summary>
    private static (InputSpec[], Tensor[]) LeNet()
    {
        var x = tf.placeholder(tf.float32, new[] { -1, 784 }, name: "x");
        var image = tf.reshape(x, new[] { -1, 28, 28, 1 });
        var w1 = ConvFilter(5, 5, 1, 32, "conv1/W");
        var b1 = Vector(32, 0.1, 0.05, "conv1/b");
        var h1 = tf.nn.relu(tf.nn.conv2d(image, w1, [1, 1, 1, 1], "SAME") + b1);
        var p1 = tf.nn.max_pool(h1, [1, 2, 2, 1], [1, 2, 2, 1], "SAME");
        var w2 = ConvFilter(5, 5, 32, 64, "conv2/W");
        var b2 = Vector(64, 0.1, 0.05, "conv2/b");
        var h2 = tf.nn.relu(tf.nn.conv2d(p1, w2, [1, 1, 1, 1], "SAME") + b2);
        var p2 = tf.nn.max_pool(h2, [1, 2, 2, 1], [1, 2, 2, 1], "SAME");
        var flat = tf.reshape(p2, new[] { -1, 7 * 7 * 64 });
        var fc1 = Dense(flat, 1024, "fc1", t => tf.nn.relu(t));
        var logits = Dense(fc1, 10, "fc2");
        return ([new(x)], [logits, tf.nn.softmax(logits, name: "probs")]);
    }

    [TestMethod]
    public void MnistMlpAgrees()
    {
        var model = ReadModel(ExportAndCompare(MnistMlp, seed: 1));
        // Each MatMul + bias became one Gemm; the frozen kernels and biases are initializers.
        Assert.AreEqual(3, model.Graph.Node.Count(n => n.OpType == "Gemm"));
        Assert.AreEqual(0, model.Graph.Node.Count(n => n.OpType is "MatMul" or "Add"));
        Assert.AreEqual(6, model.Graph.Initializer.Count);
    }

    [TestMethod]
    public void LeNetCnnAgrees()
    {
        var path = ExportAndCompare(LeNet, seed: 2);
        // NHWC→NCHW once at the input and NCHW→NHWC once before the flatten: conv/relu/pool chains carry no transposes.
        Assert.AreEqual(2, ReadModel(path).Graph.Node.Count(n => n.OpType == "Transpose"));
    }

    [TestMethod]
    public void TwoLayerFullyConnectedNetAgrees() => ExportAndCompare(() =>
    {
        var x = tf.placeholder(tf.float32, new[] { -1, 20 }, name: "features");
        var w1 = tf.Variable(tf.random_normal(new[] { 20, 32 }, stddev: 0.3), name: "hidden/weights");
        var b1 = Vector(32, 0, 0.1, "hidden/biases");
        var hidden = tf.tanh(tf.nn.bias_add(tf.matmul(x, w1), b1));
        // Weights stored [out, in] and used with transpose_b, as some TF1 code does: Gemm(transB=1).
        var w2 = tf.Variable(tf.random_normal(new[] { 5, 32 }, stddev: 0.3), name: "out/weights");
        var b2 = Vector(5, 0, 0.1, "out/biases");
        var y = tf.sigmoid(tf.matmul(hidden, w2, transpose_b: true) + b2, name: "y");
        return ([new(x)], [y]);
    }, seed: 3);

    /// <summary>Three conv layers with BiasAdd and inference-mode FusedBatchNorm, relu/relu6, avg and max pools, global average.</summary>
    private static (InputSpec[], Tensor[]) ThreeLayerConvNet()
    {
        var x = tf.placeholder(tf.float32, new[] { -1, 12, 12, 3 }, name: "images");
        Tensor Block(Tensor input, int k, int cin, int cout, int stride, string padding, string name, Func<Tensor, Tensor> act)
        {
            using var scope = tf.name_scope(name);
            var conv = tf.nn.bias_add(tf.nn.conv2d(input, ConvFilter(k, k, cin, cout, "W"), [1, stride, stride, 1], padding), Vector(cout, 0, 0.1, "b"));
            var (bn, _, _) = tf.nn.fused_batch_norm(conv, Vector(cout, 1, 0.2, "gamma"), Vector(cout, 0, 0.2, "beta"),
                mean: Vector(cout, 0, 0.3, "moving_mean"), variance: tf.Variable(tf.random_uniform(new[] { cout }, 0.5, 1.5), name: "moving_variance"),
                epsilon: 1e-3f, is_training: false);
            return act(bn);
        }
        var h1 = Block(x, 3, 3, 8, 1, "VALID", "conv1", t => tf.nn.relu(t));                    // 10x10x8
        var p1 = tf.nn.avg_pool(h1, [1, 3, 3, 1], [1, 2, 2, 1], "SAME");                 // 5x5x8, SAME edges average fewer cells
        var h2 = Block(p1, 3, 8, 16, 2, "SAME", "conv2", t => tf.nn.relu6(t));           // 3x3x16
        var h3 = Block(h2, 1, 16, 4, 1, "SAME", "conv3", t => tf.nn.relu(t));                    // 3x3x4
        var p3 = tf.nn.max_pool(h3, [1, 2, 2, 1], [1, 1, 1, 1], "VALID");                // 2x2x4
        var logits = tf.reduce_mean(p3, new[] { 1, 2 }, name: "logits");
        return ([new(x)], [logits, tf.nn.log_softmax(logits, name: "log_probs"), tf.identity(h2, name: "features")]);
    }

    [TestMethod]
    public void ThreeLayerConvNetWithBiasAddAndBatchNormAgrees()
    {
        var model = ReadModel(ExportAndCompare(ThreeLayerConvNet, seed: 4));
        // One transpose into NCHW, one back for the "features" output; the global mean reduces in NCHW.
        Assert.AreEqual(2, model.Graph.Node.Count(n => n.OpType == "Transpose"));
        Assert.AreEqual(3, model.Graph.Node.Count(n => n.OpType == "BatchNormalization"));
    }

    /// <summary>Concat, reshape, transpose, reductions, gather (constant and fed indices), stack/unstack, expand/squeeze, cast.</summary>
    private static (InputSpec[], Tensor[]) ArrayNet()
    {
        var x = tf.placeholder(tf.float32, new[] { -1, 6, 4 }, name: "seq");
        var ids = tf.placeholder(tf.int32, new[] { -1, 3 }, name: "ids");
        var table = tf.Variable(tf.random_normal(new[] { 11, 4 }), name: "embedding");
        var embedded = tf.gather(table, ids);                                            // [N,3,4]
        var both = tf.concat(new[] { tf.tanh(x), tf.sigmoid(x), embedded }, axis: 1);   // [N,12,4]
        var t = tf.transpose(both, new[] { 0, 2, 1 });                                   // [N,4,12]
        var picked = tf.gather(t, tf.constant(new[] { 11, 0, 5 }), axis: 2);            // [N,4,3]
        var flat = tf.reshape(picked, new[] { -1, 12 });
        var mean = tf.reduce_mean(x, 1);                                                 // [N,4]
        var sum = tf.reduce_sum(x, new[] { 1, 2 }, keepdims: true);                      // [N,1,1]
        var peak = tf.reduce_max(x, 2);                                                  // [N,6]
        var parts = tf.unstack(mean, num: 4, axis: 1);
        var restacked = tf.stack(new[] { parts[3], parts[0] }, axis: 1);                 // [N,2]
        var features = tf.concat(new[] { flat, mean, restacked, tf.squeeze(sum, new[] { 2 }), peak }, axis: 1);   // [N,25]
        var y = Dense(features, 3, "head");
        var scaled = tf.expand_dims(y, 1) * tf.cast(tf.constant(2), tf.float32);        // [N,1,3]
        return ([new(x), new(ids, IndexBound: 11)], [tf.identity(scaled, name: "out")]);
    }

    [TestMethod]
    public void ConcatReshapeTransposeReduceGatherNetAgrees() => ExportAndCompare(ArrayNet, seed: 5);

    [TestMethod]
    [DataRow(13)]
    [DataRow(18)]
    [DataRow(21)]
    public void ReductionsAndSqueezeAgreeAcrossOpsets(int opset) => ExportAndCompare(ArrayNet, seed: 6, opset: opset, batches: [3]);

    [TestMethod]
    public void DepthwiseConvAgrees() => ExportAndCompare(() =>
    {
        var x = tf.placeholder(tf.float32, new[] { -1, 7, 7, 3 }, name: "x");
        var w = tf.Variable(tf.random_normal(new[] { 3, 3, 3, 2 }, stddev: 0.3), name: "dw");
        var y = tf.nn.depthwise_conv2d(x, w, [1, 2, 2, 1], "SAME");
        return ([new(x)], [tf.nn.leaky_relu(y, 0.1f)]);
    }, seed: 7);

    /// <summary>The elementwise and shape ops the nets above do not use, side by side in one output.</summary>
    [TestMethod]
    public void ElementwiseComparisonAndShapeOpsAgree()
    {
        var path = ExportAndCompare(MiscOps, seed: 8);
        // The batch is dynamic, so the shape-dependent parts stay computed in the model, not folded.
        var ops = ReadModel(path).Graph.Node.Select(n => n.OpType).ToHashSet();
        foreach (var op in new[] { "Shape", "ConstantOfShape", "Size", "ReduceProd", "ArgMax", "ArgMin", "Where", "Expand", "Tile", "Clip", "Erf", "Softplus" })
            Assert.IsTrue(ops.Contains(op), $"{op} missing from the exported model");
    }

    private static (InputSpec[], Tensor[]) MiscOps()
    {
        var x = tf.placeholder(tf.float32, new[] { -1, 5 }, name: "x");
        var positive = tf.abs(x) + 1;
        var unary = new[]
        {
            tf.maximum(x, 0.1f), tf.minimum(x, 0.5f), tf.pow(positive, 1.5f), tf.squared_difference(x, 0.3f), tf.rsqrt(positive),
            tf.add_n(new[] { x, positive, tf.negative(x) }), tf.clip_by_value(x, -0.5f, 0.5f), tf.floordiv(x, 0.7f),
            tf.exp(tf.sin(x)), tf.log(positive), tf.sqrt(positive), tf.cos(x), tf.erf(x), tf.floor(x), tf.ceil(x), tf.round(x * 3),
            tf.sign(x), tf.reciprocal(positive), tf.nn.elu(x), tf.nn.softplus(x), tf.nn.relu6(x * 4),
            tf.where_v2(tf.logical_and(tf.greater(x, 0f), tf.not_equal(x, 1f)), x, -x),
            tf.cast(tf.logical_or(tf.less(x, -1f), tf.logical_not(tf.less_equal(x, 1f))), tf.float32),
            tf.zeros_like(x) + tf.ones_like(x) * tf.fill(tf.shape(x), 2f),
            x * tf.cast(tf.size(x), tf.float32) / tf.cast(tf.reduce_prod(tf.shape(x)), tf.float32),
            tf.broadcast_to(tf.reduce_min(x, 1, keepdims: true), tf.shape(x)),
        };
        var argmax = tf.cast(tf.expand_dims(tf.argmax(x, 1) - tf.cast(tf.argmin(x, 1, output_type: tf.int32), tf.int64), 1), tf.float32);
        var tiled = tf.tile(x, new[] { 1, 2 });
        return ([new(x)], [tf.concat(unary.Append(argmax).Append(tiled).ToArray(), axis: 1, name: "all")]);
    }

    /// <summary>Two conv branches joined on the channel axis, then a 1x1 conv: the join happens in NCHW too.</summary>
    [TestMethod]
    public void InceptionStyleBranchesConcatInNchw()
    {
        var path = ExportAndCompare(() =>
        {
            var x = tf.placeholder(tf.float32, new[] { -1, 8, 8, 3 }, name: "x");
            var a = tf.nn.relu(tf.nn.conv2d(x, ConvFilter(1, 1, 3, 4, "a/W"), [1, 1, 1, 1], "SAME"));
            var b = tf.nn.relu(tf.nn.conv2d(x, ConvFilter(3, 3, 3, 2, "b/W"), [1, 1, 1, 1], "SAME"));
            var pooled = tf.nn.max_pool(x, [1, 3, 3, 1], [1, 1, 1, 1], "SAME");
            var joined = tf.concat(new[] { a, b, pooled }, axis: 3);                        // [N,8,8,9]
            var y = tf.nn.conv2d(joined, ConvFilter(1, 1, 9, 5, "mix/W"), [1, 2, 2, 1], "VALID");
            return ([new(x)], [tf.identity(y, name: "y")]);
        }, seed: 9);
        Assert.AreEqual(2, ReadModel(path).Graph.Node.Count(n => n.OpType == "Transpose"));
    }
}
