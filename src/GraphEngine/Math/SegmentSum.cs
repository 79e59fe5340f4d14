using System.Runtime.CompilerServices;
using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>Sums the rows of <paramref name="data"/> into <paramref name="num_segments"/> segments by id; negative ids are dropped (UnsortedSegmentSum).</summary>
    public static Tensor unsorted_segment_sum(Tensor data, object segment_ids, object num_segments, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        using var scope = name_scope(name ?? "UnsortedSegmentSum");
        var ids = segment_ids as Tensor ?? convert_to_tensor(segment_ids, name: "segment_ids");
        var num = num_segments as Tensor ?? convert_to_tensor(num_segments, name: "num_segments");
        return new OpBuilder(MathOps.UnsortedSegmentSum, scope.Name).Input(data).Input(ids).Input(num).Build().outputs[0];
    }

    public static partial class math
    {
        /// <summary>tf.math.unsorted_segment_sum is tf.unsorted_segment_sum.</summary>
        public static Tensor unsorted_segment_sum(Tensor data, object segment_ids, object num_segments, string? name = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            return tf.unsorted_segment_sum(data, segment_ids, num_segments, name);
        }
    }
}

/// <summary>TF _UnsortedSegmentSumGrad: gather the gradient rows by id, zero where the id was negative (_GatherDropNegatives).</summary>
internal static class SegmentSumGradients
{
    public static void Register(GradientRegistry g) => g.Add(MathOps.UnsortedSegmentSum, static (op, grads) =>
    {
        var ids = op.inputs[1];
        var zero = tf.ConstantOf(NDArrayConversion.ToHostTensor(0, ids.dtype.BaseType()), "Const");
        var clipped = OpBuilder.Binary(MathOps.Maximum, ids, zero, null);
        var gathered = new OpBuilder(ArrayOps.GatherV2).Input(grads[0]!).Input(clipped).Input(tf.constant(0)).Build().outputs[0];
        var positive = OpBuilder.Binary(MathOps.GreaterEqual, ids, zero, null);
        // Trailing 1s so the condition broadcasts over each gathered row.
        var extraRank = OpBuilder.Binary(MathOps.Sub, new OpBuilder(ArrayOps.Rank).Input(gathered).Build().outputs[0],
            new OpBuilder(ArrayOps.Rank).Input(positive).Build().outputs[0], null);
        var ones = new OpBuilder(ArrayOps.Fill).Input(new OpBuilder(ArrayOps.ExpandDims).Input(extraRank).Input(tf.constant(0)).Build().outputs[0])
            .Input(tf.constant(1)).Build().outputs[0];
        var shape = tf.concat([BroadcastGradients.Shape(positive), ones], 0);
        var condition = new OpBuilder(ArrayOps.Reshape).Input(positive).Input(shape).Build().outputs[0];
        var zeros = OpBuilder.Unary(ArrayOps.ZerosLike, gathered, null);
        return [new OpBuilder(MathOps.SelectV2).Input(condition).Input(gathered).Input(zeros).Build().outputs[0], null, null];
    });
}
