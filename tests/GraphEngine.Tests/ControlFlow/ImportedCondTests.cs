using GraphEngine.Ops.Proto;
using GraphEngine.TestKit;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NumSharp;

namespace GraphEngine.Tests.ControlFlow;

/// <summary>
/// houseprices-dnn-adam-tf1.10: TF 1.10 wrote four tf.layers.dropout(training=flag) layers as conds
/// (dropout*/cond/Switch, switch_t, pred_id, …/Merge) and their gradients (Merge_grad/cond_grad …).
/// The imported graph must run inference with the flag off, dropout with it on, and a training step.
/// </summary>
[TestClass]
public sealed class ImportedCondTests
{
    private static readonly float[,] Features =
    {
        { 0.2f, -0.5f, 1.0f, 0.3f, -1.2f, 0.7f, 0.0f, 0.4f },
        { -0.3f, 0.8f, -0.1f, 1.5f, 0.2f, -0.6f, 0.9f, -1.0f },
        { 1.1f, 0.1f, 0.5f, -0.4f, 0.6f, 0.3f, -0.8f, 0.2f },
    };

    private static string Prefix => Path.Combine(TfData.Path("houseprices-dnn-adam-tf1.10"), "model.ckpt");

    /// <summary>The network with dropout off, in float64 from the checkpoint's weights: 4 tanh layers and a linear output.</summary>
    private static double[] Reference()
    {
        var h = Enumerable.Range(0, Features.GetLength(0)).Select(r => Enumerable.Range(0, 8).Select(c => (double)Features[r, c]).ToArray()).ToArray();
        for (int layer = 0; layer < 5; layer++)
        {
            var w = tf.train.load_variable(Prefix, layer == 0 ? "Variable" : $"Variable_{2 * layer}");
            var b = tf.train.load_variable(Prefix, $"Variable_{2 * layer + 1}").ToArray<float>();
            var wv = w.ToArray<float>();
            int inDim = (int)w.shape[0], outDim = (int)w.shape[1];
            h = h.Select(row => Enumerable.Range(0, outDim).Select(o =>
            {
                double s = b[o];
                for (int i = 0; i < inDim; i++) s += row[i] * wv[i * outDim + o];
                return layer < 4 ? Math.Tanh(s) : s;
            }).ToArray()).ToArray();
        }
        return h.Select(r => r[0]).ToArray();
    }

    [TestMethod]
    public void Dropout_conds_run_off_and_on_and_only_the_taken_branch_executes()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var saver = tf.train.import_meta_graph(Path.Combine(TfData.Path("houseprices-dnn-adam-tf1.10"), "model.ckpt.meta"));
        Assert.IsTrue(g.get_operations().Count(o => o.type == "Switch") >= 8, "the graph holds TF's cond Switches");
        using var sess = tf.Session(g);
        saver.restore(sess, Prefix);
        var flag = g.get_tensor_by_name("Placeholder:0");
        var x = g.get_tensor_by_name("Placeholder_1:0");
        var y = g.get_tensor_by_name("Squeeze:0");

        var md = tf.RunMetadata();
        NDArray off = sess.run(y, new FeedDict { [flag] = false, [x] = Features }, tf.RunOptions(trace_level: RunOptions.Types.TraceLevel.FullTrace), md);
        var expected = Reference();
        var got = off.ToArray<float>();
        Assert.AreEqual(expected.Length, got.Length);
        for (int i = 0; i < got.Length; i++) Assert.AreEqual(expected[i], got[i], 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"row {i}");
        var ran = md.StepStats.DevStats[0].NodeStats.Select(n => n.NodeName).ToHashSet();
        Assert.IsTrue(ran.Contains("dropout/cond/Merge") && ran.Contains("dropout/cond/Identity"), "the false branch ran");
        // Only the Switches that decide run; nothing behind them in the untaken branch does.
        var untaken = ran.Where(n => n.Contains("/cond/dropout/") && !n.EndsWith("/Switch", StringComparison.Ordinal)).ToList();
        Assert.AreEqual(0, untaken.Count, "nodes of the untaken dropout branch ran: " + string.Join(", ", untaken));
        Assert.IsTrue(ran.Contains("dropout/cond/dropout/Shape/Switch"));

        var md2 = tf.RunMetadata();
        NDArray on = sess.run(y, new FeedDict { [flag] = true, [x] = Features }, tf.RunOptions(trace_level: RunOptions.Types.TraceLevel.FullTrace), md2);
        CollectionAssert.AreNotEqual(got, on.ToArray<float>(), "dropout changes the output when training");
        var ranOn = md2.StepStats.DevStats[0].NodeStats.Select(n => n.NodeName).ToHashSet();
        Assert.IsTrue(ranOn.Contains("dropout/cond/dropout/random_uniform/RandomUniform"));
        Assert.IsFalse(ranOn.Contains("dropout/cond/Identity"));
        // Inference is deterministic again afterwards.
        CollectionAssert.AreEqual(got, sess.run(y, new FeedDict { [flag] = false, [x] = Features }).ToArray<float>());
    }

    [TestMethod]
    public void The_tf_written_gradients_through_the_conds_train_with_either_flag()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var saver = tf.train.import_meta_graph(Path.Combine(TfData.Path("houseprices-dnn-adam-tf1.10"), "model.ckpt.meta"));
        using var sess = tf.Session(g);
        saver.restore(sess, Prefix);
        var train = (Operation)tf.get_collection(tf.GraphKeys.TRAIN_OP)[0];
        var flag = g.get_tensor_by_name("Placeholder:0");
        var x = g.get_tensor_by_name("Placeholder_1:0");
        var target = g.get_tensor_by_name("Placeholder_2:0");
        var loss = g.get_tensor_by_name("L2Loss:0");
        var w = g.get_tensor_by_name("Variable:0");
        var feed = new FeedDict { [flag] = false, [x] = Features, [target] = new[] { 1f, 2f, 3f } };
        var before = sess.run(w).ToArray<float>();
        float l0 = sess.run(loss, feed).GetSingle();
        for (int i = 0; i < 5; i++) sess.run(train, feed);
        var after = sess.run(w).ToArray<float>();
        CollectionAssert.AreNotEqual(before, after, "Adam updated the first layer through the dropout conds' gradients");
        Assert.IsLessThan(l0, sess.run(loss, feed).GetSingle(), "five Adam steps with dropout off reduce the loss");
        feed[flag] = true;
        sess.run(train, feed);
        Assert.IsTrue(sess.run(w).ToArray<float>().All(float.IsFinite));
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void Our_gradients_through_imported_conds_match_the_ones_tf_wrote(bool training)
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var saver = tf.train.import_meta_graph(Path.Combine(TfData.Path("houseprices-dnn-adam-tf1.10"), "model.ckpt.meta"));
        using var sess = tf.Session(g);
        saver.restore(sess, Prefix);
        var loss = g.get_tensor_by_name("L2Loss:0");
        var ours = tf.gradients(loss, new object[] { g.get_tensor_by_name("Variable/read:0"), g.get_tensor_by_name("Variable_6/read:0") });
        // The cond contexts came back from the meta graph's cond_context collection, so Merge's gradient is TF's
        // cond form: a Switch on the cond's pred_id (not the generic value_index comparison).
        var mergeGrad = g.get_operation_by_name("gradients_1/dropout/cond/Merge_grad/cond_grad");
        Assert.AreEqual("Switch", mergeGrad.type);
        Assert.AreEqual("dropout/cond/pred_id:0", mergeGrad.inputs[1].name);
        Assert.AreEqual("Merge", g.get_operation_by_name("gradients_1/dropout/cond/Identity/Switch_grad/cond_grad").type);
        var theirs = new[] { g.get_tensor_by_name("gradients/MatMul_grad/tuple/control_dependency_1:0"), g.get_tensor_by_name("gradients/MatMul_3_grad/tuple/control_dependency_1:0") };
        var feed = new FeedDict
        {
            [g.get_tensor_by_name("Placeholder:0")] = training, [g.get_tensor_by_name("Placeholder_1:0")] = Features,
            [g.get_tensor_by_name("Placeholder_2:0")] = new[] { 1f, 2f, 3f },
        };
        // One run, so both gradients see the same dropout masks when training.
        var r = sess.run(new[] { ours[0]!, ours[1]!, theirs[0], theirs[1] }, feed);
        for (int k = 0; k < 2; k++)
        {
            var a = r[k].ToArray<float>();
            var b = r[k + 2].ToArray<float>();
            Assert.AreEqual(b.Length, a.Length);
            Assert.IsTrue(b.Any(v => v != 0), "the reference gradient is not trivially zero");
            for (int i = 0; i < a.Length; i++) Assert.AreEqual(b[i], a[i], 1e-4 * Math.Max(1, Math.Abs(b[i])), $"gradient {k}, element {i}");
        }
    }
}
