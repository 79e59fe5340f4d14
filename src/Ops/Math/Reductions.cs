using System.Numerics;
using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Math;

/// <summary>Reductions (TF: core/ops/math_ops.cc, kernels/reduction_ops_common.h).</summary>
public static partial class MathOps
{
    private const string ReductionTypes =
        "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, qint16, quint16, uint16, complex128, half, uint32, uint64}";

    public static readonly OpDef Sum = OpDef.Define("Sum")
        .Input("input: T")
        .Input("reduction_indices: Tidx")
        .Output("output: T")
        .Attr("keep_dims: bool = false")
        .Attr(ReductionTypes)
        .Attr("Tidx: {int32, int64} = DT_INT32")
        .Shape(CommonShapes.Reduction);

    public static readonly OpDef Mean = OpDef.Define("Mean")
        .Input("input: T")
        .Input("reduction_indices: Tidx")
        .Output("output: T")
        .Attr("keep_dims: bool = false")
        .Attr(ReductionTypes)
        .Attr("Tidx: {int32, int64} = DT_INT32")
        .Shape(CommonShapes.Reduction);
}

/// <summary>Sum or Mean for one dtype: axes from input 1 (scalar or vector, negative counts from the end).</summary>
internal sealed class ReductionKernel<T>(bool keepDims, bool mean) : IOpKernel where T : unmanaged, INumber<T>
{
    public void Compute(OpKernelContext ctx)
    {
        var x = ctx.Input(0);
        Span<bool> reduce = stackalloc bool[x.Rank];
        Span<long> outDims = x.Rank <= 16 ? stackalloc long[x.Rank] : new long[x.Rank];
        int outRank = ReductionAxes.Prepare(ctx, keepDims, reduce, outDims);
        if (outRank < 0) return;
        var y = ctx.AllocateOutput(0, outDims[..outRank]);
        if (mean) Reduce.Mean(x.AsReadOnlySpan<T>(), x.Dims, reduce, y.AsSpan<T>());
        else Reduce.Sum(x.AsReadOnlySpan<T>(), x.Dims, reduce, y.AsSpan<T>());
    }
}

internal static class ReductionKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(MathOps.Sum, MathOps.Mean);
        Add<float>(k, DType.Float);
        Add<double>(k, DType.Double);
        Add<int>(k, DType.Int32);
        Add<long>(k, DType.Int64);
    }

    private static void Add<T>(KernelRegistry k, DType t) where T : unmanaged, INumber<T>
    {
        k.Add(MathOps.Sum, t, c => new ReductionKernel<T>(c.Attr("keep_dims").B, mean: false));
        k.Add(MathOps.Mean, t, c => new ReductionKernel<T>(c.Attr("keep_dims").B, mean: true));
    }
}

/// <summary>What every reduction kernel does before reducing: read and check the axes, compute the output dims.</summary>
internal static class ReductionAxes
{
    /// <summary>
    /// Marks the reduced axes of input 0 (axes from input 1) in <paramref name="reduce"/>, writes the
    /// output dims into <paramref name="outDims"/> (input rank long) and returns the output rank, or -1
    /// after forwarding the input when there is nothing to reduce (as TF does).
    /// </summary>
    public static int Prepare(OpKernelContext ctx, bool keepDims, Span<bool> reduce, Span<long> outDims)
    {
        var x = ctx.Input(0);
        var axesTensor = ctx.Input(1);
        if (axesTensor.Rank > 1)
            throw new InvalidArgumentException($"axes must be a scalar or vector, got shape {axesTensor.Shape}");
        int rank = x.Rank;
        // Read the axes in place (no int64 copy): this runs on every step of every reduction.
        long axisCount = axesTensor.NumElements;
        for (int k = 0; k < axisCount; k++)
        {
            long raw = axesTensor.DType == DType.Int32 ? axesTensor.AsSpan<int>()[k] : axesTensor.DType == DType.Int64
                ? axesTensor.AsSpan<long>()[k] : axesTensor.ToInt64Array()[k];
            if (raw < -rank || raw >= rank)
                throw new InvalidArgumentException($"Invalid reduction dimension ({raw} for input with {rank} dimension(s)");
            reduce[(int)(raw < 0 ? raw + rank : raw)] = true;
        }
        int outRank = 0;
        for (int i = 0; i < rank; i++)
            if (!reduce[i] || keepDims) outRank++;
        outDims = outDims[..outRank];
        for (int i = 0, o = 0; i < rank; i++)
        {
            if (!reduce[i]) outDims[o++] = x.Dims[i];
            else if (keepDims) outDims[o++] = 1;
        }
        if (!reduce.Contains(true))
        {
            ctx.SetOutput(0, x.Dims.SequenceEqual(outDims) ? x : x.Reshaped(outDims));
            return -1;
        }
        return outRank;
    }
}
