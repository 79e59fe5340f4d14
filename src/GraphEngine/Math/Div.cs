using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>
    /// TF1's tf.div (Python 2 division): RealDiv for floating types, FloorDiv for integers, in a "div" scope.
    /// The TF1 Div op itself is only met in imported graphs; it has a kernel and gradient here.
    /// </summary>
    public static Tensor div(object x, object y, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        using var scope = name_scope(name ?? "div");
        var a = x as Tensor ?? convert_to_tensor(x, name: "x");
        var b = y as Tensor ?? convert_to_tensor(y, a.dtype.BaseType(), name: "y");
        var t = a.dtype.BaseType();
        var def = t is DType.Float or DType.Double or DType.Half or DType.BFloat16 or DType.Complex64 or DType.Complex128 ? MathOps.RealDiv : MathOps.FloorDiv;
        return new OpBuilder(def, scope.Name).Input(a).Input(b).Build().outputs[0];
    }
}

/// <summary>TF _DivGrad: d/dx = grad / y, d/dy = grad · (−x / y) / y, each summed over broadcast axes.</summary>
internal static class DivGradients
{
    public static void Register(GradientRegistry g) => g.Add(MathOps.Div, static (op, grads) =>
    {
        var (x, y, grad) = (op.inputs[0], op.inputs[1], grads[0]!);
        var gx = OpBuilder.Binary(MathOps.RealDiv, grad, y, null);
        var negX = OpBuilder.Unary(MathOps.Neg, x, null);
        var gy = OpBuilder.Binary(MathOps.Mul, grad, OpBuilder.Binary(MathOps.RealDiv, OpBuilder.Binary(MathOps.RealDiv, negX, y, null), y, null), null);
        if (BroadcastGradients.SameFullShapes(x, y, grad)) return [gx, gy];
        var (rx, ry) = BroadcastGradients.Reduce(x, y, gx, gy);
        return [rx, ry];
    });
}
