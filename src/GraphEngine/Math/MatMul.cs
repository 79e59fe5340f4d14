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
