using System.Numerics;
using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Math;

/// <summary>UnsortedSegmentSum (TF: core/ops/math_ops.cc, kernels/segment_reduction_ops_impl.h).</summary>
public static partial class MathOps
{
    public static readonly OpDef UnsortedSegmentSum = OpDef.Define("UnsortedSegmentSum")
        .Input("data: T")
        .Input("segment_ids: Tindices")
        .Input("num_segments: Tnumsegments")
        .Output("output: T")
        .Attr("T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, qint16, quint16, uint16, complex128, half, uint32, uint64}")
        .Attr("Tindices: {int16, int32, int64}")
        .Attr("Tnumsegments: {int32, int64} = DT_INT32")
        .Shape(UnsortedSegmentShape);

    /// <summary>[num_segments] + data.shape[rank(segment_ids):]; data's leading dims must match segment_ids.</summary>
    private static void UnsortedSegmentShape(InferenceContext c)
    {
        c.WithRank(2, 0);
        var data = c.Input(0);
        var ids = c.Input(1);
        if (!ids.HasRank)
        {
            c.SetOutput(0, TensorShape.Unknown);
            return;
        }
        long num = -1;
        if (c.InputTensor(2) is { } n)
        {
            num = n.ToInt64Array()[0];
            if (num < 0) throw new InvalidArgumentException($"Dimension size, given by scalar input 2, must be non-negative but is {num}");
        }
        if (!data.HasRank)
        {
            c.SetOutput(0, TensorShape.Unknown);
            return;
        }
        if (data.Rank < ids.Rank) throw new InvalidArgumentException($"Shape must be at least rank {ids.Rank} but is rank {data.Rank}");
        data.SubShape(0, ids.Rank).MergeWith(ids);
        c.SetOutput(0, new TensorShape(num).Concatenate(data.SubShape(ids.Rank)));
    }
}

internal static class SegmentSumKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(MathOps.UnsortedSegmentSum);
        foreach (var ti in new[] { DType.Int16, DType.Int32, DType.Int64 })
            foreach (var tn in new[] { DType.Int32, DType.Int64 })
            {
                Add<float>(k, DType.Float, ti, tn);
                Add<double>(k, DType.Double, ti, tn);
                Add<int>(k, DType.Int32, ti, tn);
                Add<long>(k, DType.Int64, ti, tn);
            }
    }

    private static void Add<T>(KernelRegistry k, DType t, DType ti, DType tn) where T : unmanaged, INumber<T> =>
        k.Add(MathOps.UnsortedSegmentSum.Name, _ => new LambdaKernel(Compute<T>), ("T", t), ("Tindices", ti), ("Tnumsegments", tn));

    /// <summary>Row i of data (seen as [ids, inner]) is added to output row segment_ids[i]; negative ids are dropped, as in TF.</summary>
    private static void Compute<T>(OpKernelContext ctx) where T : unmanaged, INumber<T>
    {
        var (data, idsTensor, numTensor) = (ctx.Input(0), ctx.Input(1), ctx.Input(2));
        if (numTensor.Rank != 0) throw new InvalidArgumentException($"num_segments should be a scalar, not shape {numTensor.Shape}");
        long num = numTensor.ToInt64Array()[0];
        if (num < 0) throw new InvalidArgumentException($"num_segments must be non-negative, got {num}");
        if (data.Rank < idsTensor.Rank || !data.Dims[..idsTensor.Rank].SequenceEqual(idsTensor.Dims))
            throw new InvalidArgumentException($"data.shape = {data.Shape} does not start with segment_ids.shape = {idsTensor.Shape}");
        var ids = IndexValues.Read(idsTensor);
        for (int i = 0; i < ids.Length; i++)
            if (ids[i] >= num)
                throw new InvalidArgumentException($"segment_ids[{IndexValues.Coordinates(i, idsTensor.Dims)}] = {ids[i]} is out of range [0, {num})");
        var inner = data.Dims[idsTensor.Rank..].ToArray();
        var y = ctx.AllocateOutput(0, [num, .. inner]);
        var dst = y.AsSpan<T>();
        dst.Clear();
        long row = HostTensor.CountElements(inner);
        if (row == 0) return;
        var src = data.AsReadOnlySpan<T>();
        for (int i = 0; i < ids.Length; i++)
        {
            if (ids[i] < 0) continue;
            var from = src.Slice(checked((int)(i * row)), (int)row);
            var to = dst.Slice(checked((int)(ids[i] * row)), (int)row);
            System.Numerics.Tensors.TensorPrimitives.Add(to, from, to);
        }
    }
}
