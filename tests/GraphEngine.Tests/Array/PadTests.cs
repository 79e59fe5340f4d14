using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using Case = GraphEngine.Tests.Autodiff.GradientCheckTests.Case;

namespace GraphEngine.Tests.Arrays;

/// <summary>tf.pad (Pad, PadV2, MirrorPad) and its gradients.</summary>
[TestClass]
public sealed class PadTests
{
    private static IDisposable NewGraph() => new GraphEngine.Graph().as_default();

    private static Tensor MirrorGrad(Tensor g, int[,] paddings, string mode) =>
        new OpBuilder(ArrayOps.MirrorPadGrad).Input(g).Input(tf.constant(paddings)).Attr("mode", mode).Build().outputs[0];

    public static IEnumerable<Case> GradientCases =>
    [
        new("Pad", "constant paddings", x => tf.pad(x[0], new[,] { { 1, 0 }, { 0, 2 } }), [[2, 2]]),
        new("Pad", "paddings known at run time", x => tf.pad(x[0], tf.identity(tf.constant(new long[,] { { 0, 1 }, { 2, 1 } }))), [[2, 3]]),
        new("PadV2", "constant_values 2.5", x => tf.pad(x[0], new[,] { { 1, 1 } }, constant_values: 2.5), [[3]]),
        new("MirrorPad", "REFLECT", x => tf.pad(x[0], new[,] { { 1, 2 }, { 2, 1 } }, "REFLECT"), [[3, 3]]),
        new("MirrorPad", "SYMMETRIC", x => tf.pad(x[0], new[,] { { 2, 0 }, { 1, 2 } }, "SYMMETRIC"), [[2, 3]]),
        new("MirrorPadGrad", "REFLECT", x => MirrorGrad(x[0], new[,] { { 1, 1 }, { 0, 2 } }, "REFLECT"), [[5, 5]]),
        new("MirrorPadGrad", "SYMMETRIC", x => MirrorGrad(x[0], new[,] { { 2, 1 } }, "SYMMETRIC"), [[5]]),
    ];

    [TestMethod]
    public void Pad_builders_pick_the_op_and_keep_static_shapes()
    {
        using var _ = NewGraph();
        var t = tf.constant(new[,] { { 1f, 2, 3 }, { 4, 5, 6 } });
        var c = tf.pad(t, new[,] { { 1, 1 }, { 2, 2 } });
        Assert.AreEqual("Pad", c.op.name);
        Assert.AreEqual("Pad/paddings", c.op.inputs[1].op.name);
        Assert.AreEqual("[4,7]", c.shape.ToString());
        var v2 = tf.pad(t, new[] { new[] { 0, 1 }, new[] { 1, 0 } }, constant_values: 9);
        Assert.AreEqual("PadV2", v2.op.type);
        Assert.AreEqual(DType.Float, v2.op.inputs[2].dtype);
        var reflect = tf.pad(t, new[,] { { 1, 1 }, { 2, 2 } }, "reflect");
        Assert.AreEqual("MirrorPad", reflect.op.name);
        Assert.AreEqual("REFLECT", reflect.op.get_attr("mode").S);
        var symmetric = tf.pad(t, new[,] { { 1, 1 }, { 2, 2 } }, "SYMMETRIC", name: "sym");
        Assert.AreEqual("sym", symmetric.op.name);
        var dynamic = tf.pad(tf.placeholder(tf.float32, new[] { -1, 3 }), tf.placeholder(tf.int32, new[] { 2, 2 }));
        Assert.AreEqual("[?,?]", dynamic.shape.ToString());
        using var sess = tf.Session();
        CollectionAssert.AreEqual(new float[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 0, 0, 4, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, sess.run(c).ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 9, 1, 2, 3, 9, 4, 5, 6, 9, 9, 9, 9 }, sess.run(v2).ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1, 6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1 },
            sess.run(reflect).ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 2, 1, 1, 2, 3, 3, 2, 2, 1, 1, 2, 3, 3, 2, 5, 4, 4, 5, 6, 6, 5, 5, 4, 4, 5, 6, 6, 5 },
            sess.run(symmetric).ToArray<float>());
    }

    [TestMethod]
    public void Bad_modes_and_paddings_are_invalid_arguments()
    {
        using var _ = NewGraph();
        var t = tf.constant(new[,] { { 1.0, 2 }, { 3, 4 } });
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.pad(t, new[,] { { 1, 1 }, { 1, 1 } }, "WRAP"));
        StringAssert.Contains(e.Message, "Received `mode` = WRAP");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.pad(t, new[,] { { 1, -1 }, { 1, 1 } }));
        StringAssert.Contains(e.Message, "Paddings must be non-negative");
        StringAssert.Contains(e.Message, "Pad");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.pad(t, new[,] { { 1, 1 } }));
        StringAssert.Contains(e.Message, "Shape must be rank 1 but is rank 2");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.pad(t, new[] { new[] { 1 }, new[] { 1, 1 } }));
        StringAssert.Contains(e.Message, "paddings must be a matrix with 2 columns");
        var p = tf.placeholder(tf.int32, new[] { 2, 2 });
        var reflect = tf.pad(t, p, "REFLECT", name: "mirror");
        using var sess = tf.Session();
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => sess.run(reflect, (p, new[,] { { 2, 0 }, { 0, 0 } })));
        StringAssert.Contains(e.Message, "paddings must be less than the dimension size: 2, 0 not less than 2");
        StringAssert.Contains(e.Message, "mirror");
    }

    /// <summary>CS231n's TF1 three_layer_convnet: pad, conv VALID + bias, relu, pad, conv, relu, flatten, dense.</summary>
    [TestMethod]
    public void Three_layer_convnet_with_pads_gives_scores_of_64_by_10_and_trains()
    {
        using var _ = NewGraph();
        var x = tf.placeholder(tf.float32, new[] { -1, 32, 32, 3 });
        var w1 = tf.Variable(tf.random_normal(new[] { 5, 5, 3, 6 }, stddev: 0.1, seed: 1));
        var b1 = tf.Variable(tf.zeros(new[] { 6 }));
        var w2 = tf.Variable(tf.random_normal(new[] { 3, 3, 6, 9 }, stddev: 0.1, seed: 2));
        var b2 = tf.Variable(tf.zeros(new[] { 9 }));
        var fw = tf.Variable(tf.random_normal(new[] { 32 * 32 * 9, 10 }, stddev: 0.01, seed: 3));
        var fb = tf.Variable(tf.zeros(new[] { 10 }));
        var xPadded = tf.pad(x, new[,] { { 0, 0 }, { 2, 2 }, { 2, 2 }, { 0, 0 } }, "CONSTANT");
        var relu1 = tf.nn.relu(tf.nn.conv2d(xPadded, w1, [1, 1, 1, 1], "VALID") + b1);
        var relu1Padded = tf.pad(relu1, new[,] { { 0, 0 }, { 1, 1 }, { 1, 1 }, { 0, 0 } }, "CONSTANT");
        var relu2 = tf.nn.relu(tf.nn.conv2d(relu1Padded, w2, [1, 1, 1, 1], "VALID") + b2);
        var scores = tf.matmul(tf.layers.flatten(relu2), fw) + fb;
        Assert.AreEqual("[?,36,36,3]", xPadded.shape.ToString());
        Assert.AreEqual("[?,10]", scores.shape.ToString());
        var loss = tf.reduce_mean(tf.square(scores));
        var grads = tf.gradients(loss, new object[] { w1, w2, fw });
        Assert.IsTrue(grads.All(gr => gr != null));
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        var rnd = new System.Random(4);
        var batch = new float[64, 32, 32, 3];
        for (int n = 0; n < 64; n++)
            for (int h = 0; h < 32; h++)
                for (int w = 0; w < 32; w++)
                    for (int c = 0; c < 3; c++)
                        batch[n, h, w, c] = (float)rnd.NextDouble();
        var s = sess.run(scores, (x, batch));
        CollectionAssert.AreEqual(new long[] { 64, 10 }, s.shape);
        var g1 = sess.run(grads[0]!, (x, batch));
        CollectionAssert.AreEqual(new long[] { 5, 5, 3, 6 }, g1.shape);
        Assert.IsTrue(g1.ToArray<float>().Any(v => v != 0), "the first filter gets a gradient through both pads");
    }

    [TestMethod]
    public void Gradients_are_a_slice_and_mirror_pad_grad()
    {
        using var _ = NewGraph();
        var x = tf.placeholder(tf.float64, new[] { 2, 3 });
        var dx = tf.gradients(tf.reduce_sum(tf.pad(x, new[,] { { 1, 0 }, { 0, 2 } }) * 2.0), x)[0]!;
        Assert.AreEqual("Slice", dx.op.type);
        Assert.AreEqual("[2,3]", dx.shape.ToString());
        var dm = tf.gradients(tf.reduce_sum(tf.pad(x, new[,] { { 1, 1 }, { 2, 2 } }, "REFLECT")), x)[0]!;
        Assert.AreEqual("MirrorPadGrad", dm.op.type);
        Assert.AreEqual("[2,3]", dm.shape.ToString());
        using var sess = tf.Session();
        var value = new double[2, 3];
        CollectionAssert.AreEqual(Enumerable.Repeat(2.0, 6).ToArray(), sess.run(dx, (x, value)).ToArray<double>());
        // REFLECT [[1,1],[2,2]] of [2,3]: each output element counted once at its source (see the documented example).
        CollectionAssert.AreEqual(new[] { 4.0, 6, 4, 4, 6, 4 }, sess.run(dm, (x, value)).ToArray<double>());
    }
}
