using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>
    /// Matrix product, optionally transposing (or, the same for real types, taking the adjoint of) either
    /// operand: MatMul for two matrices, BatchMatMulV2 with broadcast batch dims when either input has
    /// rank above 2 or unknown rank, as TF's math_ops.matmul decides.
    /// </summary>
    public static Tensor matmul(Tensor a, Tensor b, bool transpose_a = false, bool transpose_b = false, string? name = null,
        bool adjoint_a = false, bool adjoint_b = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        if (transpose_a && adjoint_a) throw new InvalidArgumentException($"Only one of transpose_a and adjoint_a can be True (matmul of {a.name}).");
        if (transpose_b && adjoint_b) throw new InvalidArgumentException($"Only one of transpose_b and adjoint_b can be True (matmul of {b.name}).");
        bool ta = transpose_a || adjoint_a, tb = transpose_b || adjoint_b;
        if (!a.shape.HasRank || a.shape.Rank > 2 || !b.shape.HasRank || b.shape.Rank > 2)
            return new OpBuilder(MathOps.BatchMatMulV2, name ?? "MatMul").Input(a).Input(b)
                .Attr("adj_x", ta).Attr("adj_y", tb).Build().outputs[0];
        return new OpBuilder(MathOps.MatMul, name ?? "MatMul").Input(a).Input(b)
            .Attr("transpose_a", ta).Attr("transpose_b", tb).Build().outputs[0];
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
