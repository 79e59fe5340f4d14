using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model.Serialization;
using GraphEngine.Runtime.Io;
using GraphEngine.TestKit;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using PMetaGraphDef = GraphEngine.Ops.Proto.MetaGraphDef;
using PVariableDef = GraphEngine.Ops.Proto.VariableDef;

namespace GraphEngine.Tests.Interop;

[TestClass]
public sealed class MetaGraphTests
{
    [TestMethod]
    public void Export_writes_tf1_collections_and_import_rebuilds_them()
    {
        var g = new GraphEngine.Graph();
        PMetaGraphDef meta;
        using (g.as_default())
        {
            var x = tf.placeholder(tf.float32, new[] { -1 }, name: "x");
            var v = tf.Variable(new float[] { 1, 2 }, name: "v");
            var frozen = tf.Variable(3f, trainable: false, name: "k");
            var y = tf.add(tf.multiply(x, v), frozen, name: "y");
            tf.add_to_collection(tf.GraphKeys.TRAIN_OP, y.op);
            tf.add_to_collection(tf.GraphKeys.LOSSES, y);
            meta = tf.train.export_meta_graph(saver_def: new Ops.Proto.SaverDef { RestoreOpName = "save/restore_all", FilenameTensorName = "save/Const:0" });
        }
        Assert.AreEqual(MetaGraphIOVersion, meta.MetaInfoDef.TensorflowVersion);
        CollectionAssert.AreEqual(g.get_operations().Select(o => o.type).Distinct().Order(StringComparer.Ordinal).ToArray(),
            meta.MetaInfoDef.StrippedOpList.Op.Select(o => o.Name).ToArray());
        var vd = PVariableDef.Parser.ParseFrom(meta.CollectionDef["variables"].BytesList.Value[0]);
        Assert.AreEqual("v:0", vd.VariableName);
        Assert.AreEqual("v/Assign", vd.InitializerName);
        Assert.AreEqual("v/read:0", vd.SnapshotName);
        Assert.AreEqual("v/initial_value:0", vd.InitialValueName);
        Assert.IsTrue(vd.Trainable);
        Assert.AreEqual(1, meta.CollectionDef["trainable_variables"].BytesList.Value.Count);
        CollectionAssert.AreEqual(new[] { "y" }, meta.CollectionDef["train_op"].NodeList.Value.ToArray());
        CollectionAssert.AreEqual(new[] { "y:0" }, meta.CollectionDef["losses"].NodeList.Value.ToArray());

        // Binary and text files give the same meta graph.
        var dir = Path.Combine(Path.GetTempPath(), $"ge-meta-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            using (g.as_default())
            {
                tf.train.export_meta_graph(Path.Combine(dir, "m.meta"));
                tf.train.export_meta_graph(Path.Combine(dir, "m.pbtxt"), as_text: true);
            }
            Assert.AreEqual(ProtoFile.Read<PMetaGraphDef>(Path.Combine(dir, "m.meta")), ProtoFile.Read<PMetaGraphDef>(Path.Combine(dir, "m.pbtxt")));

            var g2 = new GraphEngine.Graph();
            using (g2.as_default())
            {
                var imported = tf.train.import_meta_graph(Path.Combine(dir, "m.meta"));
                Assert.IsNull(imported.saver_def);
                CollectionAssert.AreEqual(new[] { "v:0", "k:0" }, tf.global_variables().Select(v => v.name).ToArray());
                CollectionAssert.AreEqual(new[] { "v:0" }, tf.trainable_variables().Select(v => v.name).ToArray());
                var v2 = tf.global_variables()[0];
                Assert.AreEqual("v/read:0", v2.value().name);
                Assert.AreEqual(DType.FloatRef, v2.dtype);
                Assert.AreEqual("y", ((Operation)tf.get_collection(tf.GraphKeys.TRAIN_OP)[0]).name);
                Assert.AreEqual("y:0", ((Tensor)tf.get_collection(tf.GraphKeys.LOSSES)[0]).name);
                using var sess = tf.Session(g2);
                sess.run(tf.global_variables_initializer());
                CollectionAssert.AreEqual(new float[] { 5, 7 }, sess.run("y:0", ("x:0", new float[] { 2, 2 }))!.ToArray<float>());
                v2.load(new float[] { 10, 20 }, sess);
                CollectionAssert.AreEqual(new float[] { 23, 43 }, sess.run("y:0", ("x:0", new float[] { 2, 2 }))!.ToArray<float>());
                // Re-exported, the collections are the same.
                var again = tf.train.export_meta_graph();
                Assert.AreEqual(meta.CollectionDef["variables"], again.CollectionDef["variables"]);
                Assert.AreEqual(meta.CollectionDef["train_op"], again.CollectionDef["train_op"]);
            }

            var g3 = new GraphEngine.Graph();
            using (g3.as_default())
            {
                var scoped = tf.train.import_meta_graph(meta, import_scope: "m");
                Assert.AreEqual("m/save/restore_all", scoped.saver_def!.RestoreOpName);
                Assert.AreEqual("m/save/Const:0", scoped.saver_def.FilenameTensorName);
                Assert.AreEqual("m/v:0", tf.global_variables()[0].name);
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    private static string MetaGraphIOVersion => MetaGraphIO.TensorFlowVersion;

    [TestMethod]
    public void Mnist_softmax_meta_graph_and_checkpoint_give_the_stated_accuracy()
    {
        var metaPath = TfData.Path("mnist-softmax-tf1.3", "model.ckpt.meta");
        var g = new GraphEngine.Graph();
        using var gd = g.as_default();
        var imported = tf.train.import_meta_graph(metaPath);
        Assert.AreEqual("save/restore_all", imported.saver_def!.RestoreOpName);
        CollectionAssert.AreEqual(new[] { "Variable:0", "Variable_1:0" }, tf.global_variables().Select(v => v.name).ToArray());
        Assert.AreEqual("GradientDescent", ((Operation)tf.get_collection(tf.GraphKeys.TRAIN_OP)[0]).name);
        using var sess = tf.Session(g);
        // The Saver is another engineer's; restore through the variables' initializers.
        var reader = CheckpointReader.Open(TfData.Path("mnist-softmax-tf1.3") + "/model.ckpt");
        foreach (var v in tf.global_variables())
            sess.Runtime.Run([(v.initial_value.name, reader.GetTensor(v.op.name))], [], [v.initializer.name]);
        var (images, labels) = Mnist.Test();
        // Logits are `add:0` (MatMul + Add); argmax of the logits is the prediction.
        var logits = sess.run("add:0", ("Placeholder:0", images))!.ToArray<float>();
        float[] expected0 = [-1.23213f, -11.01669f, -7.42894f, 0.93544f, 4.60079f, 2.83274f, -5.55441f, 5.94422f, 2.77994f, 8.14184f];
        for (int j = 0; j < 10; j++) Assert.AreEqual(expected0[j], logits[j], 1e-3);
        int correct = Enumerable.Range(0, labels.Length).Count(i => Mnist.ArgMax(logits, i * 10, 10) == labels[i]);
        Assert.AreEqual(0.9115, correct / (double)labels.Length, 1e-9);
        Assert.AreEqual(2, Mnist.ArgMax(logits, 30, 10), "image 3 (a 4) is misclassified as 2");
    }

    [TestMethod]
    public void Import_meta_graph_gives_a_saver_that_restores_and_saves_like_tf1()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ge-meta-saver-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var g = new GraphEngine.Graph();
            using (g.as_default())
            {
                var w = tf.Variable(tf.constant(new float[] { 1, 2, 3 }), name: "w");
                var doubled = tf.multiply(w, 2f, name: "doubled");
                using var sess = tf.Session(g);
                sess.run(tf.global_variables_initializer());
                tf.train.Saver().save(sess, Path.Combine(dir, "model.ckpt"));
            }
            var g2 = new GraphEngine.Graph();
            using (g2.as_default())
            {
                var saver = tf.train.import_meta_graph(Path.Combine(dir, "model.ckpt.meta"));
                Assert.IsNotNull(saver.saver);
                using var sess = tf.Session(g2);
                saver.restore(sess, Path.Combine(dir, "model.ckpt"));
                CollectionAssert.AreEqual(new[] { 2f, 4f, 6f }, sess.run("doubled:0")!.ToArray<float>());
                sess.run(tf.global_variables()[0].assign(tf.constant(new float[] { 5, 5, 5 })));
                var prefix = saver.save(sess, Path.Combine(dir, "again.ckpt"), global_step: 7);
                Assert.AreEqual(Path.Combine(dir, "again.ckpt-7"), prefix);
                CollectionAssert.AreEqual(new[] { 5f, 5f, 5f }, tf.train.load_variable(prefix, "w").ToArray<float>());
                Assert.AreEqual(prefix, tf.train.latest_checkpoint(dir));
            }
            var g3 = new GraphEngine.Graph();
            using (g3.as_default())
            {
                var noSaver = tf.train.import_meta_graph(new Ops.Proto.MetaGraphDef { GraphDef = new Ops.Proto.GraphDef() });
                Assert.IsNull(noSaver.saver);
                using var sess = tf.Session(g3);
                Assert.ThrowsExactly<FailedPreconditionException>(() => noSaver.restore(sess, Path.Combine(dir, "model.ckpt")));
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
