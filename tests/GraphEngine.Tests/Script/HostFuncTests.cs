using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Model.Serialization;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NumSharp;

namespace GraphEngine.Tests.Script;

[TestClass]
public sealed class HostFuncTests
{
    [TestMethod]
    public void Host_func_runs_the_delegate_as_a_PyFunc_node()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var x = tf.placeholder(tf.float32, new[] { 3 }, name: "x");
        int calls = 0;
        var outs = tf.host_func(xs =>
        {
            calls++;
            var v = xs[0].ToArray<float>();
            return [np.array(v.Select(f => f * 10).ToArray()), np.array(new long[] { v.Length })];
        }, [x], [tf.float32, tf.int64], name: "tenfold");
        Assert.AreEqual("PyFunc", outs[0].op.type);
        Assert.AreEqual("tenfold", outs[0].op.name);
        StringAssert.StartsWith(outs[0].op.get_attr("token").S, "hostfunc_");
        Assert.IsFalse(outs[0].shape.HasRank, "outputs have unknown shapes, as TF's py_func");
        using var s = tf.Session();
        var r = s.run([outs[0] + 1f, outs[1]], (x, new[] { 1f, 2f, 3f }));
        CollectionAssert.AreEqual(new[] { 11f, 21f, 31f }, r[0].ToArray<float>());
        CollectionAssert.AreEqual(new[] { 3L }, r[1].ToArray<long>());
        Assert.AreEqual(1, calls);
        var stateless = tf.host_func(xs => xs[0], [x], tf.float32, stateful: false);
        Assert.AreEqual("PyFuncStateless", stateless.op.type);
        CollectionAssert.AreEqual(new[] { 4f, 5f, 6f }, s.run(stateless, (x, new[] { 4f, 5f, 6f })).ToArray<float>());
    }

    [TestMethod]
    public void Host_func_results_are_converted_to_Tout_or_rejected_naming_the_output()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var x = tf.constant(new[] { 1, 2 });
        var widened = tf.host_func(xs => xs[0], [x], tf.float64);
        using var s = tf.Session();
        CollectionAssert.AreEqual(new[] { 1.0, 2.0 }, s.run(widened).ToArray<double>(), "int32 values convert to float64 as numpy.asarray does");
        var wrongCount = tf.host_func(xs => [xs[0], xs[0]], [x], [tf.int32], name: "two_for_one");
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => s.run(wrongCount[0]));
        StringAssert.Contains(e.Message, "returned 2 value(s), but Tout declares 1");
        StringAssert.Contains(e.Message, "two_for_one");
        var throwing = tf.host_func(xs => throw new InvalidOperationException("boom"), [x], tf.int32, name: "thrower");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => s.run(throwing));
        StringAssert.Contains(e.Message, "InvalidOperationException: boom");
        StringAssert.Contains(e.Message, "thrower");
    }

    [TestMethod]
    public void A_graph_with_a_host_func_exports_and_reimports_in_this_process_but_an_unknown_token_is_NotFound()
    {
        GraphDef def;
        using (new GraphEngine.Graph().as_default())
        {
            var x = tf.placeholder(tf.float32, new[] { 2 }, name: "x");
            tf.host_func(xs => np.array(xs[0].ToArray<float>().Select(v => v + 1).ToArray()), [x], tf.float32, name: "plus_one");
            def = GraphDefIO.ReadBinary(GraphDefIO.ToBinary(tf.get_default_graph().as_graph_def()));
        }
        var node = def.Nodes.Single(n => n.Name == "plus_one");
        Assert.AreEqual("PyFunc", node.Op);
        using (new GraphEngine.Graph().as_default())
        {
            tf.import_graph_def(def, name: "");
            var g = tf.get_default_graph();
            using var s = tf.Session();
            CollectionAssert.AreEqual(new[] { 2f, 3f },
                s.run(g.get_tensor_by_name("plus_one:0"), (g.get_tensor_by_name("x:0"), new[] { 1f, 2f })).ToArray<float>());
        }
        node.Attr["token"] = AttrValue.Of("pyfunc_0");
        using (new GraphEngine.Graph().as_default())
        {
            tf.import_graph_def(def, name: "");
            var g = tf.get_default_graph();
            using var s = tf.Session();
            var e = Assert.ThrowsExactly<NotFoundException>(() => s.run(g.get_tensor_by_name("plus_one:0"), (g.get_tensor_by_name("x:0"), new[] { 1f, 2f })));
            StringAssert.Contains(e.Message, "pyfunc_0");
            StringAssert.Contains(e.Message, "plus_one");
        }
    }

    [TestMethod]
    public void Exporting_a_graph_with_a_host_func_for_another_process_is_refused_naming_the_node()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var x = tf.placeholder(tf.float32, new[] { 2 }, name: "x");
        var w = tf.Variable(new[] { 1f, 2f }, name: "w");
        tf.host_func(xs => xs[0], [x], tf.float32, name: "echo");
        var e = Assert.ThrowsExactly<FailedPreconditionException>(() => tf.train.export_meta_graph());
        StringAssert.Contains(e.Message, "'echo'");
        StringAssert.Contains(e.Message, "tf.host_func");
        var dir = Path.Combine(Path.GetTempPath(), "ge-hostfunc-" + Guid.NewGuid().ToString("N"));
        try
        {
            e = Assert.ThrowsExactly<FailedPreconditionException>(() => tf.train.write_graph(tf.get_default_graph(), dir, "g.pbtxt"));
            StringAssert.Contains(e.Message, "'echo'");
            Assert.IsFalse(File.Exists(Path.Combine(dir, "g.pbtxt")));

            using var s = tf.Session();
            s.run(tf.global_variables_initializer());
            var saver = tf.train.Saver();
            Directory.CreateDirectory(dir);
            e = Assert.ThrowsExactly<FailedPreconditionException>(() => saver.save(s, Path.Combine(dir, "model.ckpt")));
            StringAssert.Contains(e.Message, "write_meta_graph: false");
            Assert.IsFalse(File.Exists(Path.Combine(dir, "model.ckpt.index")), "nothing is written when the save is refused");
            // Checkpoints alone hold only variable values and stay possible.
            var prefix = saver.save(s, Path.Combine(dir, "model.ckpt"), write_meta_graph: false);
            Assert.IsTrue(File.Exists(prefix + ".index"));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void Freezing_keeps_the_host_func_node()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var w = tf.Variable(new[] { 3f, 4f }, name: "w");
        var y = tf.host_func(xs => np.array(xs[0].ToArray<float>().Select(v => v * v).ToArray()), [w.value()], tf.float32, name: "square");
        using var s = tf.Session();
        s.run(tf.global_variables_initializer());
        var frozen = tf.graph_util.convert_variables_to_constants(s, tf.get_default_graph().as_graph_def(), ["square"]);
        Assert.AreEqual("PyFunc", frozen.Nodes.Single(n => n.Name == "square").Op);
        using (new GraphEngine.Graph().as_default())
        {
            tf.import_graph_def(frozen, name: "");
            using var s2 = tf.Session();
            CollectionAssert.AreEqual(new[] { 9f, 16f }, s2.run(tf.get_default_graph().get_tensor_by_name("square:0")).ToArray<float>());
        }
    }

    [TestMethod]
    public void Gradients_stop_at_a_host_func_as_at_tf_py_func()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var x = tf.placeholder(tf.float32, new[] { 2 }, name: "x");
        var y = tf.reshape(tf.host_func(xs => xs[0], [x], tf.float32, name: "opaque"), new[] { 2 });
        Assert.IsNull(tf.gradients(tf.reduce_sum(y), x)[0], "PyFunc is NotDifferentiable in TF: no gradient reaches x");
        var both = tf.gradients(tf.reduce_sum(y * x), x)[0]!;
        using var s = tf.Session();
        CollectionAssert.AreEqual(new[] { 3f, 4f }, s.run(both, (x, new[] { 3f, 4f })).ToArray<float>(), "only the direct path counts");
    }
}
