using GraphEngine.Ops.Model.Serialization;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Interop;

[TestClass]
public sealed class GraphUtilTests
{
    [TestMethod]
    public void Freeze_replaces_variables_with_their_session_values()
    {
        var g = new GraphEngine.Graph();
        Ops.Model.GraphDef frozen;
        using (g.as_default())
        {
            var x = tf.placeholder(tf.float32, new[] { -1 }, name: "x");
            var w = tf.Variable(new float[] { 1, 2 }, name: "w");
            var unused = tf.Variable(5f, name: "unused");
            tf.multiply(x, w, name: "out");
            using var sess = tf.Session(g);
            sess.run(tf.global_variables_initializer());
            w.load(new float[] { 3, 4 }, sess);
            frozen = tf.graph_util.convert_variables_to_constants(sess, g.as_graph_def(), ["out"]);
        }
        CollectionAssert.AreEqual(new[] { "x", "w", "w/read", "out" }, frozen.Nodes.Select(n => n.Name).ToArray());
        Assert.AreEqual("Const", frozen.Find("w")!.Op);
        var g2 = new GraphEngine.Graph();
        using (g2.as_default())
        {
            // Through a file, as a frozen graph is shipped.
            var bytes = GraphDefIO.ToBinary(frozen);
            tf.import_graph_def(GraphDefIO.Read(bytes), name: "");
            using var sess = tf.Session(g2);
            CollectionAssert.AreEqual(new float[] { 6, 8 }, sess.run("out:0", ("x:0", new float[] { 2, 2 }))!.ToArray<float>());
        }
        var sub = tf.graph_util.extract_sub_graph(g.as_graph_def(), ["unused/Assign"]);
        CollectionAssert.AreEqual(new[] { "unused/initial_value", "unused", "unused/Assign" }, sub.Nodes.Select(n => n.Name).ToArray());
        Assert.ThrowsExactly<Ops.Core.InvalidArgumentException>(() => tf.graph_util.extract_sub_graph(g.as_graph_def(), ["nope"]));
    }
}
