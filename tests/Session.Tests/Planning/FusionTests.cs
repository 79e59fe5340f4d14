using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Proto;
using GraphEngine.Runtime;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using GraphDef = GraphEngine.Ops.Model.GraphDef;
using NodeDef = GraphEngine.Ops.Model.NodeDef;
using AttrValue = GraphEngine.Ops.Core.AttrValue;

namespace GraphEngine.Session.Tests.Planning;

/// <summary>
/// Plan-level fusion (FusionPass): each case runs the same hand-written graph in a fusing session and
/// in one with ConfigProto.graph_options.rewrite_options.remapping = OFF, on random inputs (negatives,
/// odd sizes, NaN and −0), and requires bit-identical results; the partition graph shows which steps ran,
/// so the cases that must not fuse (intermediate fetched, fed, read twice, control edge) are checked too.
/// </summary>
[TestClass]
public sealed class FusionTests
{
    private static NodeDef Node(GraphDef g, string name, string op, DType t, params string[] inputs)
    {
        var n = new NodeDef(name, op);
        n.Input.AddRange(inputs);
        if (op != "Placeholder") n.Attr["T"] = t;
        g.Add(n);
        return n;
    }

    private static void Placeholder(GraphDef g, string name, DType t)
    {
        var n = Node(g, name, "Placeholder", t);
        n.Attr["dtype"] = t;
        n.Attr["shape"] = TensorShape.Unknown;
    }

    private static HostTensor Random(DType t, int seed, params long[] dims)
    {
        var r = new Random(seed);
        long n = dims.Aggregate(1L, (a, b) => a * b);
        var values = new double[n];
        for (long i = 0; i < n; i++) values[i] = r.NextDouble() * 4 - 2;
        // Values ReLU and the add must pass through exactly as the unfused ops do.
        if (n > 3) (values[0], values[1], values[2]) = (double.NaN, -0.0, 0.0);
        return t == DType.Float ? HostTensor.FromArray(values.Select(v => (float)v).ToArray(), dims) : HostTensor.FromArray(values, dims);
    }

    private static DirectSession Session(GraphDef g, bool fuse) => new(g, config: fuse ? null : new ConfigProto
    {
        GraphOptions = new GraphOptions { RewriteOptions = new RewriterConfig { Remapping = RewriterConfig.Types.Toggle.Off } },
    });

    /// <summary>Runs fused and unfused; asserts bit-equal fetches; returns the fused plan's (name → op) steps.</summary>
    private static Dictionary<string, string> RunBoth(GraphDef g, (string, HostTensor)[] feeds, params string[] fetches)
    {
        using var fused = Session(g, fuse: true);
        using var plain = Session(g, fuse: false);
        var md = new RunMetadata();
        var a = fused.Run(feeds, fetches, [], new RunOptions { OutputPartitionGraphs = true }, md);
        var plainMd = new RunMetadata();
        var b = plain.Run(feeds, fetches, [], new RunOptions { OutputPartitionGraphs = true }, plainMd);
        Assert.IsFalse(plainMd.PartitionGraphs[0].Node.Any(n => n.Op.StartsWith("_Fused")), "remapping OFF must not fuse");
        for (int i = 0; i < fetches.Length; i++)
        {
            CollectionAssert.AreEqual(b[i].Dims.ToArray(), a[i].Dims.ToArray(), fetches[i]);
            CollectionAssert.AreEqual(Bits(b[i]), Bits(a[i]), $"{fetches[i]} differs between fused and unfused plans");
        }
        // A second run reuses the plan and its scratch state.
        var again = fused.Run(feeds, fetches, [], null, null);
        for (int i = 0; i < fetches.Length; i++) CollectionAssert.AreEqual(Bits(b[i]), Bits(again[i]));
        return md.PartitionGraphs[0].Node.ToDictionary(n => n.Name, n => n.Op);
    }

    private static long[] Bits(HostTensor t) => t.DType switch
    {
        DType.Float => t.ToArray<float>().Select(v => (long)BitConverter.SingleToInt32Bits(v)).ToArray(),
        DType.Int32 => t.ToArray<int>().Select(v => (long)v).ToArray(),
        _ => t.ToArray<double>().Select(BitConverter.DoubleToInt64Bits).ToArray(),
    };

    /// <summary>x·w (+ b) → relu, the dense layer; <paramref name="biasFirst"/> writes b + x·w.</summary>
    private static GraphDef Dense(DType t, string addOp = "AddV2", bool relu = true, bool biasFirst = false, bool transposeB = false)
    {
        var g = new GraphDef();
        Placeholder(g, "x", t);
        Placeholder(g, "w", t);
        Placeholder(g, "b", t);
        var mm = Node(g, "mm", "MatMul", t, "x", "w");
        mm.Attr["transpose_a"] = false;
        mm.Attr["transpose_b"] = transposeB;
        Node(g, "add", addOp, t, biasFirst ? ["b", "mm"] : ["mm", "b"]);
        if (relu) Node(g, "relu", "Relu", t, "add");
        return g;
    }

    private static (string, HostTensor)[] DenseFeeds(DType t, long m, long k, long n, bool transposeB = false) =>
        [("x:0", Random(t, 1, m, k)), ("w:0", Random(t, 2, transposeB ? [n, k] : [k, n])), ("b:0", Random(t, 3, n))];

    [TestMethod]
    [DataRow(DType.Float, 1L, 7L, 13L)]
    [DataRow(DType.Float, 37L, 50L, 129L)]
    [DataRow(DType.Float, 300L, 20L, 515L)]   // big enough for the epilogue to split across cores
    [DataRow(DType.Double, 9L, 11L, 6L)]
    public void MatMul_bias_relu_is_one_step_with_bit_equal_results(DType t, long m, long k, long n)
    {
        var steps = RunBoth(Dense(t), DenseFeeds(t, m, k, n), "relu:0");
        Assert.AreEqual("_FusedMatMul", steps["relu"], "the fused step reports under the surviving node's name");
        Assert.IsFalse(steps.ContainsKey("mm") || steps.ContainsKey("add"));
    }

    [TestMethod]
    [DataRow("AddV2", false, false, false)]
    [DataRow("Add", true, true, false)]
    [DataRow("BiasAdd", true, false, true)]
    [DataRow("AddV2", false, true, true)]
    public void MatMul_bias_variants_fuse(string addOp, bool relu, bool biasFirst, bool transposeB)
    {
        var last = relu ? "relu" : "add";
        var steps = RunBoth(Dense(DType.Float, addOp, relu, biasFirst, transposeB), DenseFeeds(DType.Float, 17, 9, 23, transposeB), last + ":0");
        Assert.AreEqual("_FusedMatMul", steps[last]);
        Assert.AreEqual(1, steps.Count(s => s.Value != "Placeholder"));
    }

    [TestMethod]
    public void Bias_add_then_relu_fuses_without_a_producer()
    {
        var g = new GraphDef();
        Placeholder(g, "x", DType.Float);
        Placeholder(g, "b", DType.Float);
        Node(g, "sq", "Square", DType.Float, "x");
        Node(g, "add", "AddV2", DType.Float, "b", "sq");
        Node(g, "relu", "Relu", DType.Float, "add");
        var steps = RunBoth(g, [("x:0", Random(DType.Float, 4, 5, 3, 19)), ("b:0", Random(DType.Float, 5, 19))], "relu:0");
        Assert.AreEqual("_FusedBiasAdd", steps["relu"]);
        Assert.IsTrue(steps.ContainsKey("sq"));
    }

    [TestMethod]
    public void Conv2D_bias_relu_fuses()
    {
        var g = new GraphDef();
        Placeholder(g, "x", DType.Float);
        Placeholder(g, "f", DType.Float);
        Placeholder(g, "b", DType.Float);
        var conv = Node(g, "conv", "Conv2D", DType.Float, "x", "f");
        conv.Attr["strides"] = AttrValue.Of(new long[] { 1, 1, 1, 1 });
        conv.Attr["padding"] = "SAME";
        Node(g, "add", "BiasAdd", DType.Float, "conv", "b");
        Node(g, "relu", "Relu", DType.Float, "add");
        var steps = RunBoth(g, [("x:0", Random(DType.Float, 6, 2, 7, 5, 3)), ("f:0", Random(DType.Float, 7, 3, 3, 3, 11)), ("b:0", Random(DType.Float, 8, 11))], "relu:0");
        Assert.AreEqual("_FusedConv2D", steps["relu"]);
    }

    [TestMethod]
    public void Fetched_intermediates_are_not_fused_away()
    {
        var steps = RunBoth(Dense(DType.Float), DenseFeeds(DType.Float, 6, 5, 4), "relu:0", "mm:0");
        Assert.AreEqual("MatMul", steps["mm"]);
        Assert.AreEqual("_FusedBiasAdd", steps["relu"], "the add and relu still fuse: their intermediate is private");
        steps = RunBoth(Dense(DType.Float), DenseFeeds(DType.Float, 6, 5, 4), "relu:0", "add:0");
        Assert.AreEqual("_FusedMatMul", steps["add"]);
        Assert.AreEqual("Relu", steps["relu"]);
    }

    [TestMethod]
    public void Fed_intermediates_are_not_fused()
    {
        var feeds = DenseFeeds(DType.Float, 6, 5, 4).Append(("add:0", Random(DType.Float, 9, 6, 4))).ToArray();
        var steps = RunBoth(Dense(DType.Float), feeds, "relu:0");
        Assert.AreEqual("Relu", steps["relu"]);
        Assert.IsFalse(steps.ContainsKey("mm"));
        feeds = DenseFeeds(DType.Float, 6, 5, 4).Append(("mm:0", Random(DType.Float, 10, 6, 4))).ToArray();
        steps = RunBoth(Dense(DType.Float), feeds, "relu:0");
        Assert.AreEqual("_FusedBiasAdd", steps["relu"], "only the fed MatMul stays out");
    }

    [TestMethod]
    public void Intermediates_with_two_readers_or_a_control_edge_are_not_fused()
    {
        var g = Dense(DType.Float);
        Node(g, "other", "Neg", DType.Float, "mm");
        var steps = RunBoth(g, DenseFeeds(DType.Float, 3, 4, 5), "relu:0", "other:0");
        Assert.AreEqual("MatMul", steps["mm"]);
        g = Dense(DType.Float);
        Node(g, "twice", "Mul", DType.Float, "add", "add");
        steps = RunBoth(g, DenseFeeds(DType.Float, 3, 4, 5), "relu:0", "twice:0");
        Assert.AreEqual("_FusedMatMul", steps["add"]);
        Assert.AreEqual("Relu", steps["relu"]);
        g = Dense(DType.Float);
        g.Add(new NodeDef("after", "NoOp") { Input = { "^mm" } });
        Placeholder(g, "c", DType.Float);
        Node(g, "gated", "Identity", DType.Float, "c", "^after");
        steps = RunBoth(g, [.. DenseFeeds(DType.Float, 3, 4, 5), ("c:0", Random(DType.Float, 11, 2))], "relu:0", "gated:0");
        Assert.AreEqual("MatMul", steps["mm"], "a control edge from the MatMul pins it");
    }

    private static void ShapeOf(GraphDef g, string name, string input)
    {
        var n = Node(g, name, "Shape", DType.Float, input);
        n.Attr["out_type"] = DType.Int32;
    }

    [TestMethod]
    public void Shape_readers_of_the_product_see_its_shape_from_the_fused_step()
    {
        // The gradient of x·w + b reads Shape(x·w): the MatMul still fuses, and the shape comes from output 1.
        var g = Dense(DType.Float);
        ShapeOf(g, "shp", "mm");
        var steps = RunBoth(g, DenseFeeds(DType.Float, 6, 5, 4), "relu:0", "shp:0");
        Assert.AreEqual("_FusedMatMul", steps["relu"]);
        using var s = Session(g, fuse: true);
        CollectionAssert.AreEqual(new[] { 6, 4 }, s.Run(DenseFeeds(DType.Float, 6, 5, 4), ["shp:0"], [])[0].ToArray<int>());
        // On the unfused path inside the step (the "bias" broadcasts the product up) it is still the product's shape.
        var wide = DenseFeeds(DType.Float, 4, 3, 1);
        wide[2] = ("b:0", Random(DType.Float, 13, 5));
        RunBoth(g, wide, "relu:0", "shp:0");
        CollectionAssert.AreEqual(new[] { 4, 1 }, s.Run(wide, ["shp:0"], [])[0].ToArray<int>());
    }

    [TestMethod]
    public void A_shape_reader_that_runs_before_the_chain_ends_keeps_the_product_unfused()
    {
        var g = new GraphDef();
        foreach (var p in new[] { "x", "w", "b" }) Placeholder(g, p, DType.Float);
        Node(g, "mm", "MatMul", DType.Float, "x", "w");
        ShapeOf(g, "shp", "mm");   // inserted before the add, so ordered before the Relu
        Node(g, "add", "AddV2", DType.Float, "mm", "b");
        Node(g, "relu", "Relu", DType.Float, "add");
        var steps = RunBoth(g, DenseFeeds(DType.Float, 3, 2, 7), "relu:0", "shp:0");
        Assert.AreEqual("MatMul", steps["mm"]);
        Assert.AreEqual("_FusedBiasAdd", steps["relu"]);
    }

    /// <summary>dz = ReluGrad(g, f), db = BiasAddGrad(dz), read by Neg (so db is not itself fetched).</summary>
    private static GraphDef Backward(DType t = DType.Float)
    {
        var g = new GraphDef();
        Placeholder(g, "g", t);
        Placeholder(g, "f", t);
        Node(g, "rg", "ReluGrad", t, "g", "f");
        Node(g, "bg", "BiasAddGrad", t, "rg");
        Node(g, "neg", "Neg", t, "bg");
        return g;
    }

    [TestMethod]
    [DataRow(DType.Float, new long[] { 5, 7 })]
    [DataRow(DType.Float, new long[] { 1, 1 })]
    [DataRow(DType.Float, new long[] { 2, 3, 4, 19 })]
    [DataRow(DType.Double, new long[] { 33, 10 })]
    public void ReluGrad_and_BiasAddGrad_are_one_step_with_bit_equal_results(DType t, long[] dims)
    {
        var steps = RunBoth(Backward(t), [("g:0", Random(t, 20, dims)), ("f:0", Random(t, 21, dims))], "rg:0", "neg:0");
        Assert.AreEqual("_FusedReluGradBiasAddGrad", steps["rg"]);
        Assert.IsFalse(steps.ContainsKey("bg"));
    }

    [TestMethod]
    public void A_fetched_bias_gradient_keeps_its_own_step()
    {
        var dims = new long[] { 4, 6 };
        var steps = RunBoth(Backward(), [("g:0", Random(DType.Float, 22, dims)), ("f:0", Random(DType.Float, 23, dims))], "neg:0", "bg:0");
        Assert.AreEqual("ReluGrad", steps["rg"]);
        Assert.AreEqual("BiasAddGrad", steps["bg"]);
    }

    [TestMethod]
    public void Backward_shapes_outside_the_fused_pass_fail_as_the_original_nodes_do()
    {
        using var s = Session(Backward(), fuse: true);
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() =>
            s.Run([("g:0", Random(DType.Float, 24, 3, 4)), ("f:0", Random(DType.Float, 25, 4, 3))], ["neg:0"], []));
        Assert.AreEqual("rg", e.NodeName);
        e = Assert.ThrowsExactly<InvalidArgumentException>(() =>
            s.Run([("g:0", Random(DType.Float, 26, 5)), ("f:0", Random(DType.Float, 27, 5))], ["neg:0"], []));
        Assert.AreEqual("bg", e.NodeName);
        StringAssert.Contains(e.Message, "at least 2D");
    }

    [TestMethod]
    public void Shapes_the_fast_path_does_not_cover_give_the_unfused_results()
    {
        // A full-matrix "bias" and a scalar: AddV2's broadcasting, computed by its own kernel inside the fused step.
        var feeds = DenseFeeds(DType.Float, 4, 3, 5);
        feeds[2] = ("b:0", Random(DType.Float, 12, 4, 5));
        Assert.AreEqual("_FusedMatMul", RunBoth(Dense(DType.Float), feeds, "relu:0")["relu"]);
        feeds[2] = ("b:0", HostTensor.Scalar(0.5f));
        RunBoth(Dense(DType.Float), feeds, "relu:0");
        // A bias that broadcasts the product up: [4,1] + [5].
        var wide = DenseFeeds(DType.Float, 4, 3, 1);
        wide[2] = ("b:0", Random(DType.Float, 13, 5));
        RunBoth(Dense(DType.Float), wide, "relu:0");
    }

    [TestMethod]
    public void Errors_inside_a_fused_step_name_the_original_node()
    {
        var feeds = DenseFeeds(DType.Float, 4, 3, 5);
        feeds[2] = ("b:0", Random(DType.Float, 14, 6));
        using var s = Session(Dense(DType.Float, "BiasAdd"), fuse: true);
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => s.Run(feeds, ["relu:0"], []));
        Assert.AreEqual("add", e.NodeName);
        StringAssert.Contains(e.Message, "Must provide as many biases as the channel dimension");
        var bad = DenseFeeds(DType.Float, 4, 3, 5);
        bad[1] = ("w:0", Random(DType.Float, 15, 7, 5));
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => s.Run(bad, ["relu:0"], []));
        Assert.AreEqual("mm", e.NodeName);
        StringAssert.Contains(e.Message, "Matrix size-incompatible");
    }

    [TestMethod]
    public void Traced_runs_report_the_fused_step_under_the_last_nodes_name()
    {
        using var s = Session(Dense(DType.Float), fuse: true);
        var md = new RunMetadata();
        s.Run(DenseFeeds(DType.Float, 2, 3, 4), ["relu:0"], [], new RunOptions { TraceLevel = RunOptions.Types.TraceLevel.FullTrace }, md);
        var stats = md.StepStats.DevStats[0].NodeStats;
        var relu = stats.Single(n => n.NodeName == "relu");
        StringAssert.StartsWith(relu.TimelineLabel, "relu = _FusedMatMul(x, w, b)");
        Assert.IsFalse(stats.Any(n => n.NodeName is "mm" or "add"));
    }
}
