using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Array;
using GraphEngine.Ops.Math;
using GraphEngine.Ops.Model;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>Sum over <paramref name="axis"/> (int, int[] or an int tensor; null = all axes).</summary>
    public static Tensor reduce_sum(Tensor input_tensor, object? axis = null, bool keepdims = false, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return Reduce(MathOps.Sum, input_tensor, axis, keepdims, name ?? "Sum");
    }

    /// <summary>Mean over <paramref name="axis"/> (int, int[] or an int tensor; null = all axes).</summary>
    public static Tensor reduce_mean(Tensor input_tensor, object? axis = null, bool keepdims = false, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return Reduce(MathOps.Mean, input_tensor, axis, keepdims, name ?? "Mean");
    }

    /// <summary>TF1's reduction builder: all axes become a Const "Const" (or Range over Rank when the rank is unknown).</summary>
    internal static Tensor Reduce(OpDef def, Tensor x, object? axis, bool keepdims, string name)
    {
        Tensor axes;
        if (axis == null)
        {
            if (!x.shape.HasRank)
                throw new UnimplementedException($"Reducing {x.name} of unknown rank over all axes needs Range and Rank, which are not available yet.");
            axes = constant(Enumerable.Range(0, x.shape.Rank).ToArray(), name: "Const");
            return new OpBuilder(def, name).Input(x).Input(axes).Attr("keep_dims", keepdims).Build().outputs[0];
        }
        using var scope = name_scope(name);
        axes = axis switch
        {
            Tensor t => t,
            int i => constant(i, name: "reduction_indices"),
            long l => constant(l, name: "reduction_indices"),
            int[] a => constant(a, name: "reduction_indices"),
            long[] a => constant(a, name: "reduction_indices"),
            _ => throw new InvalidArgumentException($"axis must be an int, an int array or a tensor, got {axis.GetType().Name}."),
        };
        return new OpBuilder(def, scope.Name).Input(x).Input(axes).Attr("keep_dims", keepdims).Build().outputs[0];
    }
}

/// <summary>
/// Gradients of Sum and Mean: the incoming gradient is reshaped to the input's rank with the reduced
/// axes kept as 1, then tiled back to the input's shape (TF: math_grad.py _SumGrad/_MeanGrad).
/// With a known rank and constant axes this needs no DynamicStitch: kept dims come from a mask.
/// </summary>
internal static class ReductionGradients
{
    public static void Register(GradientRegistry g)
    {
        g.Add(MathOps.Sum, static (op, grads) => [SumGrad(op, grads[0]!), null]);
        g.Add(MathOps.Mean, static (op, grads) =>
        {
            var sumGrad = SumGrad(op, grads[0]!);
            var (x, y) = (op.inputs[0], op.outputs[0]);
            var dtype = sumGrad.dtype.BaseType();
            Tensor factor;
            if (x.shape.IsFullyDefined && y.shape.IsFullyDefined)
            {
                long n = x.shape.NumElements / Math.Max(y.shape.NumElements, 1);
                factor = tf.constant(n, dtype);
            }
            else
            {
                Tensor Size(Tensor t) => new OpBuilder(ArrayOps.Size).Input(t).Attr("out_type", DType.Int32).Build().outputs[0];
                var denominator = OpBuilder.Binary(MathOps.Maximum, Size(y), tf.constant(1), null);
                factor = tf.cast(OpBuilder.Binary(MathOps.FloorDiv, Size(x), denominator, null), dtype);
            }
            return [OpBuilder.Binary(MathOps.RealDiv, sumGrad, factor, null), null];
        });
    }

    private static Tensor SumGrad(Operation op, Tensor grad)
    {
        var (keptShape, tiling) = KeptShape(op);
        var reshaped = new OpBuilder(ArrayOps.Reshape).Input(grad).Input(keptShape).Build().outputs[0];
        return new OpBuilder(ArrayOps.Tile).Input(reshaped).Input(tiling).Build().outputs[0];
    }

    /// <summary>
    /// For a reduction op: the input's shape with reduced axes set to 1 (what keep_dims gives), and
    /// the tiling that restores the input's shape from it. Needs a known rank and constant axes.
    /// </summary>
    internal static (Tensor KeptShape, Tensor Tiling) KeptShape(Operation op)
    {
        var x = op.inputs[0];
        var axesValue = OpBuilder.ConstantValue(op.inputs[1]);
        if (x.shape.IsFullyDefined && axesValue != null)
        {
            int rank = x.shape.Rank;
            var kept = Enumerable.Repeat(true, rank).ToArray();
            foreach (var a in axesValue.ToInt64Array()) kept[(int)(a < 0 ? a + rank : a)] = false;
            var dims = x.shape.ToArray();
            return (tf.constant(dims.Select((d, i) => kept[i] ? (int)d : 1).ToArray()),
                    tf.constant(dims.Select((d, i) => kept[i] ? 1 : (int)d).ToArray()));
        }
        // TF's reduced_shape uses DynamicStitch; a reduced-axis mask does the same with elementwise ops:
        // mask[i] = any(i == (axes mod rank)); kept = shape·(1 − mask) + mask; tiling = shape·mask + (1 − mask).
        var sx = BroadcastGradients.Shape(x);
        var rankT = new OpBuilder(ArrayOps.Size).Input(sx).Attr("out_type", DType.Int32).Build().outputs[0];
        var axes = tf.cast(op.inputs[1], DType.Int32);
        var positive = OpBuilder.Binary(MathOps.FloorMod, OpBuilder.Binary(MathOps.AddV2, axes, rankT, null), rankT, null);
        var flatAxes = new OpBuilder(ArrayOps.Reshape).Input(positive).Input(tf.constant(new[] { 1, -1 })).Build().outputs[0];
        var ids = new OpBuilder(ArrayOps.Range).Input(tf.constant(0)).Input(rankT).Input(tf.constant(1)).Build().outputs[0];
        var column = new OpBuilder(ArrayOps.ExpandDims).Input(ids).Input(tf.constant(1)).Build().outputs[0];
        var hits = new OpBuilder(MathOps.Any).Input(OpBuilder.Binary(MathOps.Equal, column, flatAxes, null)).Input(tf.constant(1))
            .Attr("keep_dims", false).Build().outputs[0];
        var mask = tf.cast(hits, DType.Int32);
        var inverse = OpBuilder.Binary(MathOps.Sub, tf.constant(1), mask, null);
        return (OpBuilder.Binary(MathOps.AddV2, OpBuilder.Binary(MathOps.Mul, sx, inverse, null), mask, null),
                OpBuilder.Binary(MathOps.AddV2, OpBuilder.Binary(MathOps.Mul, sx, mask, null), inverse, null));
    }
}
