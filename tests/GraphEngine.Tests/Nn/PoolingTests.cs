using GraphEngine.Ops.Nn;
using GraphEngine.TestKit;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using Case = GraphEngine.Tests.Autodiff.GradientCheckTests.Case;

namespace GraphEngine.Tests.Nn;

[TestClass]
public sealed class PoolingTests
{
    private static Tensor MaxGradOp(Ops.Model.OpDef def, Tensor x, Tensor g, string format = "NHWC")
    {
        var y = tf.nn.max_pool(x, [2], [2], "SAME", format);
        return new OpBuilder(def).Input(x).Input(y).Input(g).Attr("ksize", y.op.get_attr("ksize")).Attr("strides", y.op.get_attr("strides"))
            .Attr("padding", "SAME").Attr("data_format", format).Build().outputs[0];
    }

    /// <summary>Random inputs have no ties, so the maxima do not move under the checker's small steps.</summary>
    public static IEnumerable<Case> GradientCases =>
    [
        new("MaxPool", "2x2 stride 2 VALID", x => tf.nn.max_pool(x[0], [2], [2], "VALID"), [[1, 4, 4, 2]]),
        new("MaxPool", "3x3 stride 2 SAME NCHW", x => tf.nn.max_pool(x[0], [3], [2], "SAME", "NCHW"), [[1, 2, 5, 5]]),
        new("AvgPool", "3x3 stride 2 SAME", x => tf.nn.avg_pool(x[0], [3], [2], "SAME"), [[1, 5, 5, 2]]),
        new("AvgPool", "2x2 stride 1 VALID NCHW", x => tf.nn.avg_pool(x[0], [2], [1], "VALID", "NCHW"), [[1, 2, 3, 4]]),
        new("AvgPoolGrad", "SAME", x => new OpBuilder(NnOps.AvgPoolGrad).Input(tf.constant(new[] { 1, 5, 5, 2 })).Input(x[0])
            .Attr("ksize", Ops.Core.AttrValue.Of(new long[] { 1, 3, 3, 1 })).Attr("strides", Ops.Core.AttrValue.Of(new long[] { 1, 2, 2, 1 }))
            .Attr("padding", "SAME").Build().outputs[0], [[1, 3, 3, 2]]),
        new("MaxPoolGrad", "orig_input and grad", x => MaxGradOp(NnOps.MaxPoolGrad, x[0], x[1]), [[1, 4, 3, 2], [1, 2, 2, 2]]),
        new("MaxPoolGradGrad", "orig_input and grad NCHW", x => MaxGradOp(NnOps.MaxPoolGradGrad, x[0], x[1], "NCHW"), [[1, 2, 3, 4], [1, 2, 3, 4]]),
    ];

    [TestMethod]
    public void Max_pool_second_derivative_through_a_square_matches_central_differences()
    {
        // d/dx of MaxPoolGrad(x, y, 2y) runs through MaxPoolGradGrad and MaxPool's gradient.
        double error = GradientChecker.ComputeSecondOrderError(x => tf.reduce_sum(tf.square(tf.nn.max_pool(x, [2], [2], "VALID"))), [1, 4, 4, 1]);
        Assert.IsLessThan(1e-6, error);
    }

    [TestMethod]
    public void Pool_builders_expand_ksize_and_strides_for_the_layout()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var x = tf.placeholder(tf.float32, new[] { -1, 3, 7, 7 });
        var y = tf.nn.max_pool(x, [3, 2], [2], "SAME", "NCHW");
        CollectionAssert.AreEqual(new long[] { 1, 1, 3, 2 }, y.op.get_attr("ksize").ListI);
        CollectionAssert.AreEqual(new long[] { 1, 1, 2, 2 }, y.op.get_attr("strides").ListI);
        Assert.AreEqual("[?,3,4,4]", y.shape.ToString());
        var a = tf.nn.avg_pool(x, [2], [2], "VALID", "NCHW");
        Assert.AreEqual("[?,3,3,3]", a.shape.ToString());
        Assert.AreEqual("AvgPoolGrad", tf.gradients(a, x)[0]!.op.type);
    }
}
