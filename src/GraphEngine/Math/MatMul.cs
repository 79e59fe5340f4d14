using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>Matrix product of rank-2 tensors, optionally transposing either operand (MatMul).</summary>
    public static Tensor matmul(Tensor a, Tensor b, bool transpose_a = false, bool transpose_b = false, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        if ((a.shape.HasRank && a.shape.Rank > 2) || (b.shape.HasRank && b.shape.Rank > 2))
            throw new UnimplementedException($"matmul of rank > 2 inputs ({a.shape} × {b.shape}) needs BatchMatMulV2, which is not available yet.");
        return new OpBuilder(MathOps.MatMul, name ?? "MatMul").Input(a).Input(b)
            .Attr("transpose_a", transpose_a).Attr("transpose_b", transpose_b).Build().outputs[0];
    }
}

/// <summary>TF _MatMulGrad: each transpose combination picks the product that needs no explicit transpose.</summary>
internal static class MatMulGradients
{
    public static void Register(GradientRegistry g) => g.Add(MathOps.MatMul, static (op, grads) =>
    {
        bool ta = op.get_attr("transpose_a").B, tb = op.get_attr("transpose_b").B;
        var (a, b, grad) = (op.inputs[0], op.inputs[1], grads[0]!);
        Tensor Mm(Tensor x, Tensor y, bool tx, bool ty) =>
            new OpBuilder(MathOps.MatMul).Input(x).Input(y).Attr("transpose_a", tx).Attr("transpose_b", ty).Build().outputs[0];
        return (ta, tb) switch
        {
            (false, false) => [Mm(grad, b, false, true), Mm(a, grad, true, false)],
            (false, true) => [Mm(grad, b, false, false), Mm(grad, a, true, false)],
            (true, false) => [Mm(b, grad, false, true), Mm(a, grad, false, false)],
            (true, true) => [Mm(b, grad, true, true), Mm(grad, a, true, true)],
        };
    });
}
