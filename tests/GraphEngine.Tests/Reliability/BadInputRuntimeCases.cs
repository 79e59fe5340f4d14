using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model.Serialization;
using GraphEngine.Runtime.Io;
using GraphEngine.Runtime.Io.TensorBundle;
using NumSharp;

namespace GraphEngine.Tests.Reliability;

public sealed partial class BadInputCatalogTests
{
    /// <summary>Errors only the kernels can see: the shapes and values arrive with the feeds.</summary>
    private static IEnumerable<Case> KernelCases =>
    [
        C<InvalidArgumentException>("gather index past the end", _ =>
        {
            var i = tf.placeholder(tf.int32, new[] { 2 }, name: "idx");
            var g = tf.gather(tf.zeros(new[] { 4, 2 }), i, name: "gather_rows");
            using var s = tf.Session();
            s.run(g, (i, new[] { 1, 7 }));
        }, "gather_rows", "7"),
        C<InvalidArgumentException>("negative gather index", _ =>
        {
            var i = tf.placeholder(tf.int64, new[] { 1 }, name: "idx");
            var g = tf.gather(tf.zeros(new[] { 4 }), i, name: "gather_neg");
            using var s = tf.Session();
            s.run(g, (i, new[] { -1L }));
        }, "gather_neg", "-1"),
        C<InvalidArgumentException>("gather_nd index tuple past the end", _ =>
        {
            var i = tf.placeholder(tf.int32, new[] { 2, 2 }, name: "idx");
            var g = tf.gather_nd(tf.zeros(new[] { 3, 2 }), i, name: "gather_nd_rows");
            using var s = tf.Session();
            s.run(g, (i, new[,] { { 0, 1 }, { 3, 0 } }));
        }, "gather_nd_rows", "indices[1] = [3, 0]", "[3,2]"),
        C<InvalidArgumentException>("scatter_nd negative index", _ =>
        {
            var i = tf.placeholder(tf.int64, new[] { 2, 1 }, name: "idx");
            var g = tf.scatter_nd(i, tf.ones(new[] { 2 }), new long[] { 4 }, name: "scatter_neg");
            using var s = tf.Session();
            s.run(g, (i, new long[,] { { 1 }, { -2 } }));
        }, "scatter_neg", "indices[1] = [-2]", "[4]"),
        C<InvalidArgumentException>("scatter_nd index past the output shape", _ =>
        {
            var i = tf.placeholder(tf.int32, new[] { 1, 2 }, name: "idx");
            var g = tf.scatter_nd(i, tf.ones(new[] { 1 }), new[] { 2, 2 }, name: "scatter_far");
            using var s = tf.Session();
            s.run(g, (i, new[,] { { 1, 2 } }));
        }, "scatter_far", "[1, 2]", "[2,2]"),
        C<InvalidArgumentException>("one_hot with a fed negative depth", _ =>
        {
            var d = tf.placeholder(tf.int32, new int[0], name: "depth");
            var y = tf.one_hot(new[] { 0, 1 }, d, name: "hot");
            using var s = tf.Session();
            s.run(y, (d, -1));
        }, "hot", "depth", "-1"),
        C<InvalidArgumentException>("one_hot with a constant negative depth", _ => tf.one_hot(new[] { 0 }, -4, name: "hot_const"), "hot_const", "-4"),
        C<InvalidArgumentException>("unsorted_segment_sum id past num_segments", _ =>
        {
            var ids = tf.placeholder(tf.int32, new[] { 2 }, name: "ids");
            var y = tf.unsorted_segment_sum(tf.ones(new[] { 2 }), ids, 3, name: "segsum");
            using var s = tf.Session();
            s.run(y, (ids, new[] { 0, 3 }));
        }, "segsum", "segment_ids[1] = 3"),
        C<InvalidArgumentException>("integer division by zero", _ =>
        {
            var d = tf.placeholder(tf.int32, new[] { 2 }, name: "d");
            var q = tf.floordiv(tf.constant(new[] { 4, 5 }), d, name: "int_div");
            using var s = tf.Session();
            s.run(q, (d, new[] { 2, 0 }));
        }, "int_div", "zero"),
        C<InvalidArgumentException>("integer modulo by zero", _ =>
        {
            var d = tf.placeholder(tf.int64, new[] { 1 }, name: "d");
            var q = tf.floormod(tf.constant(new[] { 4L }), d, name: "int_mod");
            using var s = tf.Session();
            s.run(q, (d, new[] { 0L }));
        }, "int_mod", "zero"),
        C<InvalidArgumentException>("reshape of a fed tensor to an impossible size", _ =>
        {
            var x = tf.placeholder(tf.float32, name: "x");
            var r = tf.reshape(x, new[] { -1, 4 }, name: "fed_reshape");
            using var s = tf.Session();
            s.run(r, (x, new float[6]));
        }, "fed_reshape", "6", "4"),
        C<InvalidArgumentException>("matmul of fed tensors whose inner dimensions differ", _ =>
        {
            var a = tf.placeholder(tf.float32, name: "a");
            var b = tf.placeholder(tf.float32, name: "b");
            var m = tf.matmul(a, b, name: "fed_matmul");
            using var s = tf.Session();
            s.run(m, (a, new float[2, 3]), (b, new float[4, 2]));
        }, "fed_matmul", "3", "4"),
        C<InvalidArgumentException>("add of fed tensors that do not broadcast", _ =>
        {
            var a = tf.placeholder(tf.float32, name: "a");
            var b = tf.placeholder(tf.float32, name: "b");
            var m = tf.add(a, b, name: "fed_add");
            using var s = tf.Session();
            s.run(m, (a, new float[2, 3]), (b, new float[2, 2]));
        }, "fed_add", "[2,3]", "[2,2]"),
        C<InvalidArgumentException>("conv2d over a fed input smaller than the filter", _ =>
        {
            var x = tf.placeholder(tf.float32, new[] { 1, -1, -1, 1 }, name: "img");
            var c = tf.nn.conv2d(x, tf.zeros(new[] { 5, 5, 1, 1 }), [1, 1, 1, 1], "VALID", name: "fed_conv");
            using var s = tf.Session();
            s.run(c, (x, new float[1, 3, 3, 1]));
        }, "fed_conv"),
        C<InvalidArgumentException>("sparse cross-entropy label out of range", _ =>
        {
            var labels = tf.placeholder(tf.int32, new[] { 2 }, name: "labels");
            var loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels: labels, logits: tf.zeros(new[] { 2, 3 }), name: "sxent");
            using var s = tf.Session();
            s.run(loss, (labels, new[] { 0, 3 }));
        }, "sxent", "3"),
        C<InvalidArgumentException>("reshape to a fed shape with two unknown dimensions", _ =>
        {
            var shape = tf.placeholder(tf.int32, new[] { 2 }, name: "shape");
            var r = tf.reshape(tf.zeros(new[] { 2, 3 }), shape, name: "fed_shape_reshape");
            using var s = tf.Session();
            s.run(r, (shape, new[] { -1, -1 }));
        }, "fed_shape_reshape", "-1"),
        C<InvalidArgumentException>("fill with a negative fed dimension", _ =>
        {
            var dims = tf.placeholder(tf.int32, new[] { 2 }, name: "dims");
            var f = tf.fill(dims, 1f, name: "fed_fill");
            using var s = tf.Session();
            s.run(f, (dims, new[] { 2, -3 }));
        }, "fed_fill", "-3"),
        C<InvalidArgumentException>("tile with a negative fed multiple", _ =>
        {
            var m = tf.placeholder(tf.int32, new[] { 1 }, name: "multiples");
            var t = tf.tile(tf.zeros(new[] { 2 }), m, name: "fed_tile");
            using var s = tf.Session();
            s.run(t, (m, new[] { -1 }));
        }, "fed_tile", "-1"),
        C<InvalidArgumentException>("tile with fed multiples longer than the rank", _ =>
        {
            var m = tf.placeholder(tf.int32, name: "multiples");
            var t = tf.tile(tf.zeros(new[] { 2 }), m, name: "fed_tile_rank");
            using var s = tf.Session();
            s.run(t, (m, new[] { 2, 2 }));
        }, "fed_tile_rank"),
        C<InvalidArgumentException>("concat of fed tensors with mismatched dims", _ =>
        {
            var a = tf.placeholder(tf.float32, name: "a");
            var b = tf.placeholder(tf.float32, name: "b");
            var c = tf.concat(new[] { a, b }, 0, name: "fed_concat");
            using var s = tf.Session();
            s.run(c, (a, new float[2, 3]), (b, new float[2, 4]));
        }, "fed_concat", "3", "4"),
        C<InvalidArgumentException>("gather along axis 1 with a fed index past the end", _ =>
        {
            var i = tf.placeholder(tf.int32, new[] { 1 }, name: "idx");
            var g = tf.gather(tf.zeros(new[] { 2, 3 }), i, axis: 1, name: "gather_cols");
            using var s = tf.Session();
            s.run(g, (i, new[] { 3 }));
        }, "gather_cols", "3"),
        C<InvalidArgumentException>("assign of a fed value of another shape", _ =>
        {
            var v = tf.Variable(tf.zeros(new[] { 2 }), name: "v");
            var x = tf.placeholder(tf.float32, name: "x");
            var a = v.assign(x, name: "fed_assign");
            using var s = tf.Session();
            s.run(tf.global_variables_initializer());
            s.run(a, (x, new float[3]));
        }, "fed_assign", "[2]", "[3]"),
        C<InvalidArgumentException>("NaN loss caught by tf.debugging.check_numerics", _ =>
        {
            var x = tf.placeholder(tf.float32, new[] { 2 }, name: "x");
            var w = tf.Variable(tf.ones(new[] { 2 }), name: "w");
            var loss = tf.debugging.check_numerics(tf.reduce_sum(tf.log(x * w.value())), "loss is finite", name: "checked_loss");
            var train = tf.train.GradientDescentOptimizer(0.1f).minimize(loss);
            using var s = tf.Session();
            s.run(tf.global_variables_initializer());
            s.run(train, (x, new[] { 1f, -1f }));
        }, "checked_loss", "loss is finite : Tensor had NaN values"),
        C<InvalidArgumentException>("Inf loss caught by tf.add_check_numerics_ops naming the tensor", _ =>
        {
            var x = tf.placeholder(tf.float32, new[] { 2 }, name: "x");
            var w = tf.Variable(tf.ones(new[] { 2 }), name: "w");
            var loss = tf.reduce_sum(tf.log(x * w.value()), name: "total_loss");
            tf.train.GradientDescentOptimizer(0.1f).minimize(loss);
            var checks = tf.add_check_numerics_ops();
            using var s = tf.Session();
            s.run(tf.global_variables_initializer());
            // Run the checks alone: run with the train op, a check on w/read may see the update of the same step
            // (the read aliases the variable, as in TF1), so which check fails first would depend on scheduling.
            s.run(checks, (x, new[] { 1f, 0f }));
        }, "Log:0 : Tensor had Inf values"),
        C<InvalidArgumentException>("tf.Assert on fed data naming the assert and the values", _ =>
        {
            var x = tf.placeholder(tf.int32, new[] { 3 }, name: "labels");
            var ok = tf.debugging.assert_non_negative(x, message: "labels must be >= 0", name: "labels_ok");
            using var s = tf.Session();
            s.run(ok, (x, new[] { 1, -4, 2 }));
        }, "labels_ok", "labels must be >= 0", "1 -4 2"),
        C<NotFoundException>("host function token unknown to this process", _ =>
        {
            var x = tf.placeholder(tf.float32, new[] { 1 }, name: "x");
            var y = new OpBuilder(Ops.Script.ScriptOps.PyFunc, "foreign_py_func").InputList([x]).Attr("token", "pyfunc_17")
                .Attr("Tout", AttrValue.Of(new[] { tf.float32 })).Build().outputs[0];
            using var s = tf.Session();
            s.run(y, (x, new[] { 1f }));
        }, "foreign_py_func", "pyfunc_17"),
    ];

    private const string PlaceholderNode = "node { name: \"x\" op: \"Placeholder\" attr { key: \"dtype\" value { type: DT_FLOAT } } }\n";

    private static IEnumerable<Case> ImportCases =>
    [
        C<UnimplementedException>("unknown op type in an imported graph", _ =>
            tf.import_graph_def(ParseGraph(PlaceholderNode + "node { name: \"y\" op: \"FancyNewOp\" input: \"x\" }"), name: ""), "FancyNewOp"),
        C<InvalidArgumentException>("cycle via control dependencies in an imported graph", _ =>
        {
            tf.import_graph_def(ParseGraph(
                "node { name: \"a\" op: \"NoOp\" input: \"^b\" }\nnode { name: \"b\" op: \"NoOp\" input: \"^a\" }"), name: "");
        }, "cycle"),
        C<InvalidArgumentException>("input naming a node that does not exist", _ =>
            tf.import_graph_def(ParseGraph(PlaceholderNode + "node { name: \"y\" op: \"Neg\" input: \"ghost\" attr { key: \"T\" value { type: DT_FLOAT } } }"), name: ""),
            "ghost"),
        C<InvalidArgumentException>("input naming an output index that does not exist", _ =>
            tf.import_graph_def(ParseGraph(PlaceholderNode + "node { name: \"y\" op: \"Neg\" input: \"x:4\" attr { key: \"T\" value { type: DT_FLOAT } } }"), name: ""),
            "'y'", "output 4", "x"),
        C<InvalidArgumentException>("attr of the wrong type", _ =>
            tf.import_graph_def(ParseGraph("node { name: \"x\" op: \"Placeholder\" attr { key: \"dtype\" value { i: 3 } } }"), name: ""),
            "dtype"),
        C<InvalidArgumentException>("missing required attr", _ =>
            tf.import_graph_def(ParseGraph("node { name: \"x\" op: \"Placeholder\" }"), name: ""), "dtype", "x"),
        C<InvalidArgumentException>("two nodes with one name", _ =>
            tf.import_graph_def(ParseGraph(PlaceholderNode + PlaceholderNode), name: ""), "x"),
        C<InvalidArgumentException>("edge dtype mismatch", _ =>
            tf.import_graph_def(ParseGraph(PlaceholderNode + "node { name: \"y\" op: \"Neg\" input: \"x\" attr { key: \"T\" value { type: DT_INT32 } } }"), name: ""),
            "y"),
        C<InvalidArgumentException>("wrong number of inputs", _ =>
            tf.import_graph_def(ParseGraph(PlaceholderNode + "node { name: \"y\" op: \"Neg\" input: \"x\" input: \"x\" attr { key: \"T\" value { type: DT_FLOAT } } }"), name: ""),
            "y"),
        C<InvalidArgumentException>("malformed text GraphDef", _ => ParseGraph("node { name: \"x\" op: "), "<text>:1:22", "'op'"),
        C<DataLossException>("binary GraphDef that is not a protobuf", _ => GraphDefIO.ReadBinary(new byte[] { 0x0A, 0xFF, 0xFF, 0xFF, 0x0F, 1 }), "GraphDef"),
        C<NotFoundException>("GraphDef file that does not exist", dir => GraphDefIO.Read(Path.Combine(dir, "missing.pb")), "missing.pb"),
        C<InvalidArgumentException>("input_map of an unknown tensor", _ =>
            tf.import_graph_def(ParseGraph(PlaceholderNode), input_map: new Dictionary<string, Tensor> { ["nope:0"] = tf.constant(1f) }, name: "imp"),
            "nope:0"),
    ];

    private static IEnumerable<Case> CheckpointCases =>
    [
        C<NotFoundException>("restore of a variable missing from the checkpoint", dir =>
        {
            var prefix = SaveOneVariable(dir, "a", [1, 2], [2]);
            tf.Variable(tf.zeros(new[] { 2 }), name: "b_missing");
            var saver = tf.train.Saver();
            using var s = tf.Session();
            saver.restore(s, prefix);
        }, "b_missing"),
        C<InvalidArgumentException>("restore into a variable of another shape", dir =>
        {
            var prefix = SaveOneVariable(dir, "a", [1, 2], [2]);
            tf.Variable(tf.zeros(new[] { 3 }), name: "a");
            var saver = tf.train.Saver();
            using var s = tf.Session();
            saver.restore(s, prefix);
        }, "a", "[2]", "[3]"),
        C<NotFoundException>("restore from a prefix that does not exist", dir =>
        {
            tf.Variable(tf.zeros(new[] { 2 }), name: "a");
            var saver = tf.train.Saver();
            using var s = tf.Session();
            saver.restore(s, Path.Combine(dir, "nothing-here"));
        }, "nothing-here"),
        C<DataLossException>("checkpoint data with a flipped byte", dir =>
        {
            var prefix = SaveOneVariable(dir, "a", [1, 2, 3, 4], [4]);
            var data = BundleNaming.DataFile(prefix, 0, 1);
            var bytes = File.ReadAllBytes(data);
            bytes[5] ^= 0x10;
            File.WriteAllBytes(data, bytes);
            CheckpointReader.Open(prefix).get_tensor("a");
        }, "a", "data-00000-of-00001"),
        C<DataLossException>("truncated checkpoint data", dir =>
        {
            var prefix = SaveOneVariable(dir, "a", [1, 2, 3, 4], [4]);
            var data = BundleNaming.DataFile(prefix, 0, 1);
            File.WriteAllBytes(data, File.ReadAllBytes(data)[..6]);
            CheckpointReader.Open(prefix).get_tensor("a");
        }, "a"),
        C<DataLossException>("truncated checkpoint index", dir =>
        {
            var prefix = SaveOneVariable(dir, "a", [1, 2], [2]);
            var index = BundleNaming.IndexFile(prefix);
            File.WriteAllBytes(index, File.ReadAllBytes(index)[..20]);
            CheckpointReader.Open(prefix);
        }, ".index"),
        C<DataLossException>("empty checkpoint index", dir =>
        {
            var prefix = SaveOneVariable(dir, "a", [1, 2], [2]);
            File.WriteAllBytes(BundleNaming.IndexFile(prefix), []);
            CheckpointReader.Open(prefix);
        }, ".index"),
        C<DataLossException>("checkpoint index with a wrong magic", dir =>
        {
            var prefix = SaveOneVariable(dir, "a", [1, 2], [2]);
            var index = BundleNaming.IndexFile(prefix);
            var bytes = File.ReadAllBytes(index);
            bytes[^1] ^= 0xFF;
            File.WriteAllBytes(index, bytes);
            CheckpointReader.Open(prefix);
        }, "magic"),
        C<NotFoundException>("checkpoint data file deleted", dir =>
        {
            var prefix = SaveOneVariable(dir, "a", [1, 2], [2]);
            File.Delete(BundleNaming.DataFile(prefix, 0, 1));
            CheckpointReader.Open(prefix).get_tensor("a");
        }, "data-00000-of-00001"),
        C<NotFoundException>("checkpoint state file pointing to a deleted prefix", dir =>
        {
            var prefix = SaveOneVariable(dir, "a", [1, 2], [2]);
            File.Delete(BundleNaming.IndexFile(prefix));
            tf.Variable(tf.zeros(new[] { 2 }), name: "a");
            var saver = tf.train.Saver();
            using var s = tf.Session();
            var latest = tf.train.latest_checkpoint(dir);
            saver.restore(s, latest ?? throw new NotFoundException($"no checkpoint in {dir}: the state file names {prefix}, which is gone"));
        }, "model.ckpt"),
        C<NotFoundException>("get_tensor of a name not in the checkpoint", dir =>
        {
            var prefix = SaveOneVariable(dir, "weights", [1, 2], [2]);
            CheckpointReader.Open(prefix).get_tensor("wieghts");
        }, "wieghts"),
        C<InvalidArgumentException>("corrupt checkpoint state file", dir =>
        {
            File.WriteAllText(Path.Combine(dir, "checkpoint"), "model_checkpoint_path: \"unterminated");
            tf.train.get_checkpoint_state(dir);
        }, "checkpoint"),
        C<DataLossException>("legacy or foreign file given as an index", dir =>
        {
            var prefix = Path.Combine(dir, "foreign");
            File.WriteAllText(BundleNaming.IndexFile(prefix), "this is not an sstable at all, just some text long enough for a footer..........");
            CheckpointReader.Open(prefix);
        }, "foreign"),
    ];
}
