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
/// TF's _GatherV2Grad returns IndexedSlices summed by UnsortedSegmentSum; we build the same dense
/// result as onehot(indices)ᵀ · grad, which needs only ops GraphEngine has (axis 0, batch_dims 0).
/// </summary>
internal static class GatherGradients
{
    public static void Register(GradientRegistry g) => g.Add(ArrayOps.GatherV2, static (op, grads) =>
    {
        var (parameters, indices, axisTensor) = (op.inputs[0], op.inputs[1], op.inputs[2]);
        var axis = OpBuilder.ConstantValue(axisTensor)?.ToInt64Array()[0];
        if (axis != 0 || op.get_attr("batch_dims").I != 0)
            throw new UnimplementedException($"Gradient of GatherV2 '{op.name}' is implemented for axis 0 and batch_dims 0 only (axis is {(axis?.ToString() ?? "not constant")}).");
        var dtype = parameters.dtype.BaseType();
        var itype = indices.dtype.BaseType();
        var paramsShape = new OpBuilder(ArrayOps.Shape).Input(parameters).Attr("out_type", itype).Build().outputs[0];
        var rows = new OpBuilder(ArrayOps.GatherV2).Input(paramsShape).Input(tf.ConstantOf(NDArrayConversion.ToHostTensor(0, itype), "Const")).Input(tf.constant(0)).Build().outputs[0];
        var flatIndices = new OpBuilder(ArrayOps.Reshape).Input(indices).Input(tf.constant(new[] { -1 })).Build().outputs[0];
        var zero = tf.ConstantOf(NDArrayConversion.ToHostTensor(0, itype), "Const");
        var one = tf.ConstantOf(NDArrayConversion.ToHostTensor(1, itype), "Const");
        var ids = new OpBuilder(ArrayOps.Range).Input(zero).Input(rows).Input(one).Build().outputs[0];
        var column = new OpBuilder(ArrayOps.ExpandDims).Input(flatIndices).Input(tf.constant(1)).Build().outputs[0];
        var onehot = tf.cast(OpBuilder.Binary(MathOps.Equal, column, ids, null), dtype);
        var size = new OpBuilder(ArrayOps.Size).Input(flatIndices).Attr("out_type", DType.Int32).Build().outputs[0];
        var gradShape = new OpBuilder(ArrayOps.Pack).InputList([size, tf.constant(-1)]).Attr("axis", 0L).Build().outputs[0];
        var flatGrad = new OpBuilder(ArrayOps.Reshape).Input(grads[0]!).Input(gradShape).Build().outputs[0];
        var dense = new OpBuilder(MathOps.MatMul).Input(onehot).Input(flatGrad).Attr("transpose_a", true).Attr("transpose_b", false).Build().outputs[0];
        var shaped = new OpBuilder(ArrayOps.Reshape).Input(dense).Input(BroadcastGradients.Shape(parameters)).Build().outputs[0];
        return [shaped, null, null];
    });
}
