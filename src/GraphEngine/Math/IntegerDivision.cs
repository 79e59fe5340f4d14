using System.Runtime.CompilerServices;
using GraphEngine.Ops.Math;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>floor(x / y), elementwise (FloorDiv); integer division by zero is an error.</summary>
    public static Tensor floordiv(object x, object y, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return BinaryOp(MathOps.FloorDiv, x, y, name ?? "FloorDiv");
    }

    /// <summary>x − floor(x / y)·y, elementwise (FloorMod).</summary>
    public static Tensor floormod(object x, object y, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return BinaryOp(MathOps.FloorMod, x, y, name ?? "FloorMod");
    }
}

/// <summary>TF _FloorModGrad: d/dx = 1, d/dy = −floor(x / y).</summary>
internal static class IntegerDivisionGradients
{
    public static void Register(GradientRegistry g)
    {
        g.Add(MathOps.FloorMod, static (op, grads) =>
        {
            var (x, y, grad) = (op.inputs[0], op.inputs[1], grads[0]!);
            var floor = OpBuilder.Binary(MathOps.FloorDiv, x, y, null);
            var (gx, gy) = BroadcastGradients.Reduce(x, y, grad, OpBuilder.Binary(MathOps.Mul, grad, -floor, null));
            return [gx, gy];
        });
        g.NoGradient(MathOps.FloorDiv);
    }
}
