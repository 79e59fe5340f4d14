using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Math;

/// <summary>The TF1 Div op (TF: core/ops/math_ops.cc): real division for floats, truncating division for integers.</summary>
public static partial class MathOps
{
    public static readonly OpDef Div = OpDef.Define("Div")
        .Input("x: T")
        .Input("y: T")
        .Output("z: T")
        .Attr("T: {bfloat16, half, float, double, uint8, int8, uint16, int16, int32, uint32, uint64, int64, complex64, complex128}")
        .Shape(CommonShapes.BroadcastBinary);
}

internal static class DivKernels
{
    /// <summary>RealDiv's DivOp already truncates integers and rejects integer division by zero, as TF's Div does.</summary>
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(MathOps.Div);
        ArithmeticKernels.Binary<DivOp<float>, DivOp<double>, DivOp<int>, DivOp<long>>(k, MathOps.Div);
    }
}
