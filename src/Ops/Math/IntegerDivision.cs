using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Math;

/// <summary>Floor division and modulo (TF: core/ops/math_ops.cc, kernels/cwise_op_floor_div.cc, cwise_op_floor_mod.cc).</summary>
public static partial class MathOps
{
    public static readonly OpDef FloorDiv = OpDef.Define("FloorDiv")
        .Input("x: T")
        .Input("y: T")
        .Output("z: T")
        .Attr("T: {bfloat16, half, float, double, uint8, int8, uint16, int16, int32, uint32, uint64, int64, complex64, complex128}")
        .Shape(CommonShapes.BroadcastBinary);

    public static readonly OpDef FloorMod = OpDef.Define("FloorMod")
        .Input("x: T")
        .Input("y: T")
        .Output("z: T")
        .Attr("T: {int8, int16, int32, int64, uint8, uint16, uint32, uint64, bfloat16, half, float, double}")
        .Shape(CommonShapes.BroadcastBinary);
}

internal static class IntegerDivisionKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(MathOps.FloorDiv, MathOps.FloorMod);
        ArithmeticKernels.Binary<FloorDivOp<float>, FloorDivOp<double>, FloorDivOp<int>, FloorDivOp<long>>(k, MathOps.FloorDiv);
        ArithmeticKernels.Binary<FloorModOp<float>, FloorModOp<double>, FloorModOp<int>, FloorModOp<long>>(k, MathOps.FloorMod);
    }
}
