using System.Runtime.CompilerServices;
using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>
    /// Splits <paramref name="value"/> along <paramref name="axis"/>: an int gives that many equal parts
    /// (Split); int[]/long[] or a 1-D int tensor gives parts of those sizes, one of which may be -1 for
    /// the rest (SplitV). <paramref name="num"/> is needed only when the sizes tensor's length is unknown.
    /// </summary>
    public static Tensor[] split(Tensor value, object num_or_size_splits, int axis = 0, int? num = null, string name = "split",
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        if (num_or_size_splits is int or long)
        {
            long n = Convert.ToInt64(num_or_size_splits);
            using var s = name_scope(name);
            var dim = constant(axis, name: "split_dim");
            return new OpBuilder(ArrayOps.Split, s.Name).Input(dim).Input(value).Attr("num_split", n).Build().outputs;
        }
        var sizes = num_or_size_splits switch
        {
            Tensor t => t,
            int[] a => constant(a),
            long[] a => constant(a),
            _ => convert_to_tensor(num_or_size_splits),
        };
        if (sizes.shape.Rank == 0)
            throw new InvalidArgumentException(
                $"Rank-0 tensors are not supported as the num_or_size_splits argument to split. Argument provided: {sizes.name}");
        long count = num ?? (sizes.shape.HasRank ? sizes.shape[0] : -1);
        if (count < 0) throw new InvalidArgumentException($"Cannot infer argument `num` from shape {sizes.shape} of {sizes.name}");
        using var scope = name_scope(name);
        var splitDim = constant(axis, name: "split_dim");
        return new OpBuilder(ArrayOps.SplitV, scope.Name).Input(value).Input(sizes).Input(splitDim).Attr("num_split", count).Build().outputs;
    }
}

/// <summary>TF _SplitGrad and _SplitVGrad: the outputs' gradients joined back along the split axis (zeros where an output has none).</summary>
internal static class SplitGradients
{
    public static void Register(GradientRegistry g)
    {
        g.Add(ArrayOps.Split, static (op, grads) => [null, Join(op, grads, op.inputs[0])]);
        g.Add(ArrayOps.SplitV, static (op, grads) => [Join(op, grads, op.inputs[2]), null, null]);
    }

    private static Tensor Join(Operation op, Tensor?[] grads, Tensor axis)
    {
        var parts = grads.Select((gr, i) => gr ?? tf.zeros_like(op.outputs[i])).ToArray();
        if (parts.Length == 1) return parts[0];
        return new OpBuilder(ArrayOps.ConcatV2).InputList(parts).Input(axis).Build().outputs[0];
    }
}
