using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Runtime;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Session.Tests.Planning;

/// <summary>The runtime alone, over hand-written GraphDefs (as imported graphs reach it): no front end involved.</summary>
[TestClass]
public sealed class DirectSessionTests
{
    private static NodeDef Node(string name, string op, params string[] inputs)
    {
        var n = new NodeDef(name, op);
        n.Input.AddRange(inputs);
        return n;
    }

    private static NodeDef Const(string name, HostTensor value)
    {
        var n = Node(name, "Const");
        n.Attr["value"] = value;
        n.Attr["dtype"] = value.DType;
        return n;
    }

    private static NodeDef Placeholder(string name, DType dtype, TensorShape shape)
    {
        var n = Node(name, "Placeholder");
        n.Attr["dtype"] = dtype;
        n.Attr["shape"] = shape;
        return n;
    }

    private static NodeDef Binary(string name, string op, string a, string b, DType t = DType.Float)
    {
        var n = Node(name, op, a, b);
        n.Attr["T"] = t;
        return n;
    }

    [TestMethod]
    public void Runs_a_handwritten_graph_with_variables_and_feeds()
    {
        var g = new GraphDef();
        var v = Node("v", "VariableV2");
        v.Attr["dtype"] = DType.Float;
        v.Attr["shape"] = new TensorShape(2);
        g.Add(v);
        g.Add(Const("init", HostTensor.FromArray(new float[] { 1, 2 }, 2)));
        g.Add(Binary("v/Assign", "Assign", "v", "init"));
        var read = Node("v/read", "Identity", "v");
        read.Attr["T"] = DType.Float;
        g.Add(read);
        g.Add(Placeholder("x", DType.Float, new TensorShape(-1)));
        g.Add(Binary("y", "Mul", "v/read", "x"));
        using var s = new DirectSession(g);
        s.Run([], [], ["v/Assign"]);
        var y = s.Run([("x:0", HostTensor.FromArray(new float[] { 10, 100 }, 2))], ["y:0"], [])[0];
        CollectionAssert.AreEqual(new float[] { 10, 200 }, y.ToArray<float>());
        var fetchedVar = s.Run([], ["v:0"], [])[0];
        CollectionAssert.AreEqual(new float[] { 1, 2 }, fetchedVar.ToArray<float>());
    }

    [TestMethod]
    public void Unknown_op_type_is_unimplemented_naming_it()
    {
        var g = new GraphDef();
        g.Add(Node("weird", "FancyOp"));
        using var s = new DirectSession(g);
        var e = Assert.ThrowsExactly<UnimplementedException>(() => s.Run([], ["weird:0"], []));
        StringAssert.Contains(e.Message, "Op type not registered 'FancyOp'");
        Assert.AreEqual("weird", e.NodeName, "the error names the node that uses the op");
    }

    [TestMethod]
    public void Control_dependency_cycle_is_reported()
    {
        var g = new GraphDef();
        var a = Node("a", "NoOp", "^b");
        var b = Node("b", "NoOp", "^a");
        g.Add(a);
        g.Add(b);
        using var s = new DirectSession(g);
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => s.Run([], [], ["a"]));
        StringAssert.Contains(e.Message, "Graph contains a cycle involving node");
    }

    [TestMethod]
    public void Missing_input_node_is_reported()
    {
        var g = new GraphDef();
        g.Add(Binary("y", "AddV2", "ghost", "ghost"));
        using var s = new DirectSession(g);
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => s.Run([], ["y:0"], []));
        StringAssert.Contains(e.Message, "Unknown input node 'ghost'");
    }

    [TestMethod]
    public void Feeds_are_checked_against_dtype_and_placeholder_shape()
    {
        var g = new GraphDef();
        g.Add(Placeholder("x", DType.Float, new TensorShape(-1, 3)));
        using var s = new DirectSession(g);
        var dtype = Assert.ThrowsExactly<InvalidArgumentException>(() => s.Run([("x:0", HostTensor.FromArray(new[] { 1, 2, 3 }, 1, 3))], ["x:0"], []));
        StringAssert.Contains(dtype.Message, "Cannot feed value of type int32 for Tensor 'x:0' of type float.");
        var shape = Assert.ThrowsExactly<InvalidArgumentException>(() => s.Run([("x:0", HostTensor.FromArray(new float[] { 1, 2 }, 2))], ["x:0"], []));
        StringAssert.Contains(shape.Message, "Cannot feed value of shape [2] for Tensor 'x:0', which has shape [?,3]");
        var nf = Assert.ThrowsExactly<NotFoundException>(() => s.Run([("nope:0", HostTensor.Scalar(1f))], ["x:0"], []));
        StringAssert.Contains(nf.Message, "'nope'");
    }

    [TestMethod]
    public void Old_graphs_placeholder_with_empty_shape_means_unknown()
    {
        var g = new GraphDef { Producer = 21 };
        g.Add(Placeholder("x", DType.Float, TensorShape.Scalar));
        using var s = new DirectSession(g);
        var r = s.Run([("x:0", HostTensor.FromArray(new float[] { 1, 2 }, 2))], ["x:0"], [])[0];
        CollectionAssert.AreEqual(new float[] { 1, 2 }, r.ToArray<float>());
    }

    [TestMethod]
    public void Uninitialized_variable_read_fails_naming_the_variable()
    {
        var g = new GraphDef();
        var v = Node("W", "VariableV2");
        v.Attr["dtype"] = DType.Float;
        v.Attr["shape"] = new TensorShape(2);
        g.Add(v);
        var read = Node("W/read", "Identity", "W");
        read.Attr["T"] = DType.Float;
        g.Add(read);
        using var s = new DirectSession(g);
        var e = Assert.ThrowsExactly<FailedPreconditionException>(() => s.Run([], ["W/read:0"], []));
        StringAssert.Contains(e.Message, "Attempting to use uninitialized value W");
        Assert.AreEqual("W/read", e.NodeName);
    }

    [TestMethod]
    public void Stateful_kernels_are_shared_between_plans_of_a_session()
    {
        var g = new GraphDef();
        g.Add(Const("shape", HostTensor.FromArray(new[] { 3 }, 1)));
        var r = Node("r", "RandomUniform", "shape");
        r.Attr["dtype"] = DType.Float;
        r.Attr["T"] = DType.Int32;
        r.Attr["seed"] = 5L;
        r.Attr["seed2"] = 6L;
        g.Add(r);
        g.Add(Binary("twice", "AddV2", "r", "r"));
        using var s = new DirectSession(g);
        var first = s.Run([], ["r:0"], [])[0].ToArray<float>();
        var second = s.Run([], ["twice:0"], [])[0].ToArray<float>();
        using var fresh = new DirectSession(g);
        var replay = fresh.Run([], ["r:0"], [])[0].ToArray<float>();
        CollectionAssert.AreEqual(first, replay, "same seeds, same first numbers in a new session");
        CollectionAssert.AreNotEqual(first.Select(f => f * 2).ToArray(), second, "the second plan continues the stream instead of restarting it");
    }
}
