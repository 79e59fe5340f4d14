using System.Runtime.CompilerServices;
using GraphEngine.Ops.Math;
using GraphEngine.Ops.Model;

namespace GraphEngine;

public static partial class tf
{
    public static Tensor maximum(object x, object y, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return BinaryOp(MathOps.Maximum, x, y, name ?? "Maximum");
    }

    public static Tensor minimum(object x, object y, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return BinaryOp(MathOps.Minimum, x, y, name ?? "Minimum");
    }
}

/// <summary>TF _MaximumMinimumGrad: the gradient goes to the selected operand (x on ties), then broadcasting is undone.</summary>
internal static class MinMaxGradients
{
    public static void Register(GradientRegistry g)
    {
        g.Add(MathOps.Maximum, (op, grads) => Grad(op, grads[0]!, MathOps.GreaterEqual));
        g.Add(MathOps.Minimum, (op, grads) => Grad(op, grads[0]!, MathOps.LessEqual));
    }

    private static Tensor?[] Grad(Operation op, Tensor grad, OpDef selector)
    {
        var (x, y) = (op.inputs[0], op.inputs[1]);
        var xmask = OpBuilder.Binary(selector, x, y, null);
        var zeros = tf.zeros_like(grad);
        var xgrad = new OpBuilder(MathOps.SelectV2).Input(xmask).Input(grad).Input(zeros).Build().outputs[0];
        var ygrad = new OpBuilder(MathOps.SelectV2).Input(xmask).Input(zeros).Input(grad).Build().outputs[0];
        var (gx, gy) = BroadcastGradients.Reduce(x, y, xgrad, ygrad);
        return [gx, gy];
    }
}
