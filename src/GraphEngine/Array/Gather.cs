using System.Runtime.CompilerServices;
using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>Slices of <paramref name="params"/> at <paramref name="indices"/> along <paramref name="axis"/> (GatherV2).</summary>
    public static Tensor gather(Tensor @params, object indices, int axis = 0, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        using var scope = name_scope(name ?? "GatherV2");
        var idx = indices as Tensor ?? convert_to_tensor(indices, name: "indices");
        return new OpBuilder(ArrayOps.GatherV2, scope.Name).Input(@params).Input(idx).Input(constant(axis, name: "axis")).Build().outputs[0];
    }

    /// <summary>With one argument, tf.where gives the coordinates of the true elements ([num_true, rank], int64).</summary>
    public static Tensor where(Tensor condition, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return OpBuilder.Unary(ArrayOps.Where, condition, name ?? "Where");
    }

    /// <summary>The elements of <paramref name="tensor"/> where <paramref name="mask"/> is true, flattened to 1-D for 1-D masks (TF1's boolean_mask).</summary>
    public static Tensor boolean_mask(Tensor tensor, Tensor mask, string name = "boolean_mask", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        if (mask.shape.Rank != 1) throw new UnimplementedException($"boolean_mask supports 1-D masks; {mask.name} has shape {mask.shape}.");
        using var scope = name_scope(name);
        var indices = squeeze(where(mask), [1]);
        return gather(tensor, indices);
    }
}

/// <summary>
/// TF's _GatherV2Grad for batch_dims 0: the gradient, reshaped to params[:axis] + [N] + params[axis+1:],
/// has the gathered axis moved to the front, is summed into rows by index with UnsortedSegmentSum
/// (duplicates accumulate) and moved back. TF returns IndexedSlices for axis 0; we build the dense sum.
/// </summary>
internal static class GatherGradients
{
    public static void Register(GradientRegistry g) => g.Add(ArrayOps.GatherV2, static (op, grads) =>
    {
        var (parameters, indices, axisTensor) = (op.inputs[0], op.inputs[1], op.inputs[2]);
        var axisValue = OpBuilder.ConstantValue(axisTensor)?.ToInt64Array()[0];
        if (axisValue == null || op.get_attr("batch_dims").I != 0)
            throw new UnimplementedException($"Gradient of GatherV2 '{op.name}' needs a constant axis and batch_dims 0 (axis is {(axisValue?.ToString() ?? "not constant")}).");
        if (axisValue < 0 && !parameters.shape.HasRank)
            throw new UnimplementedException($"Gradient of GatherV2 '{op.name}' with negative axis {axisValue} needs the rank of {parameters.name}, which is unknown.");
        int axis = (int)(axisValue < 0 ? axisValue + parameters.shape.Rank : axisValue);
        var paramsShape = BroadcastGradients.Shape(parameters);
        var rank = new OpBuilder(ArrayOps.Size).Input(paramsShape).Attr("out_type", DType.Int32).Build().outputs[0];
        var (zero, at, next) = (tf.constant(0), tf.constant(axis), tf.constant(axis + 1));
        // Index vectors into params' shape, built at run time so params' rank may be unknown.
        Tensor Range(Tensor from, Tensor to) => new OpBuilder(ArrayOps.Range).Input(from).Input(to).Input(tf.constant(1)).Build().outputs[0];
        Tensor Gather(Tensor v, Tensor which) => new OpBuilder(ArrayOps.GatherV2).Input(v).Input(which).Input(tf.constant(0)).Build().outputs[0];
        var count = new OpBuilder(ArrayOps.Size).Input(indices).Attr("out_type", DType.Int32).Build().outputs[0];
        var countVector = new OpBuilder(ArrayOps.ExpandDims).Input(count).Input(zero).Build().outputs[0];
        var valuesShape = tf.concat([Gather(paramsShape, Range(zero, at)), countVector, Gather(paramsShape, Range(next, rank))], 0);
        var values = new OpBuilder(ArrayOps.Reshape).Input(grads[0]!).Input(valuesShape).Build().outputs[0];
        var axisVector = tf.constant(new[] { axis });
        if (axis != 0)
        {
            // Constant perms when the rank is known: Transpose's own gradient needs a constant perm.
            var perm = parameters.shape.HasRank
                ? tf.constant(new[] { axis }.Concat(Enumerable.Range(0, parameters.shape.Rank).Where(d => d != axis)).ToArray())
                : tf.concat([axisVector, Range(zero, at), Range(next, rank)], 0);
            values = new OpBuilder(ArrayOps.Transpose).Input(values).Input(perm).Build().outputs[0];
        }
        var flatIndices = new OpBuilder(ArrayOps.Reshape).Input(indices).Input(countVector).Build().outputs[0];
        var rows = Gather(paramsShape, at);
        var summed = new OpBuilder(MathOps.UnsortedSegmentSum).Input(values).Input(flatIndices).Input(rows).Build().outputs[0];
        if (axis != 0)
        {
            var inverse = parameters.shape.HasRank
                ? tf.constant(Enumerable.Range(1, axis).Append(0).Concat(Enumerable.Range(axis + 1, parameters.shape.Rank - axis - 1)).ToArray())
                : tf.concat([Range(tf.constant(1), next), tf.constant(new[] { 0 }), Range(next, rank)], 0);
            summed = new OpBuilder(ArrayOps.Transpose).Input(summed).Input(inverse).Build().outputs[0];
        }
        return [summed, null, null];
    });
}
