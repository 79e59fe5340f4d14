using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model.Serialization;
using GraphEngine.Runtime.Io;
using NumSharp;

namespace GraphEngine.Tests.Reliability;

public sealed partial class BadInputCatalogTests
{
    private static IEnumerable<Case> Cases => [.. FeedAndFetchCases, .. GraphBuildCases, .. KernelCases, .. ImportCases, .. CheckpointCases];

    private static IEnumerable<Case> FeedAndFetchCases =>
    [
        C<InvalidArgumentException>("feed of the wrong dtype", _ =>
        {
            var x = tf.placeholder(tf.float32, new[] { 2 }, name: "x");
            using var s = tf.Session();
            s.run(x * 2f, (x, new[] { "a", "b" }));
        }, "x", "float", "string"),
        C<InvalidArgumentException>("feed of the wrong shape", _ =>
        {
            var x = tf.placeholder(tf.float32, new[] { 2, 3 }, name: "x");
            using var s = tf.Session();
            s.run(x * 2f, (x, new float[3, 2]));
        }, "x", "[2,3]", "[3,2]"),
        C<InvalidArgumentException>("feed of the wrong rank", _ =>
        {
            var x = tf.placeholder(tf.float32, new[] { -1, 3 }, name: "x");
            using var s = tf.Session();
            s.run(x * 2f, (x, new float[3]));
        }, "x", "[?,3]"),
        C<InvalidArgumentException>("placeholder not fed", _ =>
        {
            var x = tf.placeholder(tf.float32, new[] { 2 }, name: "needs_feed");
            using var s = tf.Session();
            s.run(x * 2f);
        }, "needs_feed"),
        C<NotFoundException>("fetch of an unknown tensor name", _ =>
        {
            tf.constant(1f, name: "c");
            using var s = tf.Session();
            s.run("no_such_op:0");
        }, "no_such_op"),
        C<NotFoundException>("fetch of an output index past the op's outputs", _ =>
        {
            tf.constant(1f, name: "c");
            using var s = tf.Session();
            s.run("c:3");
        }, "c:3"),
        C<InvalidArgumentException>("feed of a tensor from another graph", _ =>
        {
            Tensor other;
            using (new GraphEngine.Graph().as_default()) other = tf.placeholder(tf.float32, new[] { 1 }, name: "elsewhere");
            var x = tf.placeholder(tf.float32, new[] { 1 }, name: "x");
            using var s = tf.Session();
            s.run(x * 2f, (x, new[] { 1f }), (other, new[] { 1f }));
        }, "elsewhere"),
        C<FailedPreconditionException>("reading an uninitialised variable", _ =>
        {
            var v = tf.Variable(1f, name: "never_initialised");
            using var s = tf.Session();
            s.run(v.value() * 2f);
        }, "never_initialised"),
        C<InvalidArgumentException>("feed of a ragged C# array", _ =>
        {
            var x = tf.placeholder(tf.float32, name: "x");
            using var s = tf.Session();
            s.run(x * 2f, (x, new[] { new[] { 1f, 2f }, new[] { 3f } }));
        }, "x"),
        C<InvalidArgumentException>("feed of an unsupported host type", _ =>
        {
            var x = tf.placeholder(tf.float32, name: "x");
            using var s = tf.Session();
            s.run(x * 2f, (x, new object()));
        }, "x"),
        C<FailedPreconditionException>("run on a closed session", _ =>
        {
            var c = tf.constant(1f, name: "c");
            var s = tf.Session();
            s.Dispose();
            s.run(c);
        }, "closed"),
    ];

    private static IEnumerable<Case> GraphBuildCases =>
    [
        C<InvalidArgumentException>("matmul inner dimensions differ", _ =>
            tf.matmul(tf.zeros(new[] { 2, 3 }, name: "a"), tf.zeros(new[] { 4, 5 }, name: "b"), name: "mm"), "mm", "3", "4"),
        C<InvalidArgumentException>("matmul of a vector", _ =>
            tf.matmul(tf.zeros(new[] { 3 }), tf.zeros(new[] { 3, 2 }), name: "mm"), "mm", "rank"),
        C<InvalidArgumentException>("add of incompatible shapes", _ =>
            tf.add(tf.zeros(new[] { 2, 3 }), tf.zeros(new[] { 4 }), name: "sum"), "sum", "[2,3]", "[4]"),
        C<InvalidArgumentException>("add of mixed dtypes", _ =>
            tf.add(tf.zeros(new[] { 2 }), tf.constant(new[] { 1, 2 }), name: "mixed"), "mixed", "int32", "float"),
        C<InvalidArgumentException>("reshape to an impossible size", _ =>
            tf.reshape(tf.zeros(new[] { 2, 3 }), new[] { 4, 2 }, name: "rs"), "rs", "6", "8"),
        C<InvalidArgumentException>("reshape with two unknown dimensions", _ =>
        {
            var r = tf.reshape(tf.zeros(new[] { 2, 3 }), new[] { -1, -1 }, name: "rs");
            using var s = tf.Session();
            s.run(r);
        }, "rs", "-1"),
        C<InvalidArgumentException>("reshape that cannot divide the inferred dimension", _ =>
            tf.reshape(tf.zeros(new[] { 2, 3 }), new[] { -1, 4 }, name: "rs"), "rs", "6", "4"),
        C<InvalidArgumentException>("conv2d filter larger than a VALID input", _ =>
            tf.nn.conv2d(tf.zeros(new[] { 1, 3, 3, 1 }), tf.zeros(new[] { 5, 5, 1, 2 }), [1, 1, 1, 1], "VALID", name: "conv"), "conv"),
        C<InvalidArgumentException>("conv2d channel mismatch", _ =>
            tf.nn.conv2d(tf.zeros(new[] { 1, 8, 8, 3 }), tf.zeros(new[] { 3, 3, 4, 2 }), [1, 1, 1, 1], "SAME", name: "conv"), "conv", "3", "4"),
        C<InvalidArgumentException>("conv2d with an unknown padding", _ =>
            tf.nn.conv2d(tf.zeros(new[] { 1, 8, 8, 3 }), tf.zeros(new[] { 3, 3, 3, 2 }), [1, 1, 1, 1], "FULL", name: "conv"), "FULL"),
        C<InvalidArgumentException>("conv2d with strides of the wrong length", _ =>
            tf.nn.conv2d(tf.zeros(new[] { 1, 8, 8, 3 }), tf.zeros(new[] { 3, 3, 3, 2 }), [1, 1, 1], "SAME", name: "conv"), "conv", "strides"),
        C<InvalidArgumentException>("max_pool with a window larger than the input", _ =>
            tf.nn.max_pool(tf.zeros(new[] { 1, 2, 2, 1 }), [1, 3, 3, 1], [1, 1, 1, 1], "VALID", name: "pool"), "pool"),
        C<InvalidArgumentException>("reduce over an axis out of range", _ =>
            tf.reduce_sum(tf.zeros(new[] { 2, 3 }), 2, name: "rsum"), "rsum", "2"),
        C<InvalidArgumentException>("transpose with a wrong permutation", _ =>
        {
            var t = tf.transpose(tf.zeros(new[] { 2, 3 }), new[] { 0, 0 }, name: "tr");
            using var s = tf.Session();
            s.run(t);
        }, "tr", "1 is missing"),
        C<InvalidArgumentException>("concat of different ranks", _ =>
            tf.concat(new[] { tf.zeros(new[] { 2, 3 }), tf.zeros(new[] { 3 }) }, 0, name: "cat"), "cat"),
        C<InvalidArgumentException>("concat with mismatched non-axis dims", _ =>
            tf.concat(new[] { tf.zeros(new[] { 2, 3 }), tf.zeros(new[] { 2, 4 }) }, 0, name: "cat"), "cat", "3", "4"),
        C<InvalidArgumentException>("stack of different shapes", _ =>
            tf.stack(new[] { tf.zeros(new[] { 2 }), tf.zeros(new[] { 3 }) }, name: "st"), "st"),
        C<InvalidArgumentException>("squeeze of a dimension that is not 1", _ =>
            tf.squeeze(tf.zeros(new[] { 2, 3 }), new[] { 0 }, name: "sq"), "sq", "2"),
        C<InvalidArgumentException>("expand_dims past the rank", _ =>
            tf.expand_dims(tf.zeros(new[] { 2, 3 }), 5, name: "ed"), "ed", "5"),
        C<InvalidArgumentException>("tile multiples of the wrong length", _ =>
            tf.tile(tf.zeros(new[] { 2, 3 }), new[] { 2 }, name: "tl"), "tl"),
        C<InvalidArgumentException>("bias_add with a bias of the wrong size", _ =>
            tf.nn.bias_add(tf.zeros(new[] { 2, 3 }), tf.zeros(new[] { 4 }), name: "ba"), "ba", "3", "4"),
        C<InvalidArgumentException>("softmax cross-entropy with label/logit shapes that differ", _ =>
            tf.nn.softmax_cross_entropy_with_logits_v2(labels: tf.zeros(new[] { 2, 3 }), logits: tf.zeros(new[] { 2, 4 }), name: "xent"), "xent"),
        C<InvalidArgumentException>("sparse cross-entropy with labels of the wrong rank", _ =>
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels: tf.zeros(new[] { 2, 3 }, dtype: tf.int32), logits: tf.zeros(new[] { 2, 3 }), name: "sxent"), "sxent"),
        C<InvalidArgumentException>("variable initialised from a value of another shape with validate_shape", _ =>
        {
            var v = tf.Variable(tf.zeros(new[] { 2 }), name: "v");
            v.assign(tf.zeros(new[] { 3 }), name: "bad_assign");
        }, "bad_assign", "[2]", "[3]"),
        C<InvalidArgumentException>("gradient of an integer target", _ =>
            tf.gradients(tf.constant(new[] { 1, 2 }, name: "ints"), [tf.constant(new[] { 1f })]), "ints"),
        C<InvalidArgumentException>("a placeholder shape that is not a shape", _ =>
            tf.placeholder(tf.float32, new[] { -2, 3 }, name: "p"), "-2"),
        C<InvalidArgumentException>("gather from a scalar", _ =>
            tf.gather(tf.constant(1f), tf.constant(new[] { 0 }), name: "g"), "g"),
        C<UnimplementedException>("cast to a string", _ =>
        {
            var c = tf.cast(tf.zeros(new[] { 2 }), GraphEngine.Ops.Core.DType.String, name: "cs");
            using var s = tf.Session();
            s.run_strings(c);
        }, "cs", "DT_STRING"),
        C<InvalidArgumentException>("argmax over an axis out of range", _ =>
            tf.argmax(tf.zeros(new[] { 2, 3 }), 3, name: "am"), "am", "3"),
        C<InvalidArgumentException>("range with a zero delta", _ =>
        {
            var r = tf.range(0, 10, 0, name: "rg");
            using var s = tf.Session();
            s.run(r);
        }, "rg"),
    ];
}
