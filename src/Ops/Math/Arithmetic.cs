using System.Numerics;
using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Math;

/// <summary>Elementwise arithmetic (TF: core/ops/math_ops.cc, kernels/cwise_op_*.cc).</summary>
public static partial class MathOps
{
    /// <summary>TF1 graphs still emit Add; unlike AddV2 it also allows strings and is not marked aggregate.</summary>
    public static readonly OpDef Add = OpDef.Define("Add")
        .Input("x: T")
        .Input("y: T")
        .Output("z: T")
        .Attr("T: {bfloat16, half, float, double, uint8, int8, int16, int32, int64, complex64, complex128, string}")
        .Shape(CommonShapes.BroadcastBinary);

    public static readonly OpDef AddV2 = OpDef.Define("AddV2")
        .Input("x: T")
        .Input("y: T")
        .Output("z: T")
        .Attr("T: {bfloat16, half, float, double, uint8, uint16, uint32, uint64, int8, int16, int32, int64, complex64, complex128}")
        .SetIsAggregate()
        .SetIsCommutative()
        .Shape(CommonShapes.BroadcastBinary);

    public static readonly OpDef Sub = OpDef.Define("Sub")
        .Input("x: T")
        .Input("y: T")
        .Output("z: T")
        .Attr("T: {bfloat16, half, float, double, uint8, int8, uint16, int16, int32, int64, complex64, complex128, uint32, uint64}")
        .Shape(CommonShapes.BroadcastBinary);

    public static readonly OpDef Mul = OpDef.Define("Mul")
        .Input("x: T")
        .Input("y: T")
        .Output("z: T")
        .Attr("T: {bfloat16, half, float, double, uint8, int8, uint16, int16, int32, uint32, uint64, int64, complex64, complex128}")
        .SetIsCommutative()
        .Shape(CommonShapes.BroadcastBinary);

    public static readonly OpDef RealDiv = OpDef.Define("RealDiv")
        .Input("x: T")
        .Input("y: T")
        .Output("z: T")
        .Attr("T: {bfloat16, half, float, double, uint8, int8, uint16, int16, int32, uint32, uint64, int64, complex64, complex128}")
        .Shape(CommonShapes.BroadcastBinary);

    public static readonly OpDef Neg = OpDef.Define("Neg")
        .Input("x: T")
        .Output("y: T")
        .Attr("T: {bfloat16, half, float, double, int8, int16, int32, int64, complex64, complex128}")
        .Shape(CommonShapes.Unchanged);

    public static readonly OpDef Square = OpDef.Define("Square")
        .Input("x: T")
        .Output("y: T")
        .Attr("T: {bfloat16, half, float, double, int8, int16, int32, int64, uint8, uint16, uint32, uint64, complex64, complex128}")
        .Shape(CommonShapes.Unchanged);
}

/// <summary>A broadcasting binary kernel for one dtype and op; reuses an input buffer in place when allowed.</summary>
internal sealed class BinaryKernel<T, TOp> : IOpKernel where T : unmanaged where TOp : IBinaryOp<T>
{
    public static readonly KernelFactory Factory = _ => new BinaryKernel<T, TOp>();

    public void Compute(OpKernelContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Input(1);
        HostTensor z;
        if (x.SameShape(y))
            z = ForwardEither(ctx, x, y, x.Dims);
        else
        {
            int rank = System.Math.Max(x.Rank, y.Rank);
            Span<long> dims = rank <= 16 ? stackalloc long[rank] : new long[rank];
            if (!Broadcast.TryShape(x.Dims, y.Dims, dims))
                throw new InvalidArgumentException($"Incompatible shapes: {x.Shape} vs. {y.Shape}");
            z = ForwardEither(ctx, x, y, dims);
        }
        Broadcast.Binary<T, TOp>(x.AsReadOnlySpan<T>(), x.Dims, y.AsReadOnlySpan<T>(), y.Dims, z.AsSpan<T>(), z.Dims);
    }

    // Each output element depends only on the same-index element of a full-shape input, so writing
    // over that input as we go is safe.
    private static HostTensor ForwardEither(OpKernelContext ctx, HostTensor x, HostTensor y, ReadOnlySpan<long> dims)
    {
        if (x.Dims.SequenceEqual(dims) && ctx.ForwardableInputs is { } f && f[0]) return ctx.ForwardInputOrAllocateOutput(0, 0, dims);
        if (y.Dims.SequenceEqual(dims)) return ctx.ForwardInputOrAllocateOutput(1, 0, dims);
        return ctx.AllocateOutput(0, dims);
    }
}

/// <summary>An elementwise unary kernel for one dtype and op, in place when the input may be reused.</summary>
internal sealed class UnaryKernel<T, TOp> : IOpKernel where T : unmanaged where TOp : IUnaryOp<T>
{
    public static readonly KernelFactory Factory = _ => new UnaryKernel<T, TOp>();

    public void Compute(OpKernelContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.ForwardInputOrAllocateOutput(0, 0, x.Dims);
        Elementwise.Unary<T, TOp>(x.AsReadOnlySpan<T>(), y.AsSpan<T>());
    }
}

/// <summary>Add on strings concatenates bytes, with broadcasting (TF's Add allows DT_STRING; AddV2 does not).</summary>
internal sealed class StringAddKernel : IOpKernel
{
    public void Compute(OpKernelContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Input(1);
        if (!Broadcast.TryShape(x.Dims, y.Dims, out var dims))
            throw new InvalidArgumentException($"Incompatible shapes: {x.Shape} vs. {y.Shape}");
        var z = ctx.AllocateOutput(0, dims);
        var zs = z.Strings!;
        for (long i = 0; i < zs.LongLength; i++)
            zs[i] = [.. x.Strings![SourceIndex(i, dims, x.Dims)], .. y.Strings![SourceIndex(i, dims, y.Dims)]];
    }

    // Flat index into a broadcast operand of output element i (strings are few; no fast path needed).
    private static long SourceIndex(long i, long[] outDims, ReadOnlySpan<long> dims)
    {
        long index = 0, stride = 1;
        for (int d = outDims.Length - 1; d >= 0; d--)
        {
            long coord = i % outDims[d];
            i /= outDims[d];
            int sd = d - (outDims.Length - dims.Length);
            if (sd < 0) break;
            if (dims[sd] != 1) index += coord * stride;
            stride *= dims[sd];
        }
        return index;
    }
}

internal static class ArithmeticKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(MathOps.Add, MathOps.AddV2, MathOps.Sub, MathOps.Mul, MathOps.RealDiv, MathOps.Neg, MathOps.Square);
        Binary<AddOp<float>, AddOp<double>, AddOp<int>, AddOp<long>>(k, MathOps.Add);
        k.Add(MathOps.Add, DType.String, _ => new StringAddKernel());
        Binary<AddOp<float>, AddOp<double>, AddOp<int>, AddOp<long>>(k, MathOps.AddV2);
        Binary<SubOp<float>, SubOp<double>, SubOp<int>, SubOp<long>>(k, MathOps.Sub);
        Binary<MulOp<float>, MulOp<double>, MulOp<int>, MulOp<long>>(k, MathOps.Mul);
        Binary<DivOp<float>, DivOp<double>, DivOp<int>, DivOp<long>>(k, MathOps.RealDiv);
        Unary<NegOp<float>, NegOp<double>, NegOp<int>, NegOp<long>>(k, MathOps.Neg);
        Unary<SquareOp<float>, SquareOp<double>, SquareOp<int>, SquareOp<long>>(k, MathOps.Square);
    }

    /// <summary>Kernels for float, double, int32 and int64.</summary>
    internal static void Binary<TF, TD, TI, TL>(KernelRegistry k, OpDef op)
        where TF : IBinaryOp<float> where TD : IBinaryOp<double> where TI : IBinaryOp<int> where TL : IBinaryOp<long>
    {
        k.Add(op, DType.Float, BinaryKernel<float, TF>.Factory);
        k.Add(op, DType.Double, BinaryKernel<double, TD>.Factory);
        k.Add(op, DType.Int32, BinaryKernel<int, TI>.Factory);
        k.Add(op, DType.Int64, BinaryKernel<long, TL>.Factory);
    }

    internal static void Unary<TF, TD, TI, TL>(KernelRegistry k, OpDef op)
        where TF : IUnaryOp<float> where TD : IUnaryOp<double> where TI : IUnaryOp<int> where TL : IUnaryOp<long>
    {
        k.Add(op, DType.Float, UnaryKernel<float, TF>.Factory);
        k.Add(op, DType.Double, UnaryKernel<double, TD>.Factory);
        k.Add(op, DType.Int32, UnaryKernel<int, TI>.Factory);
        k.Add(op, DType.Int64, UnaryKernel<long, TL>.Factory);
    }
}
