using System.Runtime.CompilerServices;
using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>The dynamic shape of a tensor as an int32 (or int64) vector.</summary>
    public static Tensor shape(Tensor input, string? name = null, DType out_type = DType.Int32,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return new OpBuilder(ArrayOps.Shape, name).Input(input).Attr("out_type", out_type).Build().outputs[0];
    }

    /// <summary>Reshape to <paramref name="shape"/> (int[]/long[]/TensorShape or an int tensor; one -1 is inferred).</summary>
    public static Tensor reshape(Tensor tensor, object shape, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        using var scope = name_scope(name ?? "Reshape");
        var s = shape as Tensor ?? ShapeTensor(shape, "shape");
        return new OpBuilder(ArrayOps.Reshape, scope.Name).Input(tensor).Input(s).Build().outputs[0];
    }

    public static partial class layers
    {
        /// <summary>Flattens all but the first dimension: [N, d1, d2, …] → [N, d1·d2·…].</summary>
        public static Tensor flatten(Tensor inputs, string? name = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            using var scope = name_scope(name ?? "flatten");
            var s = inputs.shape;
            if (!s.HasRank || s.Rank < 1)
                throw new InvalidArgumentException($"Input 0 of layer flatten must have rank >= 1, got shape {s} for {inputs.name}.");
            var inner = s.SubShape(1);
            if (!inner.IsFullyDefined)
                throw new UnimplementedException($"flatten needs the non-batch dimensions of {inputs.name} to be known, got {s}.");
            return reshape(inputs, new long[] { -1, inner.NumElements }, name: "Reshape");
        }
    }
}
