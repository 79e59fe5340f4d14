using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Interop;

[TestClass]
public sealed class SavedModelBuilderTests
{
    private string _dir = "";

    [TestInitialize]
    public void Init() => _dir = Path.Combine(Path.GetTempPath(), "ge-savedmodel-" + Guid.NewGuid().ToString("N"));

    [TestCleanup]
    public void Cleanup()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    /// <summary>y = x·w + b with w = [[2],[3]], b = [1], built in its own graph.</summary>
    private static (GraphEngine.Graph G, GraphEngine.Session Sess, Tensor X, Tensor Y) Linear()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var x = tf.placeholder(tf.float32, new[] { -1, 2 }, name: "x");
        var w = tf.Variable(tf.constant(new float[,] { { 2 }, { 3 } }), name: "w");
        var b = tf.Variable(tf.constant(new float[] { 1 }), name: "b");
        var y = tf.add(tf.matmul(x, w), b, name: "y");
        var sess = tf.Session(g);
        sess.run(tf.global_variables_initializer());
        return (g, sess, x, y);
    }

    [TestMethod]
    public void Simple_save_then_load_serves_the_predict_signature()
    {
        var (g, sess, x, y) = Linear();
        using (sess)
        using (g.as_default())
            tf.saved_model.simple_save(sess, _dir, new Dictionary<string, Tensor> { ["x"] = x }, new Dictionary<string, Tensor> { ["y"] = y });

        Assert.IsTrue(File.Exists(Path.Combine(_dir, "saved_model.pb")));
        Assert.IsTrue(File.Exists(Path.Combine(_dir, "variables", "variables.index")));
        Assert.IsTrue(File.Exists(Path.Combine(_dir, "variables", "variables.data-00000-of-00001")));
        Assert.IsFalse(File.Exists(Path.Combine(_dir, "variables", "checkpoint")), "a SavedModel has no checkpoint state file");

        var g2 = new GraphEngine.Graph();
        using var sess2 = tf.Session(g2);
        var meta = tf.saved_model.loader.load(sess2, [tf.saved_model.tag_constants.SERVING], _dir);
        var sig = meta.SignatureDef["serving_default"];
        Assert.AreEqual("tensorflow/serving/predict", sig.MethodName);
        Assert.AreEqual("x:0", sig.Inputs["x"].Name);
        Assert.AreEqual(Ops.Proto.DataType.DtFloat, sig.Inputs["x"].Dtype);
        Assert.AreEqual(-1L, sig.Inputs["x"].TensorShape.Dim[0].Size);
        Assert.AreEqual("y:0", sig.Outputs["y"].Name);
        var result = sess2.run(sig.Outputs["y"].Name, (sig.Inputs["x"].Name, new float[,] { { 1, 1 }, { 2, 0 } }))!;
        CollectionAssert.AreEqual(new[] { 6f, 5f }, result.ToArray<float>());
    }

    [TestMethod]
    public void Builder_writes_two_tagged_meta_graphs_over_one_set_of_variables_and_runs_the_main_op()
    {
        var (g, sess, x, y) = Linear();
        using (sess)
        using (g.as_default())
        {
            var counter = tf.Variable(0f, name: "counter");
            sess.run(counter.initializer);
            var builder = tf.saved_model.builder.SavedModelBuilder(_dir);
            var sig = tf.saved_model.signature_def_utils.predict_signature_def(
                new Dictionary<string, Tensor> { ["in"] = x }, new Dictionary<string, Tensor> { ["out"] = y });
            builder.add_meta_graph_and_variables(sess, ["serve"], new Dictionary<string, Ops.Proto.SignatureDef> { ["predict"] = sig },
                main_op: counter.assign(41f).op);
            builder.add_meta_graph(["train", "serve"]);
            Assert.ThrowsExactly<FailedPreconditionException>(() => builder.add_meta_graph_and_variables(sess, ["other"]));
            Assert.ThrowsExactly<AlreadyExistsException>(() => builder.add_meta_graph(["serve"]));
            builder.save(as_text: true);
        }
        Assert.IsTrue(File.Exists(Path.Combine(_dir, "saved_model.pbtxt")));

        var g2 = new GraphEngine.Graph();
        using (var s2 = tf.Session(g2))
        {
            var meta = tf.saved_model.loader.load(s2, ["serve"], _dir);
            Assert.AreEqual(41f, s2.run("counter:0")!.GetSingle(), "the main op runs after the restore");
            CollectionAssert.AreEqual(new[] { 6f }, s2.run(meta.SignatureDef["predict"].Outputs["out"].Name, ("x:0", new float[,] { { 1, 1 } }))!.ToArray<float>());
        }
        var g3 = new GraphEngine.Graph();
        using (var s3 = tf.Session(g3))
        {
            var meta = tf.saved_model.loader.load(s3, ["serve", "train"], _dir);
            Assert.AreEqual(0, meta.SignatureDef.Count);
            CollectionAssert.AreEqual(new[] { 2f, 3f }, s3.run("w:0")!.ToArray<float>());
        }
    }

    [TestMethod]
    public void Builder_refuses_a_non_empty_directory_and_bad_calls()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "keep.txt"), "user data");
        var e = Assert.ThrowsExactly<AlreadyExistsException>(() => tf.saved_model.builder.SavedModelBuilder(_dir));
        StringAssert.Contains(e.Message, _dir);

        var fresh = Path.Combine(_dir, "fresh");
        var b = tf.saved_model.builder.SavedModelBuilder(fresh);
        Assert.ThrowsExactly<FailedPreconditionException>(() => b.add_meta_graph(["serve"]));
        Assert.ThrowsExactly<FailedPreconditionException>(() => b.save());
        Assert.IsFalse(Directory.Exists(fresh), "nothing is written before save");
    }

    [TestMethod]
    public void A_signature_naming_a_missing_tensor_is_rejected_when_added()
    {
        var (g, sess, x, _) = Linear();
        using (sess)
        using (g.as_default())
        {
            var sig = tf.saved_model.signature_def_utils.build_signature_def(
                new Dictionary<string, Ops.Proto.TensorInfo> { ["x"] = tf.saved_model.utils.build_tensor_info(x) },
                new Dictionary<string, Ops.Proto.TensorInfo> { ["y"] = new() { Name = "nope:0" } }, "tensorflow/serving/predict");
            var b = tf.saved_model.builder.SavedModelBuilder(_dir);
            var e = Assert.ThrowsExactly<InvalidArgumentException>(() =>
                b.add_meta_graph_and_variables(sess, ["serve"], new Dictionary<string, Ops.Proto.SignatureDef> { ["s"] = sig }));
            StringAssert.Contains(e.Message, "nope:0");
        }
    }
}
