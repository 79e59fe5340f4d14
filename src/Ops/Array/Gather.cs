using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Array;

/// <summary>GatherV2 (TF: core/ops/array_ops.cc, kernels/gather_op.cc); batch_dims = 0 only.</summary>
public static partial class ArrayOps
{
    public static readonly OpDef GatherV2 = OpDef.Define("GatherV2")
        .Input("params: Tparams")
        .Input("indices: Tindices")
        .Input("axis: Taxis")
        .Output("output: Tparams")
        .Attr("batch_dims: int = 0")
        .Attr("Tparams: type")
        .Attr("Tindices: {int16, int32, int64}")
        .Attr("Taxis: {int32, int64}")
        .Shape(GatherV2Shape);

    /// <summary>params[:axis] + indices + params[axis+1:]; unknown axis leaves only the rank.</summary>
    private static void GatherV2Shape(InferenceContext c)
    {
        var parameters = c.Input(0);
        if (parameters.HasRank && parameters.Rank < 1)
            throw new InvalidArgumentException($"Shape must be at least rank 1 but is rank {parameters.Rank}");
        var indices = c.Input(1);
        c.Input(2).WithRank(0);
        long batchDims = c.Attr("batch_dims").I;
        var axisTensor = c.InputTensor(2);
        if (axisTensor == null)
        {
            c.SetOutput(0, parameters.HasRank && indices.HasRank
                ? TensorShape.UnknownOfRank(parameters.Rank + indices.Rank - 1 - (int)batchDims) : TensorShape.Unknown);
            return;
        }
        if (!parameters.HasRank || !indices.HasRank)
        {
            c.SetOutput(0, TensorShape.Unknown);
            return;
        }
        long axis = axisTensor.ToInt64Array()[0];
        int rank = parameters.Rank;
        if (axis < -rank || axis >= rank)
            throw new InvalidArgumentException($"Shape must be at least rank {(axis < 0 ? -axis : axis + 1)} but is rank {rank}");
        if (axis < 0) axis += rank;
        if (batchDims != 0)
            throw new UnimplementedException($"GatherV2 with batch_dims = {batchDims} is not supported (only 0)");
        var p = parameters.ToArray();
        c.SetOutput(0, new TensorShape([.. p[..(int)axis], .. indices.ToArray(), .. p[((int)axis + 1)..]]));
    }
}

internal static class GatherKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(ArrayOps.GatherV2);
        foreach (var t in KernelTypes.FixedSize)
        {
            k.Add(ArrayOps.GatherV2.Name, c => new GatherKernel(c.Attr("batch_dims").I), ("Tparams", t), ("Tindices", DType.Int32));
            k.Add(ArrayOps.GatherV2.Name, c => new GatherKernel(c.Attr("batch_dims").I), ("Tparams", t), ("Tindices", DType.Int64));
        }
        // Strings too: report_uninitialized_variables gathers variable names.
        k.Add(ArrayOps.GatherV2.Name, c => new GatherKernel(c.Attr("batch_dims").I), ("Tparams", DType.String), ("Tindices", DType.Int32));
        k.Add(ArrayOps.GatherV2.Name, c => new GatherKernel(c.Attr("batch_dims").I), ("Tparams", DType.String), ("Tindices", DType.Int64));
    }

    /// <summary>
    /// params seen as [outer, n, inner] and output as [outer, indices, inner]: each index copies one
    /// inner block. All indices are validated before anything is written.
    /// </summary>
    private sealed class GatherKernel(long batchDims) : IOpKernel
    {
        public void Compute(OpKernelContext ctx)
        {
            if (batchDims != 0)
                throw new UnimplementedException($"GatherV2 with batch_dims = {batchDims} is not supported (only 0)");
            var p = ctx.Input(0);
            var indicesTensor = ctx.Input(1);
            var axisTensor = ctx.Input(2);
            if (axisTensor.NumElements != 1)
                throw new InvalidArgumentException($"axis must be scalar, but got shape {axisTensor.Shape}");
            Span<long> axisValue = stackalloc long[1];
            axisTensor.CopyInt64To(axisValue);
            long axis = axisValue[0];
            int rank = p.Rank;
            if (axis < -rank || axis >= rank)
                throw new InvalidArgumentException($"Expected axis in the range [{-rank}, {rank}), but got {axis}");
            if (axis < 0) axis += rank;
            // Indices are read in place (int32 or int64), not copied: an embedding lookup may have many.
            if (indicesTensor.DType == DType.Int32) Gather(ctx, p, indicesTensor, indicesTensor.AsReadOnlySpan<int>(), (int)axis);
            else Gather(ctx, p, indicesTensor, indicesTensor.AsReadOnlySpan<long>(), (int)axis);
        }

        private static void Gather<TIdx>(OpKernelContext ctx, HostTensor p, HostTensor indicesTensor, ReadOnlySpan<TIdx> indices, int ax)
            where TIdx : unmanaged, System.Numerics.IBinaryInteger<TIdx>
        {
            int rank = p.Rank;
            long n = p.Dims[ax];
            for (int i = 0; i < indices.Length; i++)
                if ((ulong)long.CreateTruncating(indices[i]) >= (ulong)n)
                    throw new InvalidArgumentException($"indices[{FlatIndexText(i, indicesTensor.Dims)}] = {indices[i]} is not in [0, {n})");
            var pd = p.Dims;
            int outRank = rank - 1 + indicesTensor.Rank;
            Span<long> outDims = outRank <= 16 ? stackalloc long[outRank] : new long[outRank];
            pd[..ax].CopyTo(outDims);
            indicesTensor.Dims.CopyTo(outDims[ax..]);
            pd[(ax + 1)..].CopyTo(outDims[(ax + indicesTensor.Rank)..]);
            var y = ctx.AllocateOutput(0, outDims);
            if (y.NumElements == 0) return;
            long outer = 1, inner = p.DType == DType.String ? 1 : p.DType.Size();
            for (int i = 0; i < ax; i++) outer *= pd[i];
            for (int i = ax + 1; i < rank; i++) inner *= pd[i];
            if (p.Strings != null)
            {
                long at = 0;
                for (long o = 0; o < outer; o++)
                    foreach (var idx in indices)
                    {
                        System.Array.Copy(p.Strings, o * n * inner + long.CreateTruncating(idx) * inner, y.Strings!, at, inner);
                        at += inner;
                    }
                return;
            }
            var src = p.Buffer!.Bytes;
            var dst = y.Buffer!.Bytes;
            long pos = 0;
            for (long o = 0; o < outer; o++)
            {
                long rowBase = o * n * inner;
                foreach (var idx in indices)
                {
                    src.Slice(checked((int)(rowBase + long.CreateTruncating(idx) * inner)), (int)inner).CopyTo(dst.Slice(checked((int)pos), (int)inner));
                    pos += inner;
                }
            }
        }

        /// <summary>TF names a bad index by its coordinates in indices: "3" for a vector, "1,2" for a matrix.</summary>
        private static string FlatIndexText(long flat, ReadOnlySpan<long> dims)
        {
            if (dims.Length <= 1) return flat.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var coords = new long[dims.Length];
            for (int d = dims.Length - 1; d >= 0; d--)
            {
                coords[d] = flat % dims[d];
                flat /= dims[d];
            }
            return string.Join(",", coords);
        }
    }
}
