using System.Runtime.CompilerServices;
using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>Stacks tensors of one shape along a new axis (Pack).</summary>
    public static Tensor stack(IEnumerable<Tensor> values, int axis = 0, string name = "stack", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return new OpBuilder(ArrayOps.Pack, name).InputList(values).Attr("axis", (long)axis).Build().outputs[0];
    }

    /// <summary>Splits a tensor into its slices along <paramref name="axis"/> (Unpack); the axis size must be known or given.</summary>
    public static Tensor[] unstack(Tensor value, int? num = null, int axis = 0, string name = "unstack", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        long n = num ?? (value.shape.HasRank ? value.shape[axis] : -1);
        if (n < 0) throw new InvalidArgumentException($"Cannot infer num from shape {value.shape} of {value.name}; pass num.");
        return new OpBuilder(ArrayOps.Unpack, name).Input(value).Attr("num", n).Attr("axis", (long)axis).Build().outputs;
    }
}

/// <summary>TF _PackGrad / _UnpackGrad: each is the other's inverse.</summary>
internal static class PackGradients
{
    public static void Register(GradientRegistry g)
    {
        g.Add(ArrayOps.Pack, static (op, grads) =>
            new OpBuilder(ArrayOps.Unpack).Input(grads[0]!).Attr("num", op.get_attr("N").I).Attr("axis", op.get_attr("axis").I).Build().outputs);
        g.Add(ArrayOps.Unpack, static (op, grads) =>
            [new OpBuilder(ArrayOps.Pack).InputList(grads.Select(x => x!)).Attr("axis", op.get_attr("axis").I).Build().outputs[0]]);
    }
}
