using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Math;

/// <summary>Elementwise maximum and minimum (TF: core/ops/math_ops.cc, kernels/cwise_op_maximum.cc).</summary>
public static partial class MathOps
{
    public static readonly OpDef Maximum = OpDef.Define("Maximum")
        .Input("x: T")
        .Input("y: T")
        .Output("z: T")
        .Attr("T: {bfloat16, half, float, double, int8, uint8, int16, uint16, int32, uint32, int64, uint64}")
        .Shape(CommonShapes.BroadcastBinary);

    public static readonly OpDef Minimum = OpDef.Define("Minimum")
        .Input("x: T")
        .Input("y: T")
        .Output("z: T")
        .Attr("T: {bfloat16, half, float, double, int8, uint8, int16, uint16, int32, uint32, int64, uint64}")
        .Shape(CommonShapes.BroadcastBinary);
}

internal static class MinMaxKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(MathOps.Maximum, MathOps.Minimum);
        ArithmeticKernels.Binary<MaximumOp<float>, MaximumOp<double>, MaximumOp<int>, MaximumOp<long>>(k, MathOps.Maximum);
        ArithmeticKernels.Binary<MinimumOp<float>, MinimumOp<double>, MinimumOp<int>, MinimumOp<long>>(k, MathOps.Minimum);
    }
}
