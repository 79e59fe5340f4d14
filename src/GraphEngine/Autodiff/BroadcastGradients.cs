using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;

namespace GraphEngine;

/// <summary>Undoing NumPy broadcasting in gradients, as TF does: BroadcastGradientArgs, then Sum and Reshape.</summary>
internal static class BroadcastGradients
{
    /// <summary>True when x, y and grad have the same fully known shape, so no reduction is needed (TF's fast path).</summary>
    public static bool SameFullShapes(Tensor x, Tensor y, Tensor grad) =>
        x.shape.IsFullyDefined && y.shape.IsFullyDefined && grad.shape.IsFullyDefined && x.shape == y.shape && x.shape == grad.shape;

    /// <summary>Sums <paramref name="gx"/> and <paramref name="gy"/> over the axes broadcasting added, and reshapes them to x's and y's shapes.</summary>
    public static (Tensor Gx, Tensor Gy) Reduce(Tensor x, Tensor y, Tensor gx, Tensor gy)
    {
        var sx = Shape(x);
        var sy = Shape(y);
        var args = new OpBuilder(ArrayOps.BroadcastGradientArgs).Input(sx).Input(sy).Build();
        return (ReduceTo(gx, args.outputs[0], sx), ReduceTo(gy, args.outputs[1], sy));
    }

    private static Tensor ReduceTo(Tensor g, Tensor axes, Tensor shape)
    {
        var sum = new OpBuilder(MathOps.Sum).Input(g).Input(axes).Attr("keep_dims", false).Build().outputs[0];
        return new OpBuilder(ArrayOps.Reshape).Input(sum).Input(shape).Build().outputs[0];
    }

    public static Tensor Shape(Tensor t) => new OpBuilder(ArrayOps.Shape).Input(t).Attr("out_type", DType.Int32).Build().outputs[0];
}
