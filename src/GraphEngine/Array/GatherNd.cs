using System.Runtime.CompilerServices;
using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>Slices of <paramref name="params"/> at the index tuples in the last dimension of <paramref name="indices"/> (GatherNd).</summary>
    public static Tensor gather_nd(Tensor @params, object indices, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        using var scope = name_scope(name ?? "GatherNd");
        var idx = indices as Tensor ?? convert_to_tensor(indices, name: "indices");
        return new OpBuilder(ArrayOps.GatherNd, scope.Name).Input(@params).Input(idx).Build().outputs[0];
    }

    /// <summary>Zeros of <paramref name="shape"/> with <paramref name="updates"/> added at <paramref name="indices"/>; duplicates accumulate (ScatterNd).</summary>
    public static Tensor scatter_nd(object indices, Tensor updates, object shape, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        using var scope = name_scope(name ?? "ScatterNd");
        var idx = indices as Tensor ?? convert_to_tensor(indices, name: "indices");
        var s = shape as Tensor ?? constant(ShapeValues(shape, idx.dtype.BaseType()), name: "shape");
        return new OpBuilder(ArrayOps.ScatterNd, scope.Name).Input(idx).Input(updates).Input(s).Build().outputs[0];
    }

    /// <summary>A host shape as an array of the indices' integer type (ScatterNd wants both of one type).</summary>
    private static object ShapeValues(object shape, DType type)
    {
        long[] dims = shape switch
        {
            int[] a => Array.ConvertAll(a, v => (long)v),
            long[] a => a,
            TensorShape s => s.ToArray(),
            ShapeLike s => s.Value.ToArray(),
            _ => throw new InvalidArgumentException($"Cannot use a {shape.GetType().Name} as a shape."),
        };
        return type == DType.Int64 ? dims : Array.ConvertAll(dims, d => checked((int)d));
    }
}

/// <summary>TF _GatherNdGrad and _ScatterNdGrad: each is the other's adjoint.</summary>
internal static class GatherNdGradients
{
    public static void Register(GradientRegistry g)
    {
        g.Add(ArrayOps.GatherNd, static (op, grads) =>
        {
            var (parameters, indices) = (op.inputs[0], op.inputs[1]);
            var shape = new OpBuilder(ArrayOps.Shape).Input(parameters).Attr("out_type", indices.dtype.BaseType()).Build().outputs[0];
            return [new OpBuilder(ArrayOps.ScatterNd).Input(indices).Input(grads[0]!).Input(shape).Build().outputs[0], null];
        });
        g.Add(ArrayOps.ScatterNd, static (op, grads) =>
            [null, new OpBuilder(ArrayOps.GatherNd).Input(grads[0]!).Input(op.inputs[0]).Build().outputs[0], null]);
    }
}
