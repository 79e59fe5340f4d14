using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NumSharp;

namespace GraphEngine.Tests.Session;

[TestClass]
public sealed class SessionTests
{
    private static GraphEngine.Graph NewGraph(out IDisposable scope)
    {
        var g = new GraphEngine.Graph();
        scope = g.as_default();
        return g;
    }

    [TestMethod]
    public void Placeholder_variable_matmul_runs_with_feed()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var x = tf.placeholder(tf.float32, new[] { -1, 2 }, name: "x");
        var w = tf.Variable(new float[,] { { 1, 2 }, { 3, 4 } }, name: "w");
        var y = tf.matmul(x, w, name: "y");
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        NDArray r = sess.run(y, (x, new float[,] { { 1, 1 }, { 2, 0 } }));
        CollectionAssert.AreEqual(new long[] { 2, 2 }, r.shape);
        CollectionAssert.AreEqual(new float[] { 4, 6, 2, 4 }, r.ToArray<float>());
    }

    [TestMethod]
    public void All_tf1_call_shapes_compile_and_return_their_structure()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var x = tf.placeholder(tf.float32, new[] { -1 }, name: "x");
        var y_ = tf.placeholder(tf.float32, new[] { -1 }, name: "y_");
        var loss = tf.reduce_mean(tf.square(x - y_), name: "loss");
        var total = tf.reduce_sum(x + y_, name: "total");
        var counter = tf.Variable(0f, name: "counter");
        var step = counter.assign_add(1f);
        var train_op = tf.group(step);
        var xs = np.array(new float[] { 1, 2, 3 });
        var ys = np.array(new float[] { 1, 2, 5 });
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());

        NDArray r = sess.run(loss, (x, xs), (y_, ys));
        Assert.AreEqual(4f / 3f, r.GetSingle(), 1e-6);
        var feed = new FeedDict { [x] = xs, [y_] = ys };
        var (l, t) = sess.run((loss, total), feed);
        Assert.AreEqual(4f / 3f, l.GetSingle(), 1e-6);
        Assert.AreEqual(14f, t.GetSingle());
        sess.run(train_op, new FeedDict { [x] = xs, [y_] = ys });
        var both = sess.run(new[] { loss, total }, feed);
        Assert.AreEqual(2, both.Length);
        Assert.AreEqual(14f, both[1].GetSingle());
        Assert.AreEqual(4f / 3f, loss.eval(sess, feed).GetSingle(), 1e-6);
        train_op.run(sess, feed);
        var byName = sess.run("total:0", ("x:0", xs), ("y_:0", ys));
        Assert.AreEqual(14f, byName!.GetSingle());
        Assert.IsNull(sess.run("group_deps", ("x:0", xs)));
        Assert.AreEqual(3f, sess.run(counter).GetSingle(), "train_op ran twice, and once more fetched by its name");
        var mixed = sess.run(new ITensorOrOperation[] { total, train_op }, feed);
        Assert.IsNull(mixed[1]);
        var dict = sess.run(new Dictionary<string, Tensor> { ["l"] = loss, ["t"] = total }, feed);
        Assert.AreEqual(14f, dict["t"]!.GetSingle());
        var (a, b, c) = sess.run((loss, total, (ITensorOrOperation)train_op), feed);
        Assert.AreEqual(14f, b.GetSingle());
    }

    [TestMethod]
    public void Interactive_session_makes_eval_need_no_session()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var c = tf.constant(new[] { 1, 2, 3 }) * 2;
        using var sess = tf.InteractiveSession();
        CollectionAssert.AreEqual(new[] { 2, 4, 6 }, c.eval().ToArray<int>());
        sess.close();
        Assert.ThrowsExactly<FailedPreconditionException>(() => c.eval());
    }

    [TestMethod]
    public void Values_may_be_ndarrays_arrays_of_any_rank_or_scalars()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var x4 = tf.placeholder(tf.float64, new[] { 1, 2, 2, 2 });
        var s4 = tf.reduce_sum(x4);
        var sc = tf.placeholder(tf.float32, TensorShape.Scalar);
        var doubled = sc * 2;
        var i64 = tf.placeholder(tf.int64, new[] { 3 });
        using var sess = tf.Session();
        var arr = new double[1, 2, 2, 2] { { { { 1, 2 }, { 3, 4 } }, { { 5, 6 }, { 7, 8 } } } };
        Assert.AreEqual(36.0, sess.run(s4, (x4, arr)).GetDouble());
        Assert.AreEqual(3f, sess.run(doubled, (sc, 1.5f)).GetSingle());
        Assert.AreEqual(1f, sess.run(doubled, (sc, 0.5)).GetSingle(), "a double scalar feeds a float placeholder, as numpy converts it");
        Assert.AreEqual(4f, sess.run(doubled, (sc, 2)).GetSingle());
        Assert.AreEqual(0, sess.run(doubled, (sc, 0f)).ndim);
        CollectionAssert.AreEqual(new long[] { 5, 6, 7 }, sess.run(tf.identity(i64), (i64, new[] { 5, 6, 7 })).ToArray<long>());
        var sliced = np.arange(10).astype(np.float32)["2:5"];
        var v = tf.placeholder(tf.float32, new[] { 3 });
        CollectionAssert.AreEqual(new float[] { 2, 3, 4 }, sess.run(tf.identity(v), (v, sliced)).ToArray<float>());
    }

    [TestMethod]
    public void Any_tensor_can_be_fed_not_only_placeholders()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var a = tf.constant(2f);
        var b = a * 3;
        var c = b + 1;
        using var sess = tf.Session();
        Assert.AreEqual(7f, sess.run(c).GetSingle());
        Assert.AreEqual(11f, sess.run(c, (b, 10f)).GetSingle());
        Assert.AreEqual(10f, sess.run(b, (b, 10f)).GetSingle(), "fetching a fed tensor returns the fed value");
    }

    [TestMethod]
    public void Plans_are_cached_and_graph_growth_is_picked_up()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var x = tf.placeholder(tf.float32, TensorShape.Scalar);
        var y = x + 1;
        using var sess = tf.Session();
        for (int i = 0; i < 5; i++) Assert.AreEqual(i + 1f, sess.run(y, (x, (float)i)).GetSingle());
        Assert.AreEqual(1, sess.Runtime.PlanCount);
        var z = y * 10;
        Assert.AreEqual(20f, sess.run(z, (x, 1f)).GetSingle());
        Assert.AreEqual(3f, sess.run(y, (x, 2f)).GetSingle());
        Assert.AreEqual(2, sess.Runtime.PlanCount);
    }

    [TestMethod]
    public void Variables_persist_across_runs_and_are_separate_between_sessions()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var v = tf.Variable(10, name: "v");
        var inc = v.assign_add(5);
        var dec = v.assign_sub(1);
        var init = tf.global_variables_initializer();
        using var s1 = tf.Session();
        using var s2 = tf.Session();
        s1.run(init);
        s2.run(init);
        s1.run(inc);
        s1.run(inc);
        s2.run(dec);
        Assert.AreEqual(20, s1.run(v).GetInt32());
        Assert.AreEqual(9, s2.run(v).GetInt32());
        Assert.AreEqual(20, v.eval(s1).GetInt32());
        s1.run(v.assign(3));
        Assert.AreEqual(3, s1.run(v.value()).GetInt32());
    }

    [TestMethod]
    public void Fetched_variable_values_are_snapshots()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var v = tf.Variable(new float[] { 1, 2 });
        var inc = v.assign_add(new float[] { 1, 1 });
        using var sess = tf.Session();
        sess.run(v.initializer);
        var before = sess.run(v);
        sess.run(inc);
        CollectionAssert.AreEqual(new float[] { 1, 2 }, before.ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 2, 3 }, sess.run(v).ToArray<float>());
    }

    [TestMethod]
    public void Missing_feed_names_placeholder_dtype_shape_and_call_site()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var x = tf.placeholder(tf.float32, new[] { -1, 784 }, name: "x");
        var y = tf.reduce_sum(x);
        using var sess = tf.Session();
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => sess.run(y));
        StringAssert.Contains(e.Message, "You must feed a value for placeholder tensor 'x' with dtype float and shape [?,784]");
        StringAssert.Contains(e.Message, "[[node x (op: Placeholder) (defined at SessionTests.cs:");
        Assert.AreEqual("x", e.NodeName);
    }

    [TestMethod]
    public void Feeds_of_wrong_dtype_or_shape_are_rejected()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var x = tf.placeholder(tf.float32, new[] { -1, 784 }, name: "x");
        var n = tf.placeholder(tf.int32, new[] { 2 }, name: "n");
        var y = tf.reduce_sum(x);
        using var sess = tf.Session();
        var shape = Assert.ThrowsExactly<InvalidArgumentException>(() => sess.run(y, (x, new float[64, 10])));
        StringAssert.Contains(shape.Message, "Cannot feed value of shape [64,10] for Tensor 'x:0', which has shape [?,784]");
        var rank = Assert.ThrowsExactly<InvalidArgumentException>(() => sess.run(y, (x, new float[784])));
        StringAssert.Contains(rank.Message, "Cannot feed value of shape [784] for Tensor 'x:0'");
        var dtype = Assert.ThrowsExactly<InvalidArgumentException>(() => sess.run(tf.identity(n), (n, new[] { 1.5f, 2f })));
        StringAssert.Contains(dtype.Message, "Cannot convert a value of dtype float32 to dtype int32 for Tensor 'n:0'");
        var overflow = Assert.ThrowsExactly<InvalidArgumentException>(() => sess.run(tf.identity(n), (n, new long[] { 1, 1L << 40 })));
        StringAssert.Contains(overflow.Message, "does not fit in int32");
        var jagged = Assert.ThrowsExactly<InvalidArgumentException>(() => sess.run(y, (x, new float[][] { new float[784] })));
        StringAssert.Contains(jagged.Message, "Jagged arrays");
    }

    [TestMethod]
    public void Uninitialized_variable_is_a_failed_precondition_naming_it()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var w = tf.Variable(tf.zeros(new[] { 2, 2 }), name: "W");
        var y = tf.reduce_sum(w.value());
        using var sess = tf.Session();
        var e = Assert.ThrowsExactly<FailedPreconditionException>(() => sess.run(y));
        StringAssert.Contains(e.Message, "Attempting to use uninitialized value W");
        StringAssert.Contains(e.Message, "[[node W/read (op: Identity) (defined at SessionTests.cs:");
    }

    [TestMethod]
    public void Fetching_unknown_names_is_not_found()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        tf.constant(1f, name: "c");
        using var sess = tf.Session();
        var e = Assert.ThrowsExactly<NotFoundException>(() => sess.run("nope:0"));
        StringAssert.Contains(e.Message, "The name 'nope:0' refers to a Tensor which does not exist. The operation, 'nope', does not exist in the graph.");
        Assert.ThrowsExactly<NotFoundException>(() => sess.run("nope"));
        var idx = Assert.ThrowsExactly<NotFoundException>(() => sess.run("c:3"));
        StringAssert.Contains(idx.Message, "exists but only has 1 outputs");
    }

    [TestMethod]
    public void Closed_session_cannot_run()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var c = tf.constant(1f);
        var sess = tf.Session();
        sess.run(c);
        sess.close();
        var e = Assert.ThrowsExactly<FailedPreconditionException>(() => sess.run(c));
        StringAssert.Contains(e.Message, "Attempted to use a closed Session.");
    }

    [TestMethod]
    public void Fetch_from_another_graph_is_rejected()
    {
        var g1 = new GraphEngine.Graph();
        Tensor c;
        using (g1.as_default()) c = tf.constant(1f);
        using var sess = new GraphEngine.Session(new GraphEngine.Graph());
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => sess.run(c));
        StringAssert.Contains(e.Message, "is not an element of this session's graph");
    }

    [TestMethod]
    public void Control_dependencies_order_side_effects()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var v = tf.Variable(1f);
        Tensor read;
        var update = v.assign(5f);
        using (tf.control_dependencies([update])) read = tf.identity(v.value());
        using var sess = tf.Session();
        sess.run(v.initializer);
        Assert.AreEqual(5f, sess.run(read).GetSingle());
    }

    [TestMethod]
    public void A_feed_satisfies_control_dependencies_on_the_fed_node()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var p = tf.placeholder(tf.float32, TensorShape.Scalar, name: "p");
        Tensor y;
        using (tf.control_dependencies([p])) y = tf.constant(3f) * 2;
        using var sess = tf.Session();
        Assert.AreEqual(6f, sess.run(y, (p, 1f)).GetSingle(), "the fed placeholder's kernel does not run");
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => sess.run(y));
        StringAssert.Contains(e.Message, "You must feed a value for placeholder tensor 'p'");
    }

    [TestMethod]
    public void Buffers_are_reused_across_runs()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var x = tf.placeholder(tf.float32, new[] { 256, 256 });
        var y = tf.nn.relu(tf.matmul(x, x) + 1) * 2;
        var input = new float[256, 256];
        input[0, 0] = 1;
        using var sess = tf.Session();
        for (int i = 0; i < 3; i++) sess.run(y, (x, input));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) sess.run(y, (x, input));
        long perRun = (GC.GetAllocatedBytesForCurrentThread() - before) / 10;
        // Each run allocates the fetched NDArray (256 KB) plus small bookkeeping; intermediates (3 × 256 KB) come from the pool.
        Assert.IsLessThan(2 * 256 * 256 * 4, perRun, $"allocated {perRun} bytes per run");
    }
}
