using System.Runtime.CompilerServices;
using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>
    /// TF1's tf.where: with x and y, elements of x where condition is true, else of y (Select: same
    /// shapes, or a vector condition over the first dimension); without them, the coordinates of true elements.
    /// </summary>
    public static Tensor where(Tensor condition, Tensor x, Tensor y, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return new OpBuilder(MathOps.Select, name ?? "Select").Input(condition).Input(x).Input(y).Build().outputs[0];
    }

    /// <summary>tf.where_v2: like where, with NumPy broadcasting of all three operands (SelectV2).</summary>
    public static Tensor where_v2(Tensor condition, Tensor x, Tensor y, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return new OpBuilder(MathOps.SelectV2, name ?? "SelectV2").Input(condition).Input(x).Input(y).Build().outputs[0];
    }
}

/// <summary>TF _SelectGrad/_SelectGradV2: the gradient goes to the branch each element came from.</summary>
internal static class SelectGradients
{
    public static void Register(GradientRegistry g)
    {
        g.Add(MathOps.Select, static (op, grads) =>
        {
            var (c, x, grad) = (op.inputs[0], op.inputs[1], grads[0]!);
            var zeros = tf.zeros_like(x);
            return [null, Select(MathOps.Select, c, grad, zeros), Select(MathOps.Select, c, zeros, grad)];
        });
        g.Add(MathOps.SelectV2, static (op, grads) =>
        {
            var (c, x, y, grad) = (op.inputs[0], op.inputs[1], op.inputs[2], grads[0]!);
            var zero = tf.constant(0, grad.dtype.BaseType());
            return [null, ReduceTo(Select(MathOps.SelectV2, c, grad, zero), x), ReduceTo(Select(MathOps.SelectV2, c, zero, grad), y)];
        });
    }

    private static Tensor Select(Ops.Model.OpDef def, Tensor c, Tensor a, Tensor b) => new OpBuilder(def).Input(c).Input(a).Input(b).Build().outputs[0];

    /// <summary>Sums a broadcast gradient back to <paramref name="x"/>'s shape.</summary>
    internal static Tensor ReduceTo(Tensor grad, Tensor x)
    {
        var sx = BroadcastGradients.Shape(x);
        var args = new OpBuilder(ArrayOps.BroadcastGradientArgs).Input(sx).Input(BroadcastGradients.Shape(grad)).Build();
        var sum = new OpBuilder(MathOps.Sum).Input(grad).Input(args.outputs[0]).Attr("keep_dims", true).Build().outputs[0];
        return new OpBuilder(ArrayOps.Reshape).Input(sum).Input(sx).Build().outputs[0];
    }
}
