using GraphEngine.Runtime;
using GraphEngine.TestKit;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Autodiff;

/// <summary>
/// Numeric gradient checks (float64, central differences) for every op with a registered gradient.
/// Each case names the op type it covers; a catalog test requires every differentiable op to have one.
/// </summary>
[TestClass]
public sealed class GradientCheckTests
{
    private const double Tolerance = 1e-6;

    public sealed record Case(string OpType, string Name, Func<Tensor[], Tensor> F, long[][] Shapes, double[][]? Inits = null, double Delta = 1e-6,
        double Tol = Tolerance)
    {
        public override string ToString() => $"{OpType}: {Name}";
    }

    public static IEnumerable<Case> Cases =>
    [
        new("AddV2", "same shapes", x => x[0] + x[1], [[2, 3], [2, 3]]),
        new("AddV2", "broadcast row", x => x[0] + x[1], [[2, 3], [3]]),
        new("AddV2", "broadcast both ways", x => x[0] + x[1], [[2, 1], [1, 3]]),
        new("AddV2", "scalar", x => x[0] + x[1], [[], [2, 2]]),
        new("Add", "TF1 Add op", x => new OpBuilder(Ops.Math.MathOps.Add).Input(x[0]).Input(x[1]).Build().outputs[0], [[3, 1], [2]]),
        new("Sub", "same shapes", x => x[0] - x[1], [[2, 3], [2, 3]]),
        new("Sub", "broadcast", x => x[0] - x[1], [[4, 1, 3], [2, 1]]),
        new("Mul", "same shapes", x => x[0] * x[1], [[3, 2], [3, 2]]),
        new("Mul", "broadcast", x => x[0] * x[1], [[2, 3], [2, 1]]),
        new("RealDiv", "broadcast", x => x[0] / x[1], [[2, 3], [3]]),
        new("Neg", "matrix", x => -x[0], [[2, 2]]),
        new("Square", "matrix", x => tf.square(x[0]), [[3, 2]]),
        new("MatMul", "plain", x => tf.matmul(x[0], x[1]), [[2, 3], [3, 4]]),
        new("MatMul", "transpose_a", x => tf.matmul(x[0], x[1], transpose_a: true), [[3, 2], [3, 4]]),
        new("MatMul", "transpose_b", x => tf.matmul(x[0], x[1], transpose_b: true), [[2, 3], [4, 3]]),
        new("MatMul", "both transposed", x => tf.matmul(x[0], x[1], transpose_a: true, transpose_b: true), [[3, 2], [4, 3]]),
        new("Sum", "all axes", x => tf.reduce_sum(x[0]), [[2, 3]]),
        new("Sum", "axis 1", x => tf.reduce_sum(x[0], 1), [[2, 3, 2]]),
        new("Sum", "negative axis keepdims", x => tf.reduce_sum(x[0], -1, keepdims: true), [[2, 3]]),
        new("Sum", "two axes", x => tf.reduce_sum(x[0], new[] { 0, 2 }), [[2, 3, 2]]),
        new("Mean", "all axes", x => tf.reduce_mean(x[0]), [[2, 3]]),
        new("Mean", "axis 0", x => tf.reduce_mean(x[0], 0), [[4, 3]]),
        // Steps of 2^-10 around values exact in float32 keep the float32 round trip exact.
        new("Cast", "float64 → float32 → float64", x => tf.cast(tf.cast(x[0], tf.float32), tf.float64) * 1.0, [[3]], [[0.5, -1.25, 2.0]], 1.0 / 1024),
        new("Relu", "away from 0", x => tf.nn.relu(x[0]), [[2, 4]]),
        new("ReluGrad", "through relu's gradient", x => tf.gradients(tf.nn.relu(x[0]) * x[0], x[0])[0]!, [[5]]),
        new("Identity", "identity", x => tf.identity(x[0]), [[3]]),
        new("PlaceholderWithDefault", "passes through", x => tf.placeholder_with_default(x[0], new[] { 3 }) * 2.0, [[3]]),
        new("Reshape", "to 3x2", x => tf.reshape(x[0], new[] { 3, 2 }), [[2, 3]]),
        new("Fill", "value input", x => tf.fill(new[] { 2, 3 }, x[0]), [[]]),
        new("AddN", "three inputs", x => tf.add_n([x[0], x[1], x[0]]), [[2, 2], [2, 2]]),
        new("Maximum", "broadcast", x => tf.maximum(x[0], x[1]), [[2, 3], [3]]),
        new("Minimum", "same shapes", x => tf.minimum(x[0], x[1]), [[2, 3], [2, 3]]),
        new("FloorMod", "away from jumps", x => tf.floormod(x[0], x[1]), [[3], [3]], [[5.3, -2.7, 7.9], [2.0, 1.5, -3.0]]),
        new("Select", "elementwise condition", x => tf.where(tf.greater(x[0], x[1]), x[0] * 2.0, x[1]), [[2, 3], [2, 3]]),
        new("SelectV2", "broadcast", x => tf.where_v2(tf.constant(new[] { true, false, true }), x[0], x[1]), [[2, 3], [1]]),
        new("Prod", "no zeros", x => tf.reduce_prod(x[0], 1), [[2, 3]]),
        new("Prod", "one zero in a row", x => tf.reduce_prod(x[0], 1), [[2, 3]], [[1.5, 0.0, -2.0, 0.5, 3.0, 1.2]]),
        new("Prod", "two zeros in a row", x => tf.reduce_prod(x[0]), [[4]], [[0.0, 2.0, 0.0, 3.0]]),
        new("Max", "axis 0", x => tf.reduce_max(x[0], 0), [[3, 2]]),
        new("Max", "ties share the gradient", x => tf.reduce_max(x[0]), [[4]], [[1.0, 3.0, 3.0, -1.0]], 1e-7),
        new("Min", "keepdims", x => tf.reduce_min(x[0], 1, keepdims: true), [[2, 3]]),
        new("Tile", "2x3 tiling", x => tf.tile(x[0], new[] { 2, 3 }), [[2, 2]]),
        new("BroadcastTo", "row to matrix", x => tf.broadcast_to(x[0], new[] { 3, 2 }), [[2]]),
        new("Pack", "axis 1", x => tf.stack([x[0], x[1]], axis: 1), [[3], [3]]),
        new("Unpack", "axis 0", x => tf.unstack(x[0])[1] * tf.unstack(x[0])[0], [[2, 3]]),
        new("ExpandDims", "axis 1", x => tf.expand_dims(x[0], 1), [[3]]),
        new("Squeeze", "all", x => tf.squeeze(x[0]), [[1, 3, 1]]),
        new("Transpose", "3-d perm", x => tf.transpose(x[0], new[] { 2, 0, 1 }), [[2, 3, 2]]),
        new("ConcatV2", "axis 1", x => tf.concat([x[0], x[1]], 1), [[2, 1], [2, 3]]),
        new("GatherV2", "repeated indices", x => tf.gather(x[0], new[] { 2, 0, 2 }), [[3, 2]]),
        .. Nn.ConvTests.GradientCases,
        .. Nn.PoolingTests.GradientCases,
        .. Nn.BatchNormTests.GradientCases,
    ];

    public static IEnumerable<object[]> CaseData => Cases.Select(c => new object[] { c });

    public static string CaseName(System.Reflection.MethodInfo _, object?[]? data) => data?[0]?.ToString() ?? "";

    [TestMethod]
    [DynamicData(nameof(CaseData), DynamicDataDisplayName = nameof(CaseName))]
    public void Gradient_matches_central_differences(Case c)
    {
        double error = GradientChecker.ComputeGradientError(c.F, c.Shapes, c.Inits, c.Delta);
        Assert.IsLessThan(c.Tol, error, $"{c}: max |symbolic − numeric| = {error}");
    }

    [TestMethod]
    public void Every_differentiable_op_has_a_gradient_check()
    {
        var covered = Cases.Select(c => c.OpType).ToHashSet();
        var missing = GradientRegistry.Default.DifferentiableOps.Where(op => !covered.Contains(op)).OrderBy(s => s).ToList();
        Assert.AreEqual(0, missing.Count, "differentiable ops without a numeric gradient check: " + string.Join(", ", missing));
    }

    [TestMethod]
    public void Every_registered_op_has_a_gradient_or_is_declared_not_differentiable()
    {
        var missing = RuntimeLibrary.Default.Ops.All.Select(o => o.Name).Where(n => !GradientRegistry.Default.HasEntry(n)).ToList();
        Assert.AreEqual(0, missing.Count, "ops with neither a gradient nor a NoGradient entry: " + string.Join(", ", missing));
    }

    [TestMethod]
    public void The_checker_detects_a_wrong_gradient()
    {
        // d/dx [stop_gradient(x²) + x] is symbolically 1 but numerically 2x + 1: the checker must see the difference.
        var error = GradientChecker.ComputeGradientError(x => tf.stop_gradient(tf.square(x[0])) + x[0], [[3]], [[1.0, 2.0, -3.0]]);
        Assert.AreEqual(6.0, error, 1e-6);
    }
}
