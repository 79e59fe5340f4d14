using System.Runtime.CompilerServices;
using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>The dynamic shapes of several tensors at once, as int32 (or int64) vectors (ShapeN).</summary>
    public static Tensor[] shape_n(IEnumerable<Tensor> input, DType out_type = DType.Int32, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        var list = input.ToList();
        if (list.Count == 0) throw new InvalidArgumentException("shape_n needs at least one input tensor (attr N >= 1).");
        return new OpBuilder(ArrayOps.ShapeN, name ?? "ShapeN").InputList(list).Attr("out_type", out_type).Build().outputs;
    }
}

/// <summary>TF: ops.NotDifferentiable("ShapeN").</summary>
internal static class ShapeNGradients
{
    public static void Register(GradientRegistry g) => g.NoGradient(ArrayOps.ShapeN);
}
