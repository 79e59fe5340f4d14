using Case = GraphEngine.Tests.Autodiff.GradientCheckTests.Case;

// Not "GraphEngine.Tests.Array": that namespace would shadow System.Array in every test file.
namespace GraphEngine.Tests.Arrays;

/// <summary>Numeric gradient checks of the reversing, indexing, batched-product and segment ops (GradientCheckTests runs them).</summary>
public static class IndexingGradientCases
{
    private static Tensor Raw(Ops.Model.OpDef def, Tensor x, Tensor y) => new OpBuilder(def).Input(x).Input(y).Build().outputs[0];

    public static IEnumerable<Case> GradientCases =>
    [
        new("ReverseV2", "axes 0 and 2", x => tf.reverse(x[0], new[] { 0, 2 }), [[2, 3, 2]]),
        new("ReverseV2", "negative axis", x => tf.reverse(x[0], -1) * x[0], [[2, 3]]),
        new("Reverse", "TF1 op with a bool mask", x => new OpBuilder(Ops.Array.ArrayOps.Reverse).Input(x[0]).Input(tf.constant(new[] { true, false })).Build().outputs[0],
            [[2, 3]]),
        new("GatherNd", "rows with a repeated index", x => tf.gather_nd(x[0], new[,] { { 0, 1 }, { 1, 0 }, { 0, 1 } }), [[2, 2, 3]]),
        new("GatherNd", "elements", x => tf.gather_nd(x[0], new[,] { { 1, 2 }, { 0, 0 } }), [[2, 3]]),
        new("ScatterNd", "duplicate rows accumulate", x => tf.scatter_nd(new[,] { { 1 }, { 0 }, { 1 } }, x[0], new[] { 3, 2 }), [[3, 2]]),
        new("GatherV2", "axis 1, matrix of indices", x => tf.gather(x[0], tf.constant(new[,] { { 2, 0 }, { 2, 2 } }), axis: 1), [[2, 3, 2]]),
        new("GatherV2", "axis -1", x => tf.gather(x[0], new[] { 1, 1, 0 }, axis: -1), [[2, 2]]),
        new("BatchMatMulV2", "broadcast batch dims", x => tf.matmul(x[0], x[1]), [[2, 1, 3, 4], [3, 4, 2]]),
        new("BatchMatMulV2", "matrix times batch, adjoint_a", x => tf.matmul(x[0], x[1], adjoint_a: true), [[4, 3], [2, 4, 2]]),
        new("BatchMatMulV2", "batch times matrix, transpose_b", x => tf.matmul(x[0], x[1], transpose_b: true), [[2, 3, 4], [2, 4]]),
        new("BatchMatMulV2", "same batch, both adjoints", x => tf.matmul(x[0], x[1], adjoint_a: true, adjoint_b: true), [[2, 4, 3], [2, 2, 4]]),
        new("BatchMatMul", "TF1 op, adj_y", x => new OpBuilder(Ops.Math.MathOps.BatchMatMul).Input(x[0]).Input(x[1]).Attr("adj_y", true).Build().outputs[0],
            [[2, 3, 4], [2, 2, 4]]),
        new("UnsortedSegmentSum", "negative id dropped", x => tf.unsorted_segment_sum(x[0], new[] { 0, -1, 2, 0 }, 3), [[4, 3]]),
        new("UnsortedSegmentSum", "matrix of ids", x => tf.math.unsorted_segment_sum(x[0], new[,] { { 1, 0 }, { 1, 1 } }, 2), [[2, 2, 2]]),
        new("DynamicStitch", "two partitions", x => tf.dynamic_stitch([new[] { 0, 2 }, new[] { 1 }], [x[0], x[1]]), [[2, 2], [1, 2]]),
        new("ParallelDynamicStitch", "matrix of indices", x => new OpBuilder(Ops.Array.ArrayOps.ParallelDynamicStitch)
            .InputList([tf.constant(new[,] { { 3, 0 } }), tf.constant(new[] { 1, 2 })]).InputList([x[0], x[1]]).Build().outputs[0], [[1, 2, 2], [2, 2]]),
        new("Div", "TF1 op, broadcast", x => Raw(Ops.Math.MathOps.Div, x[0], x[1]), [[2, 3], [3]]),
    ];
}
