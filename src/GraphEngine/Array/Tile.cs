using System.Runtime.CompilerServices;
using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>Repeats the input <paramref name="multiples"/>[i] times along each axis (Tile).</summary>
    public static Tensor tile(Tensor input, object multiples, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        using var scope = name_scope(name ?? "Tile");
        var m = multiples as Tensor ?? ShapeTensor(multiples, "multiples");
        return new OpBuilder(ArrayOps.Tile, scope.Name).Input(input).Input(m).Build().outputs[0];
    }

    /// <summary>Broadcasts the input to <paramref name="shape"/> with NumPy rules (BroadcastTo).</summary>
    public static Tensor broadcast_to(Tensor input, object shape, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        using var scope = name_scope(name ?? "BroadcastTo");
        var s = shape as Tensor ?? ShapeTensor(shape, "shape");
        return new OpBuilder(ArrayOps.BroadcastTo, scope.Name).Input(input).Input(s).Build().outputs[0];
    }
}

/// <summary>TF _TileGrad and _BroadcastToGrad.</summary>
internal static class TileGradients
{
    public static void Register(GradientRegistry g)
    {
        // Interleave multiples and the input shape ([m0, d0, m1, d1, …]), view the gradient that way,
        // and sum the tiled (even) axes away.
        g.Add(ArrayOps.Tile, static (op, grads) =>
        {
            var (x, multiples) = (op.inputs[0], op.inputs[1]);
            if (!x.shape.HasRank)
                throw new UnimplementedException($"Gradient of Tile '{op.name}' needs the input's rank; {x.name} has unknown rank.");
            var shape = new OpBuilder(ArrayOps.Shape).Input(x).Attr("out_type", multiples.dtype.BaseType()).Build().outputs[0];
            var pairs = new OpBuilder(ArrayOps.Pack).InputList([multiples, shape]).Attr("axis", 0L).Build().outputs[0];
            var perm = tf.constant(new[] { 1, 0 });
            var interleaved = new OpBuilder(ArrayOps.Transpose).Input(pairs).Input(perm).Build().outputs[0];
            var minusOne = NDArrayConversion.ToHostTensor(new long[] { -1 }, multiples.dtype.BaseType());
            var splitShape = new OpBuilder(ArrayOps.Reshape).Input(interleaved).Input(tf.ConstantOf(minusOne, "Const")).Build().outputs[0];
            var axes = tf.constant(Enumerable.Range(0, x.shape.Rank).Select(i => 2 * i).ToArray());
            var split = new OpBuilder(ArrayOps.Reshape).Input(grads[0]!).Input(splitShape).Build().outputs[0];
            return [new OpBuilder(MathOps.Sum).Input(split).Input(axes).Attr("keep_dims", false).Build().outputs[0], null];
        });
        g.Add(ArrayOps.BroadcastTo, static (op, grads) => [SelectGradients.ReduceTo(grads[0]!, op.inputs[0]), null]);
    }
}
