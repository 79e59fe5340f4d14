using System.Runtime.CompilerServices;
using GraphEngine.Ops.Array;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>Inserts a dimension of size 1 at <paramref name="axis"/> (ExpandDims).</summary>
    public static Tensor expand_dims(Tensor input, int axis, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        using var scope = name_scope(name ?? "ExpandDims");
        return new OpBuilder(ArrayOps.ExpandDims, scope.Name).Input(input).Input(constant(axis, name: "dim")).Build().outputs[0];
    }

    /// <summary>Removes dimensions of size 1 (all of them, or those in <paramref name="axis"/>) (Squeeze).</summary>
    public static Tensor squeeze(Tensor input, int[]? axis = null, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return new OpBuilder(ArrayOps.Squeeze, name ?? "Squeeze").Input(input).Attr("squeeze_dims", Ops.Core.AttrValue.Of(axis ?? [])).Build().outputs[0];
    }
}

/// <summary>Both only change the shape: the gradient is reshaped back to the input's shape.</summary>
internal static class ExpandSqueezeGradients
{
    public static void Register(GradientRegistry g)
    {
        g.Add(ArrayOps.ExpandDims, static (op, grads) => [ReshapeLike(grads[0]!, op.inputs[0]), null]);
        g.Add(ArrayOps.Squeeze, static (op, grads) => [ReshapeLike(grads[0]!, op.inputs[0])]);
    }

    internal static Tensor ReshapeLike(Tensor grad, Tensor x) =>
        new OpBuilder(ArrayOps.Reshape).Input(grad).Input(BroadcastGradients.Shape(x)).Build().outputs[0];
}
