using System.Numerics;
using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Math;

/// <summary>Prod/Max/Min/All/Any and ArgMax/ArgMin (TF: core/ops/math_ops.cc, kernels/reduction_ops_*.cc, argmax_op.cc).</summary>
public static partial class MathOps
{
    private const string MinMaxReductionTypes =
        "T: {float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64, qint8, quint8, qint32, qint16, quint16}";

    public static readonly OpDef Prod = Reduction("Prod", ReductionTypes);
    public static readonly OpDef Max = Reduction("Max", MinMaxReductionTypes);
    public static readonly OpDef Min = Reduction("Min", MinMaxReductionTypes);

    public static readonly OpDef All = BoolReduction("All");
    public static readonly OpDef Any = BoolReduction("Any");

    public static readonly OpDef ArgMax = OpDef.Define("ArgMax")
        .Input("input: T")
        .Input("dimension: Tidx")
        .Output("output: output_type")
        .Attr("T: {float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64, qint8, quint8, qint32, qint16, quint16, bool}")
        .Attr("Tidx: {int16, int32, int64} = DT_INT32")
        .Attr("output_type: {int16, uint16, int32, int64} = DT_INT64")
        .Shape(ArgOpShape);

    public static readonly OpDef ArgMin = OpDef.Define("ArgMin")
        .Input("input: T")
        .Input("dimension: Tidx")
        .Output("output: output_type")
        .Attr("T: {float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64, qint8, quint8, qint32, qint16, quint16, bool}")
        .Attr("Tidx: {int32, int64} = DT_INT32")
        .Attr("output_type: {int32, int64} = DT_INT64")
        .Shape(ArgOpShape);

    private static OpDef Reduction(string name, string types) => OpDef.Define(name)
        .Input("input: T")
        .Input("reduction_indices: Tidx")
        .Output("output: T")
        .Attr("keep_dims: bool = false")
        .Attr(types)
        .Attr("Tidx: {int32, int64} = DT_INT32")
        .Shape(CommonShapes.Reduction);

    private static OpDef BoolReduction(string name) => OpDef.Define(name)
        .Input("input: bool")
        .Input("reduction_indices: Tidx")
        .Output("output: bool")
        .Attr("keep_dims: bool = false")
        .Attr("Tidx: {int32, int64} = DT_INT32")
        .Shape(CommonShapes.Reduction);

    /// <summary>The input's shape without the reduced dimension (TF's ArgOpShape).</summary>
    private static void ArgOpShape(InferenceContext c)
    {
        var input = c.Input(0);
        var dimShape = c.Input(1);
        if (dimShape.HasRank && dimShape.Rank > 0)
            throw new InvalidArgumentException($"Shape must be at most rank 0 but is rank {dimShape.Rank}");
        if (!input.HasRank)
        {
            c.SetOutput(0, TensorShape.Unknown);
            return;
        }
        int rank = input.Rank;
        if (rank == 0) throw new InvalidArgumentException("Shape must be at least rank 1 but is rank 0");
        var dimTensor = c.InputTensor(1);
        if (dimTensor == null)
        {
            c.SetOutput(0, rank == 1 ? TensorShape.Scalar : TensorShape.UnknownOfRank(rank - 1));
            return;
        }
        long dim = dimTensor.ToInt64Array()[0];
        if (dim < -rank || dim >= rank)
            throw new InvalidArgumentException($"Dimension ({dim}) must be in the range [{-rank}, {rank}), where {rank} is the number of dimensions in the input.");
        if (dim < 0) dim += rank;
        var dims = input.ToArray().Where((_, i) => i != dim).ToArray();
        c.SetOutput(0, new TensorShape(dims));
    }
}

/// <summary>A reduction kernel for one dtype and reducer: axes from input 1 (scalar or vector, negative counts from the end).</summary>
internal sealed class GenericReductionKernel<T, TOp>(bool keepDims) : IOpKernel where T : unmanaged where TOp : IReduceOp<T>
{
    public void Compute(OpKernelContext ctx)
    {
        var x = ctx.Input(0);
        Span<bool> reduce = stackalloc bool[x.Rank];
        Span<long> outDims = x.Rank <= 16 ? stackalloc long[x.Rank] : new long[x.Rank];
        int outRank = ReductionAxes.Prepare(ctx, keepDims, reduce, outDims);
        if (outRank < 0) return;
        var y = ctx.AllocateOutput(0, outDims[..outRank]);
        ReduceGeneric.Run<T, TOp>(x.AsReadOnlySpan<T>(), x.Dims, reduce, y.AsSpan<T>());
    }
}

/// <summary>
/// ArgMax/ArgMin over one axis: the index of the first extreme value (ties go to the smaller
/// index). A NaN wins over every number, so a row with NaN reports the first NaN (NumPy's rule;
/// TF does not specify its CPU result for NaN).
/// </summary>
internal sealed class ArgKernel<T, TOut>(bool max) : IOpKernel where T : unmanaged, INumber<T> where TOut : unmanaged, INumber<TOut>
{
    public void Compute(OpKernelContext ctx)
    {
        var x = ctx.Input(0);
        var dimTensor = ctx.Input(1);
        if (dimTensor.Rank != 0)
            throw new InvalidArgumentException($"dim must be a scalar, but received tensor of shape: {dimTensor.Shape}");
        long dim = dimTensor.ToInt64Array()[0];
        int rank = x.Rank;
        if (dim < -rank || dim >= rank)
            throw new InvalidArgumentException($"Expected dimension in the range [{-rank}, {rank}), but got {dim}");
        int axis = (int)(dim < 0 ? dim + rank : dim);
        long n = x.Dims[axis];
        if (n == 0) throw new InvalidArgumentException($"Reduction axis {dim} is empty in shape {x.Shape}");
        if (typeof(TOut) == typeof(int) && n > int.MaxValue)
            throw new InvalidArgumentException($"Reduction axis {dim} is too long for an int32 output: {n}");
        long outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= x.Dims[i];
        for (int i = axis + 1; i < rank; i++) inner *= x.Dims[i];
        var outDims = x.Dims.ToArray().Where((_, i) => i != axis).ToArray();
        var output = ctx.AllocateOutput(0, outDims).AsSpan<TOut>();
        var src = x.AsReadOnlySpan<T>();
        var best = new T[inner];
        var bestIdx = new long[inner];
        for (long o = 0; o < outer; o++)
        {
            long baseOff = o * n * inner;
            src.Slice((int)baseOff, (int)inner).CopyTo(best);
            System.Array.Clear(bestIdx);
            for (long k = 1; k < n; k++)
            {
                var row = src.Slice((int)(baseOff + k * inner), (int)inner);
                for (int j = 0; j < row.Length; j++)
                {
                    T v = row[j], b = best[j];
                    if (T.IsNaN(b)) continue;
                    if (T.IsNaN(v) || (max ? v > b : v < b)) { best[j] = v; bestIdx[j] = k; }
                }
            }
            var dst = output.Slice((int)(o * inner), (int)inner);
            for (int j = 0; j < dst.Length; j++) dst[j] = TOut.CreateTruncating(bestIdx[j]);
        }
    }
}

internal static class Reduction2Kernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(MathOps.Prod, MathOps.Max, MathOps.Min, MathOps.All, MathOps.Any, MathOps.ArgMax, MathOps.ArgMin);
        Add<float>(k, DType.Float);
        Add<double>(k, DType.Double);
        Add<int>(k, DType.Int32);
        Add<long>(k, DType.Int64);
        k.Add(MathOps.All, c => new GenericReductionKernel<bool, AllReduce>(c.Attr("keep_dims").B));
        k.Add(MathOps.Any, c => new GenericReductionKernel<bool, AnyReduce>(c.Attr("keep_dims").B));
    }

    private static void Add<T>(KernelRegistry k, DType t) where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        k.Add(MathOps.Prod, t, c => new GenericReductionKernel<T, ProdReduce<T>>(c.Attr("keep_dims").B));
        k.Add(MathOps.Max, t, c => new GenericReductionKernel<T, MaxReduce<T>>(c.Attr("keep_dims").B));
        k.Add(MathOps.Min, t, c => new GenericReductionKernel<T, MinReduce<T>>(c.Attr("keep_dims").B));
        foreach (var op in new[] { MathOps.ArgMax, MathOps.ArgMin })
        {
            bool max = op == MathOps.ArgMax;
            k.Add(op.Name, _ => new ArgKernel<T, int>(max), ("T", t), ("output_type", DType.Int32));
            k.Add(op.Name, _ => new ArgKernel<T, long>(max), ("T", t), ("output_type", DType.Int64));
        }
    }
}
