using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Array;

/// <summary>DynamicStitch and ParallelDynamicStitch (TF: core/ops/data_flow_ops.cc, kernels/dynamic_stitch_op.cc).</summary>
public static partial class ArrayOps
{
    public static readonly OpDef DynamicStitch = OpDef.Define("DynamicStitch")
        .Input("indices: N * int32")
        .Input("data: N * T")
        .Output("merged: T")
        .Attr("N: int >= 1")
        .Attr("T: type")
        .Shape(DynamicStitchShape);

    /// <summary>TF leaves the winner of a duplicated index unspecified here; ours is the same as DynamicStitch's (last).</summary>
    public static readonly OpDef ParallelDynamicStitch = OpDef.Define("ParallelDynamicStitch")
        .Input("indices: N * int32")
        .Input("data: N * T")
        .Output("merged: T")
        .Attr("N: int >= 1")
        .Attr("T: type")
        .Shape(DynamicStitchShape);

    /// <summary>[max index + 1 when every indices input is constant, else ?] + the merged trailing data dims.</summary>
    private static void DynamicStitchShape(InferenceContext c)
    {
        int n = c.NumInputs / 2;
        bool allConstant = true;
        long maxIndex = -1;
        var extra = TensorShape.Unknown;
        for (int i = 0; i < n; i++)
        {
            var indicesValue = c.InputTensor(i);
            if (indicesValue == null) allConstant = false;
            var indices = c.Input(i);
            var data = c.Input(i + n);
            if (!indices.HasRank) continue;
            if (data.HasRank)
            {
                if (data.Rank < indices.Rank) throw new InvalidArgumentException($"Shape must be at least rank {indices.Rank} but is rank {data.Rank}");
                data.SubShape(0, indices.Rank).MergeWith(indices);
            }
            extra = extra.MergeWith(data.SubShape(indices.Rank));
            if (indicesValue != null)
                foreach (var v in indicesValue.ToInt64Array()) maxIndex = System.Math.Max(maxIndex, v);
        }
        c.SetOutput(0, new TensorShape(allConstant ? maxIndex + 1 : -1).Concatenate(extra));
    }
}

internal static class DynamicStitchKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(ArrayOps.DynamicStitch, ArrayOps.ParallelDynamicStitch);
        var kernel = new LambdaKernel(Compute);
        foreach (var t in KernelTypes.FixedSize.Append(DType.String))
        {
            k.Add(ArrayOps.DynamicStitch, t, _ => kernel);
            k.Add(ArrayOps.ParallelDynamicStitch, t, _ => kernel);
        }
    }

    /// <summary>merged[indices[m][i], ...] = data[m][i, ...]; later inputs win on duplicates; unreferenced rows are zero.</summary>
    private static void Compute(OpKernelContext ctx)
    {
        int n = ctx.NumInputs / 2;
        long maxIndex = -1;
        var indices = new long[n][];
        long[]? rowDims = null;
        for (int m = 0; m < n; m++)
        {
            var (it, dt) = (ctx.Input(m), ctx.Input(m + n));
            if (dt.Rank < it.Rank || !dt.Dims[..it.Rank].SequenceEqual(it.Dims))
                throw new InvalidArgumentException($"data[{m}].shape = {dt.Shape} does not start with indices[{m}].shape = {it.Shape}");
            var rest = dt.Dims[it.Rank..].ToArray();
            if (rowDims == null) rowDims = rest;
            else if (!rowDims.AsSpan().SequenceEqual(rest))
                throw new InvalidArgumentException($"Need data[0].shape[{ctx.Input(0).Rank}:] = {new TensorShape(rowDims)}, got data[{m}].shape[{it.Rank}:] = {new TensorShape(rest)}");
            indices[m] = it.ToInt64Array();
            foreach (var v in indices[m])
            {
                if (v < 0) throw new InvalidArgumentException($"indices[{m}] has a negative index {v}: each index must be in [0, the output's first dimension)");
                maxIndex = System.Math.Max(maxIndex, v);
            }
        }
        var y = ctx.AllocateOutput(0, [maxIndex + 1, .. rowDims!]);
        if (y.Buffer != null) y.Buffer.Bytes.Clear();
        long row = HostTensor.CountElements(rowDims);
        for (int m = 0; m < n; m++)
        {
            var data = ctx.Input(m + n);
            for (int i = 0; i < indices[m].Length; i++) IndexValues.CopyElements(data, i * row, y, indices[m][i] * row, row);
        }
    }
}
