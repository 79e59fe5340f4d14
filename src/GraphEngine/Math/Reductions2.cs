using System.Runtime.CompilerServices;
using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;

namespace GraphEngine;

public static partial class tf
{
    public static Tensor reduce_prod(Tensor input_tensor, object? axis = null, bool keepdims = false, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    { using var _ = CallSite.Enter(file, line); return Reduce(MathOps.Prod, input_tensor, axis, keepdims, name ?? "Prod"); }

    public static Tensor reduce_max(Tensor input_tensor, object? axis = null, bool keepdims = false, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    { using var _ = CallSite.Enter(file, line); return Reduce(MathOps.Max, input_tensor, axis, keepdims, name ?? "Max"); }

    public static Tensor reduce_min(Tensor input_tensor, object? axis = null, bool keepdims = false, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    { using var _ = CallSite.Enter(file, line); return Reduce(MathOps.Min, input_tensor, axis, keepdims, name ?? "Min"); }

    public static Tensor reduce_all(Tensor input_tensor, object? axis = null, bool keepdims = false, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    { using var _ = CallSite.Enter(file, line); return Reduce(MathOps.All, input_tensor, axis, keepdims, name ?? "All"); }

    public static Tensor reduce_any(Tensor input_tensor, object? axis = null, bool keepdims = false, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    { using var _ = CallSite.Enter(file, line); return Reduce(MathOps.Any, input_tensor, axis, keepdims, name ?? "Any"); }

    /// <summary>Index of the largest value along <paramref name="axis"/> (ArgMax, int64 by default).</summary>
    public static Tensor argmax(Tensor input, int axis = 0, string? name = null, DType output_type = DType.Int64, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        using var scope = name_scope(name ?? "ArgMax");
        var dim = constant(axis, name: "dimension");
        return new OpBuilder(MathOps.ArgMax, scope.Name).Input(input).Input(dim).Attr("output_type", output_type).Build().outputs[0];
    }

    public static Tensor argmin(Tensor input, int axis = 0, string? name = null, DType output_type = DType.Int64, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        using var scope = name_scope(name ?? "ArgMin");
        var dim = constant(axis, name: "dimension");
        return new OpBuilder(MathOps.ArgMin, scope.Name).Input(input).Input(dim).Attr("output_type", output_type).Build().outputs[0];
    }
}

/// <summary>Gradients of Prod, Max and Min (TF math_grad.py), built from ops GraphEngine has.</summary>
internal static class Reduction2Gradients
{
    public static void Register(GradientRegistry g)
    {
        // TF _MinOrMaxGrad: the gradient is shared equally by the elements equal to the extreme value.
        GradientFunction minOrMax = static (op, grads) =>
        {
            var (x, dtype) = (op.inputs[0], op.inputs[0].dtype.BaseType());
            var (kept, _) = ReductionGradients.KeptShape(op);
            var y = Reshape(op.outputs[0], kept);
            var grad = Reshape(grads[0]!, kept);
            var indicators = tf.cast(OpBuilder.Binary(MathOps.Equal, y, x, null), dtype);
            var count = new OpBuilder(MathOps.Sum).Input(indicators).Input(op.inputs[1]).Attr("keep_dims", true).Build().outputs[0];
            return [OpBuilder.Binary(MathOps.Mul, OpBuilder.Binary(MathOps.RealDiv, indicators, count, null), grad, null), null];
        };
        g.Add(MathOps.Max, minOrMax);
        g.Add(MathOps.Min, minOrMax);
        g.Add(MathOps.Prod, ProdGrad);
        g.NoGradient(MathOps.All, MathOps.Any, MathOps.ArgMax, MathOps.ArgMin);
    }

    /// <summary>
    /// d prod / d x_i is the product of the other elements. TF uses exclusive cumulative products; we
    /// get the same values from the zero count: no zero → prod / x_i; one zero → the product of the
    /// non-zeros at the zero, 0 elsewhere; two or more zeros → 0 everywhere.
    /// </summary>
    private static Tensor?[] ProdGrad(Operation op, Tensor?[] grads)
    {
        var (x, axes) = (op.inputs[0], op.inputs[1]);
        var dtype = x.dtype.BaseType();
        var (kept, tiling) = ReductionGradients.KeptShape(op);
        var grad = Tile(Reshape(grads[0]!, kept), tiling);
        var zero = tf.zeros_like(x);
        var isZero = OpBuilder.Binary(MathOps.Equal, x, zero, null);
        var one = tf.ones_like(x);
        var safe = new OpBuilder(MathOps.SelectV2).Input(isZero).Input(one).Input(x).Build().outputs[0];
        Tensor SumKept(Tensor t) => new OpBuilder(MathOps.Sum).Input(t).Input(axes).Attr("keep_dims", true).Build().outputs[0];
        var zeros = SumKept(tf.cast(isZero, dtype));
        var prodNonZero = new OpBuilder(MathOps.Prod).Input(safe).Input(axes).Attr("keep_dims", true).Build().outputs[0];
        var noZero = OpBuilder.Binary(MathOps.Equal, zeros, tf.constant(0, dtype), null);
        var oneZero = OpBuilder.Binary(MathOps.Equal, zeros, tf.constant(1, dtype), null);
        var others = OpBuilder.Binary(MathOps.RealDiv, prodNonZero, safe, null);
        var atTheZero = new OpBuilder(MathOps.SelectV2).Input(OpBuilder.Binary(MathOps.LogicalAnd, oneZero, isZero, null))
            .Input(OpBuilder.Binary(MathOps.Mul, prodNonZero, one, null)).Input(zero).Build().outputs[0];
        var partial = new OpBuilder(MathOps.SelectV2).Input(noZero).Input(others).Input(atTheZero).Build().outputs[0];
        return [OpBuilder.Binary(MathOps.Mul, grad, partial, null), null];
    }

    private static Tensor Reshape(Tensor t, Tensor shape) => new OpBuilder(ArrayOps.Reshape).Input(t).Input(shape).Build().outputs[0];

    private static Tensor Tile(Tensor t, Tensor multiples) => new OpBuilder(ArrayOps.Tile).Input(t).Input(multiples).Build().outputs[0];
}
