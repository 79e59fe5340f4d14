using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>Converts elements to <paramref name="dtype"/>; returns <paramref name="x"/> itself when it already has it (as TF).</summary>
    public static Tensor cast(Tensor x, DType dtype, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        dtype = dtype.BaseType();
        if (x.dtype.BaseType() == dtype) return x;
        return new OpBuilder(MathOps.Cast, name ?? "Cast").Input(x).Attr("DstT", dtype).Attr("Truncate", false).Build().outputs[0];
    }
}

/// <summary>TF _CastGrad: gradients pass between differentiable types only; integer casts stop them.</summary>
internal static class CastGradients
{
    public static void Register(GradientRegistry g) => g.Add(MathOps.Cast, static (op, grads) =>
    {
        var src = op.inputs[0].dtype.BaseType();
        var dst = op.outputs[0].dtype.BaseType();
        if (!src.IsDifferentiable() || !dst.IsDifferentiable()) return [null];
        return [tf.cast(grads[0]!, src)];
    });
}
