using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;
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
