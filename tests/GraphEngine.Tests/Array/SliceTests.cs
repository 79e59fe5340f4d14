using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Model.Serialization;
using GraphEngine.TestKit;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using Case = GraphEngine.Tests.Autodiff.GradientCheckTests.Case;

namespace GraphEngine.Tests.Arrays;

/// <summary>tf.slice, tf.strided_slice, the Tensor indexer and their gradients.</summary>
[TestClass]
public sealed class SliceTests
{
    private static IDisposable NewGraph() => new GraphEngine.Graph().as_default();

    private static OpBuilder Masked(OpBuilder b, int begin, int end, int shrink) =>
        b.Attr("begin_mask", begin).Attr("end_mask", end).Attr("shrink_axis_mask", shrink);

    /// <summary>Slicing cases, plus those of the split and pad families (one line in GradientCheckTests).</summary>
    public static IEnumerable<Case> GradientCases =>
    [
        new("Slice", "constant begin, size -1", x => tf.slice(x[0], new[] { 1, 0 }, new[] { 2, -1 }), [[3, 4]]),
        new("Slice", "begin known only at run time", x => tf.slice(x[0], tf.identity(tf.constant(new[] { 0, 1 })), new[] { 2, 2 }), [[2, 4]]),
        new("StridedSlice", "shrink, reverse, step 2", x => x[0][1, (..).Step(-1), tf.slice_spec(1, null, 2)], [[2, 3, 4]]),
        new("StridedSlice", "new axis, ellipsis, last element", x => x[0][tf.newaxis, tf.ellipsis, ^1], [[2, 3]]),
        new("StridedSlice", "unknown input shape", x => tf.placeholder_with_default(x[0], new[] { -1, 3 })["1:, :2"], [[3, 3]]),
        new("StridedSliceGrad", "dy scattered back", x => Masked(new OpBuilder(Ops.Array.ArrayOps.StridedSliceGrad), 0b010, 0b110, 0b001)
            .Input(tf.constant(new[] { 2, 3, 4 })).Input(tf.constant(new[] { 1, 0, 1 })).Input(tf.constant(new[] { 2, 0, 0 }))
            .Input(tf.constant(new[] { 1, -1, 2 })).Input(x[0]).Build().outputs[0], [[3, 2]]),
        .. SplitTests.GradientCases,
        .. PadTests.GradientCases,
    ];

    private static Tensor Iota(params int[] dims)
    {
        int n = dims.Aggregate(1, (a, b) => a * b);
        return tf.reshape(tf.constant(Enumerable.Range(0, n).ToArray()), dims);
    }

    private static int[] Run(Tensor t)
    {
        using var sess = tf.Session();
        return sess.run(t).ToArray<int>();
    }

    [TestMethod]
    public void Slice_and_strided_slice_builders_name_and_compute_like_tf()
    {
        using var _ = NewGraph();
        var x = Iota(3, 4);
        var s = tf.slice(x, new[] { 1, 1 }, new[] { 2, -1 });
        Assert.AreEqual("Slice", s.op.name);
        CollectionAssert.AreEqual(new[] { "Reshape", "Slice/begin", "Slice/size" }, s.op.inputs.Select(i => i.op.name).ToArray());
        Assert.AreEqual("[2,3]", s.shape.ToString());
        CollectionAssert.AreEqual(new[] { 5, 6, 7, 9, 10, 11 }, Run(s));
        var ss = tf.strided_slice(x, new[] { 2, 0 }, new[] { 0, 4 }, new[] { -1, 3 }, end_mask: 1);
        Assert.AreEqual("StridedSlice", ss.op.name);
        Assert.AreEqual(1L, ss.op.get_attr("end_mask").I);
        Assert.AreEqual("[3,2]", ss.shape.ToString());
        CollectionAssert.AreEqual(new[] { 8, 11, 4, 7, 0, 3 }, Run(ss));
        var ones = tf.strided_slice(x, new[] { 1 }, new[] { 2 }, name: "row");
        Assert.AreEqual("row", ones.op.name);
        Assert.AreEqual("[1,4]", ones.shape.ToString());
        // A begin tensor gets strides = ones_like(begin), as in TF; the shape is then known only at run time.
        var dyn = tf.strided_slice(x, tf.identity(tf.constant(new[] { 1 })), new[] { 3 });
        Assert.AreEqual("OnesLike", dyn.op.inputs[3].op.type);
        Assert.IsFalse(dyn.shape.HasRank);
        CollectionAssert.AreEqual(Enumerable.Range(4, 8).ToArray(), Run(dyn));
    }

    [TestMethod]
    public void Indexer_reads_like_tf1()
    {
        using var _ = NewGraph();
        var x = Iota(2, 3, 4);   // x[i,j,k] = 12i + 4j + k
        var first = x[1];
        Assert.AreEqual("strided_slice", first.op.name);
        CollectionAssert.AreEqual(new[] { "Reshape", "strided_slice/stack", "strided_slice/stack_1", "strided_slice/stack_2" },
            first.op.inputs.Select(i => i.op.name).ToArray());
        Assert.AreEqual(1L, first.op.get_attr("shrink_axis_mask").I);
        Assert.AreEqual("[3,4]", first.shape.ToString());
        CollectionAssert.AreEqual(Enumerable.Range(12, 12).ToArray(), Run(first));
        CollectionAssert.AreEqual(Run(first), Run(x[^1]));
        CollectionAssert.AreEqual(Run(first), Run(x[-1]));

        var mixed = x[1, (..).Step(-1), tf.slice_spec(1, null, 2)];
        Assert.AreEqual("[3,2]", mixed.shape.ToString());
        CollectionAssert.AreEqual(new[] { 21, 23, 17, 19, 13, 15 }, Run(mixed));
        CollectionAssert.AreEqual(Run(mixed), Run(x["1, ::-1, 1::2"]));
        CollectionAssert.AreEqual(Run(mixed), Run(x[1, "::-1", (1..).Step(2)]));

        var last = x[tf.newaxis, tf.ellipsis, ^1];
        Assert.AreEqual("[1,2,3]", last.shape.ToString());
        CollectionAssert.AreEqual(new[] { 3, 7, 11, 15, 19, 23 }, Run(last));
        CollectionAssert.AreEqual(Run(last), Run(x["tf.newaxis, ..., -1"]));

        var ranges = x[.., 1..3, ^3..^1];
        Assert.AreEqual("[2,2,2]", ranges.shape.ToString());
        CollectionAssert.AreEqual(new[] { 5, 6, 9, 10, 17, 18, 21, 22 }, Run(ranges));
        Assert.AreEqual("[2,0,4]", x[.., 2..1].shape.ToString());
        Assert.AreEqual("[0,3,4]", x[^0..].shape.ToString());
        Assert.AreEqual("[2,3,4]", x[..].shape.ToString());
        CollectionAssert.AreEqual(new[] { 20, 16, 12, 8, 4, 0 }, Run(x[(..).Step(-1), (..).Step(-1), 0]));
    }

    [TestMethod]
    public void Indexer_with_tensors_and_partial_shapes()
    {
        using var _ = NewGraph();
        var p = tf.placeholder(tf.float64, new[] { -1, 3 });
        var i = tf.placeholder(tf.int32, new int[0]);
        var row = p[i];
        Assert.AreEqual("[3]", row.shape.ToString());
        Assert.AreEqual("Pack", row.op.inputs[1].op.type);
        var cols = p[.., tf.slice_spec(i, null, null)];
        Assert.AreEqual("[?,?]", cols.shape.ToString());
        var rows = p[1..];
        Assert.AreEqual("[?,3]", rows.shape.ToString());
        using var sess = tf.Session();
        var value = new double[,] { { 1, 2, 3 }, { 4, 5, 6 } };
        CollectionAssert.AreEqual(new[] { 4.0, 5, 6 }, sess.run(row, (p, value), (i, 1)).ToArray<double>());
        CollectionAssert.AreEqual(new[] { 3.0, 6 }, sess.run(cols, (p, value), (i, 2)).ToArray<double>());
        CollectionAssert.AreEqual(new[] { 4.0, 5, 6 }, sess.run(rows, (p, value)).ToArray<double>());
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => sess.run(row, (p, value), (i, 2)));
        StringAssert.Contains(e.Message, "slice index 2 of dimension 0 out of bounds.");
        StringAssert.Contains(e.Message, "strided_slice");
    }

    [TestMethod]
    public void Slices_of_a_shape_keep_known_dims_for_the_ops_built_from_them()
    {
        using var _ = NewGraph();
        var x = tf.placeholder(tf.float32, new[] { -1, 4, 5 });
        var shape = tf.shape(x);
        Assert.AreEqual("[4,5]", tf.fill(shape[1..], 1f).shape.ToString());
        Assert.AreEqual("[5,4,?]", tf.fill(shape[(..).Step(-1)], 1f).shape.ToString());
        Assert.AreEqual("[5,?]", tf.fill(tf.stack([shape[2], shape[0]]), 1f).shape.ToString());
        Assert.AreEqual("[?,20]", tf.reshape(x, tf.stack([shape[0], tf.constant(20)])).shape.ToString());
        // Not a shape: nothing is known beyond the rank.
        var v = tf.placeholder(tf.int32, new[] { 3 });
        Assert.AreEqual("[?,?]", tf.fill(v[1..], 1f).shape.ToString());
        using var sess = tf.Session();
        var filled = sess.run(tf.fill(shape[1..], 2f), (x, new float[1, 4, 5]));
        CollectionAssert.AreEqual(new long[] { 4, 5 }, filled.shape);
    }

    [TestMethod]
    public void Keras_flatten_slice_written_by_tf_runs_here()
    {
        // Keras' flatten takes shape(x)[1:] with a TF-written StridedSlice (end_mask 1); its Shape input
        // becomes a placeholder so the slice runs on its own.
        var keras = GraphDefIO.Read(TfData.Path("keras-cnn-graph-text-in-pb-file", "mnist.pb"));
        var def = new GraphDef { Producer = keras.Producer };
        var shape = new NodeDef("flatten_1/Shape", "Placeholder");
        shape.Attr["dtype"] = DType.Int32;
        def.Add(shape);
        foreach (var n in keras.Nodes.Where(n => n.Name.StartsWith("flatten_1/strided_slice", StringComparison.Ordinal))) def.Add(n.Clone());
        Assert.AreEqual(5, def.Count);
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        tf.import_graph_def(def, name: "");
        var slice = g.get_tensor_by_name("flatten_1/strided_slice:0");
        Assert.AreEqual("StridedSlice", slice.op.type);
        using var sess = tf.Session(g);
        CollectionAssert.AreEqual(new[] { 12, 12, 64 }, sess.run(slice, (g.get_tensor_by_name("flatten_1/Shape:0"), new[] { 2, 12, 12, 64 })).ToArray<int>());
    }

    [TestMethod]
    public void Bad_indices_are_invalid_arguments_naming_the_node()
    {
        using var _ = NewGraph();
        var x = Iota(2, 3);
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => x[2]);
        StringAssert.Contains(e.Message, "slice index 2 of dimension 0 out of bounds.");
        StringAssert.Contains(e.Message, "strided_slice");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => x[0, 0, 0]);
        StringAssert.Contains(e.Message, "Index out of range using input dim 2; input has only 2 dims");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => x[tf.ellipsis, 0, tf.ellipsis]);
        StringAssert.Contains(e.Message, "single ellipsis");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => x["1:2:3:4"]);
        StringAssert.Contains(e.Message, "Cannot parse the index item '1:2:3:4'");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => x[1.5]);
        StringAssert.Contains(e.Message, "got Double");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => x[^0]);
        StringAssert.Contains(e.Message, "^0 is past the last element");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => x[tf.slice_spec(null, null, 0)]);
        StringAssert.Contains(e.Message, "strides[0] must be non-zero");

        // Known only at run time (TF's shape function does not check begin + size): the kernel's
        // message names the node and the values.
        var p = tf.placeholder(tf.float32, new[] { -1 });
        var s = tf.slice(p, new[] { 3 }, new[] { 2 }, name: "late");
        var window = tf.slice(x, new[] { 0, 2 }, new[] { 1, 2 }, name: "window");
        Assert.AreEqual("[1,2]", window.shape.ToString());
        using var sess = tf.Session();
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => sess.run(window));
        StringAssert.Contains(e.Message, "Expected size[1] in [0, 1], but got 2");
        StringAssert.Contains(e.Message, "window");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => sess.run(s, (p, new float[] { 1, 2, 3, 4 })));
        StringAssert.Contains(e.Message, "Expected size[0] in [0, 1], but got 2");
        StringAssert.Contains(e.Message, "late");
    }

    [TestMethod]
    public void Gradients_scatter_back_into_the_input()
    {
        using var _ = NewGraph();
        var x = tf.placeholder(tf.float64, new[] { 2, 3 });
        var y = tf.reduce_sum(x[.., (..).Step(-2)] * tf.constant(new[] { 1.0, 10.0 }));
        var dx = tf.gradients(y, x)[0]!;
        Assert.AreEqual("StridedSliceGrad", dx.op.type);
        Assert.AreEqual("[2,3]", dx.shape.ToString());
        var ds = tf.gradients(tf.reduce_sum(tf.slice(x, new[] { 0, 1 }, new[] { 1, 2 })), x)[0]!;
        Assert.AreEqual("Pad", ds.op.type);
        Assert.AreEqual("[2,3]", ds.shape.ToString());
        using var sess = tf.Session();
        var value = new double[2, 3];
        CollectionAssert.AreEqual(new[] { 10.0, 0, 1, 10, 0, 1 }, sess.run(dx, (x, value)).ToArray<double>());
        CollectionAssert.AreEqual(new[] { 0.0, 1, 1, 0, 0, 0 }, sess.run(ds, (x, value)).ToArray<double>());
    }
}
