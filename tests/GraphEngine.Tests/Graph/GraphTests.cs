using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Graph;

[TestClass]
public sealed class GraphTests
{
    [TestMethod]
    public void Names_are_made_unique_like_tf1()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var a = tf.constant(1f, name: "x");
        var b = tf.constant(2f, name: "x");
        var c = tf.constant(3f, name: "x");
        var d = tf.constant(4f, name: "x_1");
        Assert.AreEqual("x:0", a.name);
        Assert.AreEqual("x_1:0", b.name);
        Assert.AreEqual("x_2:0", c.name);
        Assert.AreEqual("x_1_1:0", d.name);
        Assert.AreEqual("Const:0", tf.constant(5f).name);
        Assert.AreEqual("Const_1:0", tf.constant(5f).name);
    }

    [TestMethod]
    public void Name_scopes_nest_and_reenter()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        string outer;
        using (var s = tf.name_scope("layer"))
        {
            outer = s.Name;
            Assert.AreEqual("layer/", s.Name);
            using (var inner = tf.name_scope("dense")) Assert.AreEqual("layer/dense/w:0", tf.constant(1f, name: "w").name);
            Assert.AreEqual("layer/b:0", tf.constant(1f, name: "b").name);
        }
        using (var s2 = tf.name_scope("layer")) Assert.AreEqual("layer_1/", s2.Name);
        using (tf.name_scope(outer)) Assert.AreEqual("layer/c:0", tf.constant(1f, name: "c").name);
        using (tf.name_scope("layer"))
        using (tf.name_scope(null)) Assert.AreEqual("root:0", tf.constant(1f, name: "root").name);
        Assert.AreEqual("", g.get_name_scope());
    }

    [TestMethod]
    public void Default_graph_is_process_wide_and_as_default_is_per_thread()
    {
        tf.reset_default_graph();
        var global = tf.get_default_graph();
        var mine = new GraphEngine.Graph();
        GraphEngine.Graph? seenByOtherThread = null;
        using (mine.as_default())
        {
            Assert.AreSame(mine, tf.get_default_graph());
            var t = new Thread(() => seenByOtherThread = tf.get_default_graph());
            t.Start();
            t.Join();
        }
        Assert.AreSame(global, seenByOtherThread, "a new thread sees the process-wide default graph, not this thread's override");
        Assert.AreSame(global, tf.get_default_graph());
        tf.reset_default_graph();
        Assert.AreNotSame(global, tf.get_default_graph());
    }

    [TestMethod]
    public void Reset_inside_as_default_is_an_error()
    {
        using (new GraphEngine.Graph().as_default())
        {
            var e = Assert.ThrowsExactly<FailedPreconditionException>(() => tf.reset_default_graph());
            StringAssert.Contains(e.Message, "nested graphs");
        }
    }

    [TestMethod]
    public void Device_strings_are_kept_on_nodes()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        Tensor a, b;
        using (tf.device("/cpu:0"))
        {
            a = tf.constant(1f);
            using (tf.device("/job:worker/task:1")) b = tf.constant(2f);
        }
        Assert.AreEqual("/cpu:0", a.op.device);
        Assert.AreEqual("/job:worker/task:1", b.op.device);
        Assert.AreEqual("", tf.constant(3f).op.device);
    }

    [TestMethod]
    public void Lookup_by_name_and_errors()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var x = tf.placeholder(tf.float32, new[] { -1, 3 }, name: "x");
        Assert.AreSame(x, g.get_tensor_by_name("x:0"));
        Assert.AreSame(x.op, g.get_operation_by_name("x"));
        var nf = Assert.ThrowsExactly<NotFoundException>(() => g.get_tensor_by_name("nope:0"));
        StringAssert.Contains(nf.Message, "The name 'nope:0' refers to a Tensor which does not exist. The operation, 'nope', does not exist in the graph.");
        var idx = Assert.ThrowsExactly<NotFoundException>(() => g.get_tensor_by_name("x:1"));
        StringAssert.Contains(idx.Message, "exists but only has 1 outputs");
        Assert.ThrowsExactly<NotFoundException>(() => g.get_operation_by_name("nope"));
        Assert.ThrowsExactly<InvalidArgumentException>(() => g.get_tensor_by_name("x"));
    }

    [TestMethod]
    public void Collections_hold_variables_and_filter_by_scope()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var a = tf.Variable(1f, name: "a");
        Variable b;
        using (tf.name_scope("s")) b = tf.Variable(2f, name: "b", trainable: false);
        CollectionAssert.AreEqual(new[] { a, b }, tf.global_variables());
        CollectionAssert.AreEqual(new[] { a }, tf.trainable_variables());
        CollectionAssert.AreEqual(new[] { b }, tf.global_variables("s"));
        g.add_to_collection("mine", a.value());
        Assert.AreEqual(1, g.get_collection("mine").Count);
        Assert.AreEqual(0, g.get_collection("none").Count);
    }

    [TestMethod]
    public void Control_dependencies_nest_and_null_clears()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var a = tf.constant(1f, name: "a");
        var b = tf.constant(2f, name: "b");
        Tensor inner, cleared, outer;
        using (tf.control_dependencies([a]))
        {
            outer = tf.identity(b, name: "outer");
            using (tf.control_dependencies([b.op]))
            {
                inner = tf.identity(tf.constant(3f), name: "inner");
                using (tf.control_dependencies((IEnumerable<object>?)null)) cleared = tf.constant(4f, name: "cleared");
            }
        }
        CollectionAssert.AreEqual(new[] { a.op }, outer.op.control_inputs.ToArray());
        CollectionAssert.Contains(outer.op.NodeDef.Input, "^a");
        // inner's input Const was created inside both blocks, so inner itself needs no control inputs again.
        var innerConst = inner.op.inputs[0].op;
        CollectionAssert.AreEquivalent(new[] { a.op, b.op }, innerConst.control_inputs.ToArray());
        Assert.AreEqual(0, inner.op.control_inputs.Count);
        Assert.AreEqual(0, cleared.op.control_inputs.Count);
    }

    [TestMethod]
    public void Group_tuple_and_no_op_are_named_like_tf()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var a = tf.constant(1f, name: "a");
        var b = tf.constant(2f, name: "b");
        var grp = tf.group(a, b);
        Assert.AreEqual("group_deps", grp.name);
        Assert.AreEqual("NoOp", grp.type);
        CollectionAssert.AreEquivalent(new[] { a.op, b.op }, grp.control_inputs.ToArray());
        Assert.AreEqual("my_group", tf.group(new object[] { a }, name: "my_group").name);
        var t = tf.tuple([a, b]);
        Assert.AreEqual("tuple/control_dependency:0", t[0].name);
        Assert.AreEqual("tuple/control_dependency_1:0", t[1].name);
        Assert.AreEqual("tuple/group_deps", t[0].op.control_inputs.Single().name);
        Assert.AreEqual("NoOp", tf.no_op().name);
    }

    [TestMethod]
    public void Build_time_shape_conflict_names_op_shapes_and_call_site()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var a = tf.placeholder(tf.float32, new[] { 2, 3 });
        var b = tf.placeholder(tf.float32, new[] { 4, 5 });
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.matmul(a, b));
        StringAssert.Contains(e.Message, "Dimensions must be equal, but are 3 and 4 for 'MatMul' (op: 'MatMul') with input shapes: [2,3], [4,5].");
        StringAssert.Contains(e.Message, "GraphTests.cs:");
        Assert.AreEqual("MatMul", e.NodeName);
        var add = Assert.ThrowsExactly<InvalidArgumentException>(() => a + tf.placeholder(tf.float32, new[] { 4 }));
        StringAssert.Contains(add.Message, "with input shapes: [2,3], [4]");
    }

    [TestMethod]
    public void Input_dtype_mismatch_is_rejected_at_build_time()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var f = tf.placeholder(tf.float32, new[] { 2 });
        var i = tf.placeholder(tf.int32, new[] { 2 });
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.add(f, i));
        StringAssert.Contains(e.Message, "Input 'y' of 'AddV2' Op has type int32 that does not match type float32 of argument 'x'.");
    }

    [TestMethod]
    public void Static_shapes_are_inferred_through_the_graph()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var x = tf.placeholder(tf.float32, new[] { -1, 784 });
        var w = tf.Variable(tf.zeros(new[] { 784, 10 }));
        var y = tf.matmul(x, w) + tf.zeros(new[] { 10 });
        Assert.AreEqual("[?,10]", y.shape.ToString());
        Assert.AreEqual("[?]", tf.reduce_sum(y, 1).shape.ToString());
        Assert.AreEqual("[?,1]", tf.reduce_mean(y, 1, keepdims: true).shape.ToString());
        Assert.AreEqual("[]", tf.reduce_sum(y).shape.ToString());
        Assert.AreEqual("[?,5,2]", tf.reshape(y, new[] { -1, 5, 2 }).shape.ToString());
        Assert.AreEqual("[2]", tf.shape(y).shape.ToString());
        Assert.AreEqual(DType.Float, tf.cast(tf.constant(new[] { 1, 2 }), tf.float32).dtype);
        Assert.IsFalse(tf.placeholder(tf.float32).shape.HasRank);
        var numsharpShape = tf.placeholder(tf.float32, new NumSharp.Shape(2, 3));
        Assert.AreEqual("[2,3]", numsharpShape.shape.ToString());
        Assert.AreEqual("[?,3]", tf.placeholder(tf.float32, new long[] { -1, 3 }).shape.ToString());
    }

    [TestMethod]
    public void Host_operands_become_constants_inside_the_op_scope()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var x = tf.placeholder(tf.float32, new[] { 2 }, name: "x");
        var y = tf.multiply(x, 2f, name: "y");
        Assert.AreEqual("y:0", y.name);
        Assert.AreEqual("y/y", y.op.inputs[1].op.name);
        var z = x * 3;
        Assert.AreEqual("mul:0", z.name);
        Assert.AreEqual("mul/y", z.op.inputs[1].op.name);
        Assert.AreEqual(DType.Float, z.op.inputs[1].dtype, "the constant takes the tensor's dtype");
    }

    [TestMethod]
    public void Finalized_graph_rejects_new_ops()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        g.finalize();
        var e = Assert.ThrowsExactly<FailedPreconditionException>(() => tf.constant(1f));
        StringAssert.Contains(e.Message, "Graph is finalized");
    }
}
