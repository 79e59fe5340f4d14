using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Array;

/// <summary>Pass-through ops (TF: core/ops/array_ops.cc, kernels/identity_op.cc).</summary>
public static partial class ArrayOps
{
    public static readonly OpDef Identity = OpDef.Define("Identity")
        .Input("input: T")
        .Output("output: T")
        .Attr("T: type")
        .Shape(CommonShapes.Unchanged);

    public static readonly OpDef StopGradient = OpDef.Define("StopGradient")
        .Input("input: T")
        .Output("output: T")
        .Attr("T: type")
        .Shape(CommonShapes.Unchanged);
}

internal static class IdentityKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(ArrayOps.Identity, ArrayOps.StopGradient);
        // Forward the input tensor object itself (no copy), for every dtype. A ref input (a
        // variable) is read through ctx.Input, so Identity of a variable snapshots its current value.
        var forward = new LambdaKernel(ctx => ctx.SetOutput(0, ctx.Input(0)));
        k.Add(ArrayOps.Identity, _ => forward);
        k.Add(ArrayOps.StopGradient, _ => forward);
    }
}
