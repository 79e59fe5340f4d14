using System.Numerics;
using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Math;

/// <summary>Pow, SquaredDifference and ClipByValue (TF: core/ops/math_ops.cc, kernels/cwise_op_pow.cc, cwise_op_clip.cc).</summary>
public static partial class MathOps
{
    public static readonly OpDef Pow = OpDef.Define("Pow")
        .Input("x: T")
        .Input("y: T")
        .Output("z: T")
        .Attr("T: {bfloat16, float, half, double, int8, int16, int32, int64, complex64, complex128}")
        .Shape(CommonShapes.BroadcastBinary);

    public static readonly OpDef SquaredDifference = OpDef.Define("SquaredDifference")
        .Input("x: T")
        .Input("y: T")
        .Output("z: T")
        .Attr("T: {bfloat16, half, float, double, int32, int64, complex64, complex128}")
        .SetIsCommutative()
        .Shape(CommonShapes.BroadcastBinary);

    /// <summary>
    /// The fused clip. TF 1.15's tf.clip_by_value does not emit it (it builds Minimum then
    /// Maximum); graphs from later TF versions and tf.raw_ops do, so it is here to run and differentiate them.
    /// </summary>
    public static readonly OpDef ClipByValue = OpDef.Define("ClipByValue")
        .Input("t: T")
        .Input("clip_value_min: T")
        .Input("clip_value_max: T")
        .Output("output: T")
        .Attr("T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, qint16, quint16, uint16, complex128, half, uint32, uint64}")
        .Shape(CommonShapes.Unchanged);
}

/// <summary>
/// ClipByValue: min and max are scalars or have t's shape (TF's kernel check and text); the
/// result is min(max(t, lo), hi) elementwise.
/// </summary>
internal sealed class ClipByValueKernel<T> : IOpKernel where T : unmanaged, INumber<T>
{
    public void Compute(OpKernelContext ctx)
    {
        var t = ctx.Input(0);
        var lo = ctx.Input(1);
        var hi = ctx.Input(2);
        if (!(lo.SameShape(t) || lo.Rank == 0) || !(hi.SameShape(t) || hi.Rank == 0))
            throw new InvalidArgumentException(
                $"clip_value_min and clip_value_max must be either scalars or have the same shape as the input t: t.shape = {t.Shape}, clip_value_min.shape = {lo.Shape}, clip_value_max.shape = {hi.Shape}");
        var y = ctx.ForwardInputOrAllocateOutput(0, 0, t.Dims);
        var ts = t.AsReadOnlySpan<T>();
        var los = lo.AsReadOnlySpan<T>();
        var his = hi.AsReadOnlySpan<T>();
        var ys = y.AsSpan<T>();
        bool loScalar = lo.Rank == 0, hiScalar = hi.Rank == 0;
        for (int i = 0; i < ts.Length; i++)
        {
            T l = loScalar ? los[0] : los[i], h = hiScalar ? his[0] : his[i];
            T v = ts[i] < l ? l : ts[i];
            ys[i] = v > h ? h : v;
        }
    }
}

internal static class BinaryKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(MathOps.Pow, MathOps.SquaredDifference, MathOps.ClipByValue);
        ArithmeticKernels.Binary<PowOp<float>, PowOp<double>, PowOp<int>, PowOp<long>>(k, MathOps.Pow);
        ArithmeticKernels.Binary<SquaredDifferenceOp<float>, SquaredDifferenceOp<double>, SquaredDifferenceOp<int>, SquaredDifferenceOp<long>>(
            k, MathOps.SquaredDifference);
        k.Add(MathOps.ClipByValue, DType.Float, _ => new ClipByValueKernel<float>());
        k.Add(MathOps.ClipByValue, DType.Double, _ => new ClipByValueKernel<double>());
        k.Add(MathOps.ClipByValue, DType.Int32, _ => new ClipByValueKernel<int>());
        k.Add(MathOps.ClipByValue, DType.Int64, _ => new ClipByValueKernel<long>());
    }
}
