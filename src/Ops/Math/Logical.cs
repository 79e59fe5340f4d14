using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Math;

/// <summary>Boolean logic (TF: core/ops/math_ops.cc, kernels/cwise_op_logical_{and,or,not}.cc).</summary>
public static partial class MathOps
{
    public static readonly OpDef LogicalAnd = OpDef.Define("LogicalAnd")
        .Input("x: bool")
        .Input("y: bool")
        .Output("z: bool")
        .SetIsCommutative()
        .Shape(CommonShapes.BroadcastBinary);

    public static readonly OpDef LogicalOr = OpDef.Define("LogicalOr")
        .Input("x: bool")
        .Input("y: bool")
        .Output("z: bool")
        .SetIsCommutative()
        .Shape(CommonShapes.BroadcastBinary);

    public static readonly OpDef LogicalNot = OpDef.Define("LogicalNot")
        .Input("x: bool")
        .Output("y: bool")
        .Shape(CommonShapes.Unchanged);
}

public readonly struct LogicalAndOp : IMapOp<bool, bool, bool> { public static bool Invoke(bool x, bool y) => x & y; }
public readonly struct LogicalOrOp : IMapOp<bool, bool, bool> { public static bool Invoke(bool x, bool y) => x | y; }

internal static class LogicalKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(MathOps.LogicalAnd, MathOps.LogicalOr, MathOps.LogicalNot);
        k.Add(MathOps.LogicalAnd, _ => new CompareKernel<bool, LogicalAndOp>());
        k.Add(MathOps.LogicalOr, _ => new CompareKernel<bool, LogicalOrOp>());
        var not = new LambdaKernel(ComputeNot);
        k.Add(MathOps.LogicalNot, _ => not);
    }

    private static void ComputeNot(OpKernelContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.ForwardInputOrAllocateOutput(0, 0, x.Dims);
        // Bools are stored as bytes 0/1, so flipping the low bit is a vectorised negation.
        var src = System.Runtime.InteropServices.MemoryMarshal.Cast<bool, byte>(x.AsReadOnlySpan<bool>());
        var dst = System.Runtime.InteropServices.MemoryMarshal.Cast<bool, byte>(y.AsSpan<bool>());
        System.Numerics.Tensors.TensorPrimitives.Xor(src, (byte)1, dst);
    }
}
