using GraphEngine.Ops.Core;
using GraphEngine.TestKit;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Interop;

[TestClass]
public sealed class SavedModelTests
{
    [TestMethod]
    public void Half_plus_two_serves_through_its_default_signature()
    {
        var dir = TfData.Path("tf-serving-savedmodels", "half_plus_two_tf1.14", "00000123");
        var g = new GraphEngine.Graph();
        using var sess = tf.Session(g);
        var meta = tf.saved_model.loader.load(sess, [tf.saved_model.tag_constants.SERVING], dir);
        var sig = meta.SignatureDef[tf.saved_model.signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY];
        var x = new float[,] { { 1 }, { 2 }, { 5 } };
        var y = sess.run(sig.Outputs["y"].Name, (sig.Inputs["x"].Name, x))!;
        CollectionAssert.AreEqual(new[] { 2.5f, 3.0f, 4.5f }, y.ToArray<float>());
        CollectionAssert.AreEqual(new[] { 3.5f, 4.0f, 5.5f }, sess.run("y2:0", ("x:0", x))!.ToArray<float>());
        var x2 = meta.SignatureDef["regress_x2_to_y3"];
        CollectionAssert.AreEqual(new[] { 3.5f, 4.0f, 5.5f }, sess.run(x2.Outputs["outputs"].Name, (x2.Inputs["inputs"].Name, x))!.ToArray<float>());
        // ParseExample is imported from the meta graph's op list but has no kernel here: running it is Unimplemented.
        var parse = Assert.ThrowsExactly<UnimplementedException>(() => sess.run("y:0"));
        StringAssert.Contains(parse.Message, "ParseExample");
    }

    [TestMethod]
    public void Half_plus_three_tf1_0_and_counter()
    {
        var g = new GraphEngine.Graph();
        using (var sess = tf.Session(g))
        {
            var meta = tf.saved_model.loader.load(sess, ["serve"], TfData.Path("tf-serving-savedmodels", "half_plus_three_tf1.0", "00000123"));
            var sig = meta.SignatureDef["serving_default"];
            CollectionAssert.AreEqual(new[] { 3.5f, 4f, 5.5f }, sess.run(sig.Outputs["y"].Name, (sig.Inputs["x"].Name, new float[] { 1, 2, 5 }))!.ToArray<float>());
            // x2 is a Placeholder with `shape {}` at producer 21: unknown shape, so a vector is accepted.
            CollectionAssert.AreEqual(new[] { 3.5f, 4f }, sess.run("y2:0", ("x2:0", new float[] { 1, 2 }))!.ToArray<float>());
        }
        var g2 = new GraphEngine.Graph();
        using (var sess = tf.Session(g2))
        {
            var meta = tf.saved_model.loader.load(sess, ["serve"], TfData.Path("tf-serving-savedmodels", "counter_tf1.5", "00000123"));
            string Out(string s) => meta.SignatureDef[s].Outputs["output"].Name;
            sess.run(Out("incr_counter"));
            sess.run(Out("incr_counter"));
            sess.run(Out("incr_counter_by"), (meta.SignatureDef["incr_counter_by"].Inputs["delta"].Name, 2.5f));
            Assert.AreEqual(4.5f, sess.run(Out("get_counter"))!.GetSingle());
            sess.run(Out("reset_counter"));
            Assert.AreEqual(0f, sess.run(Out("get_counter"))!.GetSingle());
        }
    }

    [TestMethod]
    public void Rust_regression_model_loads_by_both_tags()
    {
        var g = new GraphEngine.Graph();
        using var sess = tf.Session(g);
        var meta = tf.saved_model.loader.load(sess, ["serve", "train"], TfData.Path("tf-rust-binding-graphs", "test_resources", "regression-model"));
        Assert.AreEqual("y_hat:0", meta.SignatureDef["tensorflow/serving/regress"].Outputs["out"].Name);
        using var gd = g.as_default();
        Assert.AreEqual(-0.8578622f, tf.global_variables().Single(v => v.op.name == "w").eval(sess).GetSingle(), 1e-6);
        Assert.AreEqual(-0.8578622f * 2, sess.run("y_hat:0", ("x:0", new float[] { 2 }))!.GetSingle(), 1e-6);
    }

    [TestMethod]
    public void Load_errors_name_the_tags_and_paths()
    {
        var dir = TfData.Path("tf-serving-savedmodels", "counter_tf1.5", "00000123");
        using (var sess = tf.Session(new GraphEngine.Graph()))
        {
            var e = Assert.ThrowsExactly<NotFoundException>(() => tf.saved_model.loader.load(sess, ["train"], dir));
            StringAssert.Contains(e.Message, "'train'");
            StringAssert.Contains(e.Message, "{'serve'}");
        }
        var missing = Path.Combine(Path.GetTempPath(), $"ge-nosm-{Guid.NewGuid():N}");
        using (var sess = tf.Session(new GraphEngine.Graph()))
            StringAssert.Contains(Assert.ThrowsExactly<NotFoundException>(() => tf.saved_model.loader.load(sess, ["serve"], missing)).Message, missing);
        Directory.CreateDirectory(missing);
        try
        {
            File.WriteAllBytes(Path.Combine(missing, "saved_model.pb"), [0x12, 0xff, 0xff, 0xff]);
            using var sess = tf.Session(new GraphEngine.Graph());
            StringAssert.Contains(Assert.ThrowsExactly<DataLossException>(() => tf.saved_model.loader.load(sess, ["serve"], missing)).Message, "saved_model.pb");
        }
        finally { Directory.Delete(missing, true); }
        using (var sess = tf.Session(new GraphEngine.Graph()))
            Assert.ThrowsExactly<UnimplementedException>(() =>
                tf.saved_model.loader.load(sess, ["serve"], TfData.Path("tf-serving-savedmodels", "half_plus_two_tf2.14", "00000123")));
    }
}
