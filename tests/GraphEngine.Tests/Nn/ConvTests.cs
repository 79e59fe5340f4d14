using GraphEngine.Ops.Core;
using GraphEngine.Ops.Nn;
using GraphEngine.Tests.Autodiff;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using Case = GraphEngine.Tests.Autodiff.GradientCheckTests.Case;

namespace GraphEngine.Tests.Nn;

[TestClass]
public sealed class ConvTests
{
    private static Tensor Sizes(params int[] v) => tf.constant(v);

    private static Tensor Raw(Ops.Model.OpDef def, Tensor a, Tensor b, Tensor c, int[] strides, string padding, string format = "NHWC", int[]? dilations = null) =>
        new OpBuilder(def).Input(a).Input(b).Input(c)
            .Attr("strides", NnArgs.Spatial(strides, "strides", format, def.Name)).Attr("padding", padding).Attr("data_format", format)
            .Attr("dilations", NnArgs.Spatial(dilations ?? [1], "dilations", format, def.Name)).Build().outputs[0];

    /// <summary>Numeric gradient checks (GradientCheckTests runs them): both layouts, SAME/VALID, stride 2, dilation 2, second order.</summary>
    public static IEnumerable<Case> GradientCases =>
    [
        new("Conv2D", "NHWC SAME", x => tf.nn.conv2d(x[0], x[1], [1], "SAME"), [[1, 4, 4, 2], [3, 3, 2, 2]]),
        new("Conv2D", "NCHW VALID stride 2", x => tf.nn.conv2d(x[0], x[1], [2], "VALID", data_format: "NCHW"), [[1, 2, 5, 5], [3, 3, 2, 2]]),
        new("Conv2D", "NHWC SAME dilation 2", x => tf.nn.conv2d(x[0], x[1], [1], "SAME", dilations: [2]), [[1, 5, 5, 1], [2, 2, 1, 2]]),
        new("Conv2D", "NCHW SAME strides 2x1", x => tf.nn.conv2d(x[0], x[1], [2, 1], "SAME", data_format: "NCHW"), [[2, 1, 4, 3], [2, 2, 1, 1]]),
        new("Conv2DBackpropInput", "conv2d_transpose stride 2", x => tf.nn.conv2d_transpose(x[1], x[0], new[] { 1, 4, 4, 1 }, [2]),
            [[3, 3, 1, 2], [1, 2, 2, 2]]),
        new("Conv2DBackpropInput", "NCHW VALID dilation 2", x => Raw(NnOps.Conv2DBackpropInput, Sizes(1, 1, 5, 5), x[0], x[1], [1], "VALID", "NCHW", [2]),
            [[2, 2, 1, 2], [1, 2, 3, 3]]),
        new("Conv2DBackpropFilter", "NHWC VALID", x => Raw(NnOps.Conv2DBackpropFilter, x[0], Sizes(2, 2, 2, 3), x[1], [1], "VALID"),
            [[1, 4, 4, 2], [1, 3, 3, 3]]),
        new("Conv2DBackpropFilter", "NCHW SAME stride 2", x => Raw(NnOps.Conv2DBackpropFilter, x[0], Sizes(3, 3, 1, 2), x[1], [2], "SAME", "NCHW"),
            [[1, 1, 4, 4], [1, 2, 2, 2]]),
        new("DepthwiseConv2dNative", "NHWC SAME", x => tf.nn.depthwise_conv2d(x[0], x[1], [1], "SAME"), [[1, 4, 4, 2], [2, 2, 2, 2]]),
        new("DepthwiseConv2dNative", "NCHW VALID stride 2 dilation 2",
            x => tf.nn.depthwise_conv2d(x[0], x[1], [2], "VALID", data_format: "NCHW", dilations: [2]), [[1, 2, 5, 5], [2, 2, 2, 1]]),
        new("DepthwiseConv2dNativeBackpropInput", "SAME stride 2",
            x => Raw(NnOps.DepthwiseConv2dNativeBackpropInput, Sizes(1, 4, 4, 2), x[0], x[1], [2], "SAME"), [[2, 2, 2, 2], [1, 2, 2, 4]]),
        new("DepthwiseConv2dNativeBackpropFilter", "VALID",
            x => Raw(NnOps.DepthwiseConv2dNativeBackpropFilter, x[0], Sizes(2, 2, 2, 1), x[1], [1], "VALID"), [[1, 3, 3, 2], [1, 2, 2, 2]]),
    ];

    [TestMethod]
    public void Conv2d_builds_TF_attrs_and_computes_a_known_result()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var x = tf.constant(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, shape: new[] { 1, 3, 3, 1 });
        var f = tf.constant(new float[] { 1, 0, 0, -1 }, shape: new[] { 2, 2, 1, 1 });
        var y = tf.nn.conv2d(x, f, [1], "VALID");
        Assert.AreEqual("Conv2D", y.op.name);
        CollectionAssert.AreEqual(new long[] { 1, 1, 1, 1 }, y.op.get_attr("strides").ListI);
        CollectionAssert.AreEqual(new long[] { 1, 1, 1, 1 }, y.op.get_attr("dilations").ListI);
        Assert.AreEqual("[1,2,2,1]", y.shape.ToString());
        using var sess = tf.Session();
        // x[i,j] − x[i+1,j+1] = −4 everywhere.
        CollectionAssert.AreEqual(new float[] { -4, -4, -4, -4 }, sess.run(y).ToArray<float>());
        var t = tf.nn.conv2d_transpose(y, f, new[] { 1, 3, 3, 1 }, [1], "VALID");
        Assert.AreEqual("[1,3,3,1]", t.shape.ToString());
        CollectionAssert.AreEqual(new float[] { -4, -4, 0, -4, 0, 4, 0, 4, 4 }, sess.run(t).ToArray<float>());
    }

    [TestMethod]
    public void Gradient_ops_carry_the_forward_attrs()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var x = tf.placeholder(tf.float32, new[] { -1, 3, 8, 8 });
        var f = tf.placeholder(tf.float32, new[] { 3, 3, 3, 4 });
        var y = tf.nn.conv2d(x, f, [2], "SAME", data_format: "NCHW", dilations: [1]);
        Assert.AreEqual("[?,4,4,4]", y.shape.ToString(), "unknown batch stays unknown");
        var grads = tf.gradients(y, [x, f]);
        foreach (var (g, type) in new[] { (grads[0]!, "Conv2DBackpropInput"), (grads[1]!, "Conv2DBackpropFilter") })
        {
            Assert.AreEqual(type, g.op.type);
            foreach (var attr in new[] { "strides", "padding", "data_format", "dilations", "use_cudnn_on_gpu", "explicit_paddings" })
                Assert.AreEqual(y.op.get_attr(attr), g.op.get_attr(attr), $"{type}.{attr}");
        }
        Assert.AreEqual("[3,3,3,4]", grads[1]!.shape.ToString());
    }

    [TestMethod]
    public void Build_errors_name_the_node_with_TF_text()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var x = tf.placeholder(tf.float32, new[] { 1, 3, 3, 1 });
        var f = tf.placeholder(tf.float32, new[] { 5, 5, 1, 1 });
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.nn.conv2d(x, f, [1], "VALID"));
        StringAssert.Contains(e.Message, "Negative dimension size caused by subtracting 5 from 3 for 'Conv2D' (op: 'Conv2D') with input shapes: [1,3,3,1], [5,5,1,1].");
        var s = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.nn.conv2d(x, f, [1, 1, 1], "SAME"));
        StringAssert.Contains(s.Message, "strides should be of length 1, 2 or 4");
    }
}
