using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Array;

/// <summary>Feed points (TF: core/ops/array_ops.cc, kernels/constant_op.cc PlaceholderOp).</summary>
public static partial class ArrayOps
{
    public static readonly OpDef Placeholder = OpDef.Define("Placeholder")
        .Output("output: dtype")
        .Attr("dtype: type")
        .Attr("shape: shape = { unknown_rank: true }")
        .Shape(c => c.SetOutput(0, c.Attr("shape").Shape));

    public static readonly OpDef PlaceholderWithDefault = OpDef.Define("PlaceholderWithDefault")
        .Input("input: dtype")
        .Output("output: dtype")
        .Attr("dtype: type")
        .Attr("shape: shape")
        .Shape(PlaceholderWithDefaultShape);

    // TF merges only to check compatibility and returns the attr shape, which may be less precise
    // than the default's: the fed value may be any shape the attr allows.
    private static void PlaceholderWithDefaultShape(InferenceContext c)
    {
        var shape = c.Attr("shape").Shape;
        c.Input(0).MergeWith(shape);
        c.SetOutput(0, shape);
    }
}

internal static class PlaceholderKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(ArrayOps.Placeholder, ArrayOps.PlaceholderWithDefault);
        k.Add(ArrayOps.Placeholder, CreatePlaceholder);
        // The default arrives as input 0 (usually a Const, which holds its own buffer), so forwarding it is enough.
        k.Add(ArrayOps.PlaceholderWithDefault, _ => new LambdaKernel(ctx => ctx.SetOutput(0, ctx.Input(0))));
    }

    /// <summary>Running a Placeholder means nobody fed it: TF's error, built once at construction.</summary>
    private static IOpKernel CreatePlaceholder(OpKernelConstruction c)
    {
        var dtype = c.Attr("dtype").Type;
        var shape = c.HasAttr("shape") ? c.Attr("shape").Shape : TensorShape.Unknown;
        var message = $"You must feed a value for placeholder tensor '{c.Node.Name}' with dtype {dtype.Name()}"
            + (shape.HasRank ? $" and shape {shape}" : "");
        return new LambdaKernel(_ => throw new InvalidArgumentException(message));
    }
}
