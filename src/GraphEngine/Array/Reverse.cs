using System.Runtime.CompilerServices;
using GraphEngine.Ops.Array;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>Reverses <paramref name="tensor"/> along the given axes (int, int[], long[] or an int tensor) (ReverseV2).</summary>
    public static Tensor reverse(Tensor tensor, object axis, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        using var scope = name_scope(name ?? "ReverseV2");
        var a = axis as Tensor ?? constant(axis is int i ? new[] { i } : axis, name: "axis");
        return new OpBuilder(ArrayOps.ReverseV2, scope.Name).Input(tensor).Input(a).Build().outputs[0];
    }

    /// <summary>TF 2 spelling of <see cref="reverse"/>.</summary>
    public static Tensor reverse_v2(Tensor tensor, object axis, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return reverse(tensor, axis, name);
    }
}

/// <summary>TF _ReverseV2Grad and _ReverseGrad: reversing is its own inverse.</summary>
internal static class ReverseGradients
{
    public static void Register(GradientRegistry g)
    {
        g.Add(ArrayOps.ReverseV2, static (op, grads) =>
            [new OpBuilder(ArrayOps.ReverseV2).Input(grads[0]!).Input(op.inputs[1]).Build().outputs[0], null]);
        g.Add(ArrayOps.Reverse, static (op, grads) =>
            [new OpBuilder(ArrayOps.Reverse).Input(grads[0]!).Input(op.inputs[1]).Build().outputs[0], null]);
    }
}
