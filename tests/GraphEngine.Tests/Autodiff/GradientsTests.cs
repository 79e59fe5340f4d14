using GraphEngine.Ops.Core;
using GraphEngine.TestKit;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NumSharp;

namespace GraphEngine.Tests.Autodiff;

[TestClass]
public sealed class GradientsTests
{
    private static IDisposable NewGraph() => new GraphEngine.Graph().as_default();

    [TestMethod]
    public void Batch_gradient_is_the_sum_not_the_mean_of_per_sample_gradients()
    {
        using var _ = NewGraph();
        var x = tf.placeholder(tf.float64, new[] { 4, 3 });
        var W = tf.Variable(new double[,] { { 1 }, { 2 }, { 3 } });
        var y = tf.reduce_sum(tf.matmul(x, W));
        var dW = tf.gradients(y, W)[0]!;
        Assert.AreEqual("[3,1]", dW.shape.ToString(), "the gradient has the variable's shape");
        var xs = new double[,] { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 }, { 10, 11, 12 } };
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        // dy/dW = Σ_b x_b: column sums of the batch.
        CollectionAssert.AreEqual(new double[] { 22, 26, 30 }, sess.run(dW, (x, xs)).ToArray<double>());
    }

    [TestMethod]
    public void Several_ys_are_summed_and_grad_ys_seed_each()
    {
        using var _ = NewGraph();
        var x = tf.constant(new double[] { 1, 2 });
        var y1 = x * 3.0;
        var y2 = tf.square(x);
        var g = tf.gradients([y1, y2], [x])[0]!;
        var seeded = tf.gradients([y1, y2], [x], [tf.constant(new double[] { 1, 0 }), tf.constant(new double[] { 0, 10 })])[0]!;
        using var sess = tf.Session();
        CollectionAssert.AreEqual(new double[] { 5, 7 }, sess.run(g).ToArray<double>());
        CollectionAssert.AreEqual(new double[] { 3, 40 }, sess.run(seeded).ToArray<double>());
    }

    [TestMethod]
    public void Grad_ys_must_match_y()
    {
        using var _ = NewGraph();
        var x = tf.constant(new double[] { 1, 2 }, name: "x");
        var y = tf.square(x, name: "y");
        var shape = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.gradients([y], [x], [tf.constant(new double[] { 1, 2, 3 }, name: "g")]));
        StringAssert.Contains(shape.Message, "grad_ys[0] (g:0) has shape [3], which is incompatible with the shape [2] of y y:0");
        var dtype = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.gradients([y], [x], [tf.constant(new float[] { 1, 2 }, name: "f")]));
        StringAssert.Contains(dtype.Message, "grad_ys[0] (f:0) has dtype float32, but y y:0 has dtype float64");
    }

    [TestMethod]
    public void Unconnected_x_gives_null_or_zeros()
    {
        using var _ = NewGraph();
        var x = tf.constant(new double[] { 1, 2 });
        var z = tf.constant(new double[] { 5, 6, 7 });
        var y = tf.reduce_sum(x * 2.0);
        var grads = tf.gradients(y, [x, z]);
        Assert.IsNotNull(grads[0]);
        Assert.IsNull(grads[1]);
        var zeros = tf.gradients(y, [z], unconnected_gradients: UnconnectedGradients.Zero)[0]!;
        using var sess = tf.Session();
        CollectionAssert.AreEqual(new double[] { 0, 0, 0 }, sess.run(zeros).ToArray<double>());
    }

    [TestMethod]
    public void Integer_tensors_stop_gradients_and_integer_ys_are_rejected()
    {
        using var _ = NewGraph();
        var i = tf.constant(new[] { 1, 2 }, name: "i");
        var f = tf.cast(i, tf.float64);
        var y = tf.reduce_sum(f * 3.0);
        Assert.IsNull(tf.gradients(y, [i])[0], "an integer x gets no gradient");
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.gradients(tf.identity(i, name: "iy"), [i]));
        StringAssert.Contains(e.Message, "Cannot compute gradients of iy:0 with dtype int32");
    }

    [TestMethod]
    public void Several_paths_meet_in_an_AddN_and_broadcasts_use_BroadcastGradientArgs()
    {
        using var _ = NewGraph();
        var x = tf.placeholder(tf.float64, new[] { -1, 3 }, name: "x");
        var b = tf.placeholder(tf.float64, new[] { 3 }, name: "b");
        var y = tf.reduce_sum(x * x + x + b);
        var grads = tf.gradients(y, [x, b]);
        var types = tf.get_default_graph().get_operations().Select(o => o.type).ToList();
        CollectionAssert.Contains(types, "AddN");
        CollectionAssert.Contains(types, "BroadcastGradientArgs");
        Assert.IsTrue(tf.get_default_graph().get_operations().Where(o => o.Id > y.op.Id).All(o => o.name.StartsWith("gradients/")),
            "every gradient node lives under gradients/");
        Assert.IsTrue(grads[0]!.name.StartsWith("gradients/"));
        using var sess = tf.Session();
        var xs = new double[,] { { 1, 2, 3 }, { 4, 5, 6 } };
        var r = sess.run(new[] { grads[0]!, grads[1]! }, (x, xs), (b, new double[] { 0, 0, 0 }));
        CollectionAssert.AreEqual(new double[] { 3, 5, 7, 9, 11, 13 }, r[0].ToArray<double>());
        CollectionAssert.AreEqual(new double[] { 2, 2, 2 }, r[1].ToArray<double>(), "b was broadcast over a batch of 2");
    }

    [TestMethod]
    public void Gradient_nodes_are_named_like_tf()
    {
        using var _ = NewGraph();
        var a = tf.placeholder(tf.float32, new[] { 2, 3 }, name: "a");
        var w = tf.Variable(tf.zeros(new[] { 3, 4 }), name: "w");
        Tensor y;
        using (tf.name_scope("layer")) y = tf.matmul(a, w);
        var g = tf.gradients(tf.reduce_sum(y), w)[0]!;
        Assert.AreEqual("gradients/layer/MatMul_grad/MatMul_1:0", g.name);
        var names = tf.get_default_graph().get_operations().Select(o => o.name).ToList();
        CollectionAssert.Contains(names, "gradients/Shape");
        CollectionAssert.Contains(names, "gradients/grad_ys_0");
        CollectionAssert.Contains(names, "gradients/Fill");
        var second = tf.gradients(tf.reduce_sum(y), w)[0]!;
        StringAssert.StartsWith(second.name, "gradients_1/");
    }

    [TestMethod]
    public void Op_without_gradient_is_a_lookup_error_naming_it()
    {
        using var _ = NewGraph();
        var custom = Ops.Model.OpDef.Define("NoGradientForTestOp").Input("x: T").Output("y: T").Attr("T: type").Shape(Ops.Framework.CommonShapes.Unchanged);
        var x = tf.constant(new double[] { 1 });
        var y = new OpBuilder(custom, "foo").Input(x).Build().outputs[0];
        var e = Assert.ThrowsExactly<LookupErrorException>(() => tf.gradients(y, x));
        StringAssert.Contains(e.Message, "No gradient defined for operation 'foo' (op type: NoGradientForTestOp)");
    }

    [TestMethod]
    public void Stop_gradient_blocks_and_stop_gradients_argument_stops()
    {
        using var _ = NewGraph();
        var w = tf.Variable(2.0, name: "w");
        var v = tf.Variable(3.0, name: "v");
        var only = tf.stop_gradient(w.value() * 5.0);
        var y = only * v.value();
        var grads = tf.gradients(y, [w, v]);
        Assert.IsNull(grads[0], "w's only path goes through stop_gradient");
        Assert.IsNotNull(grads[1]);

        var a = tf.constant(1.0);
        var b = a * 2.0;
        var c = a + b;
        var gStopped = tf.gradients(c, [a], stop_gradients: [b])[0]!;
        var gFull = tf.gradients(c, [a])[0]!;
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        Assert.AreEqual(10.0, sess.run(grads[1]!).GetDouble());
        Assert.AreEqual(1.0, sess.run(gStopped).GetDouble(), "b is treated as a constant");
        Assert.AreEqual(3.0, sess.run(gFull).GetDouble());
    }

    [TestMethod]
    public void Second_derivatives_match_analytic_values()
    {
        using var _ = NewGraph();
        var x = tf.placeholder(tf.float64, new[] { 3 });
        var y = tf.placeholder(tf.float64, new[] { 3 });
        var cube = x * x * x;
        var d1 = tf.gradients(cube, x)[0]!;
        var d2 = tf.gradients(d1, x)[0]!;
        var mixed = tf.gradients(tf.gradients(tf.reduce_sum(x * y * x), x)[0]!, y)[0]!;
        using var sess = tf.Session();
        var xs = new double[] { 1, -2, 0.5 };
        var ys = new double[] { 3, 4, 5 };
        CollectionAssert.AreEqual(xs.Select(v => 3 * v * v).ToArray(), sess.run(d1, (x, xs)).ToArray<double>());
        CollectionAssert.AreEqual(xs.Select(v => 6 * v).ToArray(), sess.run(d2, (x, xs)).ToArray<double>());
        // d/dy (d/dx x²y) = d/dy (2xy) = 2x
        CollectionAssert.AreEqual(xs.Select(v => 2 * v).ToArray(), sess.run(mixed, (x, xs), (y, ys)).ToArray<double>());
    }

    [TestMethod]
    public void Second_derivatives_of_tanh_and_softplus_are_analytic()
    {
        using var _ = NewGraph();
        var x = tf.placeholder(tf.float64, new[] { 4 });
        var tanh2 = tf.gradients(tf.gradients(tf.tanh(x), x)[0]!, x)[0]!;
        var softplus2 = tf.gradients(tf.gradients(tf.nn.softplus(x), x)[0]!, x)[0]!;
        using var sess = tf.Session();
        var xs = new[] { -1.5, -0.2, 0.3, 2.0 };
        var t = sess.run(tanh2, (x, xs)).ToArray<double>();
        var s = sess.run(softplus2, (x, xs)).ToArray<double>();
        for (int i = 0; i < xs.Length; i++)
        {
            double th = Math.Tanh(xs[i]), sg = 1 / (1 + Math.Exp(-xs[i]));
            Assert.AreEqual(-2 * th * (1 - th * th), t[i], 1e-12, "tanh'' = −2 tanh (1 − tanh²)");
            Assert.AreEqual(sg * (1 - sg), s[i], 1e-12, "softplus'' = σ (1 − σ)");
        }
    }

    [TestMethod]
    public void Second_order_checks_of_composed_functions()
    {
        Assert.IsLessThan(1e-6, GradientChecker.ComputeSecondOrderError(x => x * x * x, [4]));
        Assert.IsLessThan(1e-6, GradientChecker.ComputeSecondOrderError(x => tf.reduce_sum(tf.matmul(tf.reshape(x, new[] { 2, 2 }), tf.reshape(x, new[] { 2, 2 }))), [4]));
        Assert.IsLessThan(1e-6, GradientChecker.ComputeSecondOrderError(x => tf.reduce_mean(tf.square(x - 1.0) / (x * x + 1.0)), [3]));
        Assert.IsLessThan(1e-6, GradientChecker.ComputeSecondOrderError(x => tf.nn.relu(x) * x, [5]));
    }

    [TestMethod]
    public void Gradients_can_be_fed_and_fetched()
    {
        using var _ = NewGraph();
        var x = tf.placeholder(tf.float64, new[] { 2 });
        var y = tf.reduce_sum(tf.square(x));
        var g = tf.gradients(y, x)[0]!;
        var scaled = g * 10.0;
        using var sess = tf.Session();
        CollectionAssert.AreEqual(new double[] { 20, 40 }, sess.run(scaled, (x, new double[] { 1, 2 })).ToArray<double>());
        CollectionAssert.AreEqual(new double[] { 70, 80 }, sess.run(scaled, (g, np.array(new double[] { 7, 8 }))).ToArray<double>(), "a gradient tensor can be fed");
    }
}
