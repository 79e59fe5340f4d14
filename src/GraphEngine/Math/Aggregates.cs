using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>Elementwise sum of tensors of one shape (AddN).</summary>
    public static Tensor add_n(IEnumerable<Tensor> inputs, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        var list = inputs.ToList();
        if (list.Count == 0) throw new InvalidArgumentException("inputs must be a list of at least one Tensor with the same dtype and shape");
        return list.Count == 1 ? list[0] : new OpBuilder(MathOps.AddN, name ?? "AddN").InputList(list).Build().outputs[0];
    }
}

/// <summary>TF _AddNGrad: every input receives the incoming gradient.</summary>
internal static class AggregateGradients
{
    public static void Register(GradientRegistry g) =>
        g.Add(MathOps.AddN, static (op, grads) => Enumerable.Repeat(grads[0], op.inputs.Length).ToArray());
}
