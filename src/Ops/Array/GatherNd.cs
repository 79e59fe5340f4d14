using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Array;

/// <summary>GatherNd (TF: core/ops/array_ops.cc, kernels/gather_nd_op.cc).</summary>
public static partial class ArrayOps
{
    public static readonly OpDef GatherNd = OpDef.Define("GatherNd")
        .Input("params: Tparams")
        .Input("indices: Tindices")
        .Output("output: Tparams")
        .Attr("Tparams: type")
        .Attr("Tindices: {int16, int32, int64}")
        .Attr("bad_indices_policy: string = ''")
        .Shape(GatherNdShape);

    /// <summary>indices.shape[:-1] + params.shape[indices.shape[-1]:].</summary>
    private static void GatherNdShape(InferenceContext c)
    {
        var parameters = c.Input(0);
        var indices = c.Input(1);
        if (parameters.HasRank && parameters.Rank < 1)
            throw new InvalidArgumentException($"Shape must be at least rank 1 but is rank {parameters.Rank}");
        if (indices.HasRank && indices.Rank < 1)
            throw new InvalidArgumentException($"Shape must be at least rank 1 but is rank {indices.Rank}");
        if (!parameters.HasRank || !indices.HasRank || indices[indices.Rank - 1] < 0)
        {
            c.SetOutput(0, TensorShape.Unknown);
            return;
        }
        long r = indices[indices.Rank - 1];
        if (r > parameters.Rank)
            throw new InvalidArgumentException($"indices.shape[-1] must be <= params.rank, but saw indices shape: {indices} and params shape: {parameters}");
        c.SetOutput(0, indices.SubShape(0, indices.Rank - 1).Concatenate(parameters.SubShape((int)r)));
    }
}

/// <summary>Index tuples of GatherNd/ScatterNd: rows of indices' last dimension, each turned into a flat slice number.</summary>
internal static class NdIndices
{
    public enum Policy { Error, Ignore }

    public static Policy ParsePolicy(string op, string value) => value switch
    {
        "" or "DEFAULT" or "ERROR" => Policy.Error,
        "IGNORE" => Policy.Ignore,
        _ => throw new InvalidArgumentException($"{op}: bad_indices_policy must be one of '', 'DEFAULT', 'ERROR' or 'IGNORE', got '{value}'"),
    };

    /// <summary>
    /// The slice number (in units of the sliced dims' product) of each index row over <paramref name="dims"/>'
    /// leading dims, or -1 for a row out of range under the IGNORE policy. A bad row under ERROR throws,
    /// naming the row and the shape, before anything is written.
    /// </summary>
    public static long[] Offsets(HostTensor indicesTensor, ReadOnlySpan<long> dims, Policy policy, string intoWhat)
    {
        var indices = IndexValues.Read(indicesTensor);
        int depth = (int)indicesTensor.Dims[^1];
        long rows = depth == 0 ? HostTensor.CountElements(indicesTensor.Dims[..^1]) : indices.Length / depth;
        var strides = new long[depth];
        long acc = 1;
        for (int d = depth - 1; d >= 0; d--)
        {
            strides[d] = acc;
            acc *= dims[d];
        }
        var offsets = new long[rows];
        for (long r = 0; r < rows; r++)
        {
            long offset = 0;
            for (int d = 0; d < depth; d++)
            {
                long v = indices[r * depth + d];
                if ((ulong)v >= (ulong)dims[d])
                {
                    if (policy == Policy.Ignore) { offset = -1; break; }
                    var row = string.Join(", ", indices.AsSpan((int)(r * depth), depth).ToArray());
                    throw new InvalidArgumentException(
                        $"indices[{IndexValues.Coordinates(r, indicesTensor.Dims[..^1])}] = [{row}] does not index into {intoWhat} {new TensorShape(dims.ToArray())}");
                }
                offset += v * strides[d];
            }
            offsets[r] = offset;
        }
        return offsets;
    }
}

internal static class GatherNdKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(ArrayOps.GatherNd);
        foreach (var t in KernelTypes.FixedSize.Append(DType.String))
            foreach (var ti in new[] { DType.Int16, DType.Int32, DType.Int64 })
                k.Add(ArrayOps.GatherNd.Name, c => new GatherNdKernel(NdIndices.ParsePolicy("GatherNd", c.Attr("bad_indices_policy").S)),
                    ("Tparams", t), ("Tindices", ti));
    }

    /// <summary>Each index row selects one slice params[i0, …, i(r-1), :, …] and copies it whole.</summary>
    private sealed class GatherNdKernel(NdIndices.Policy policy) : IOpKernel
    {
        public void Compute(OpKernelContext ctx)
        {
            var p = ctx.Input(0);
            var indices = ctx.Input(1);
            if (p.Rank < 1) throw new InvalidArgumentException($"params must be at least a vector, got shape {p.Shape}");
            if (indices.Rank < 1) throw new InvalidArgumentException($"indices must be at least a vector, got shape {indices.Shape}");
            long depth = indices.Dims[^1];
            if (depth > p.Rank)
                throw new InvalidArgumentException($"index innermost dimension length must be <= params rank; saw: {depth} vs. {p.Rank}");
            var offsets = NdIndices.Offsets(indices, p.Dims, policy, "param shape");
            long slice = HostTensor.CountElements(p.Dims[(int)depth..]);
            var y = ctx.AllocateOutput(0, [.. indices.Dims[..^1], .. p.Dims[(int)depth..]]);
            if (y.NumElements == 0) return;
            for (long r = 0; r < offsets.Length; r++)
            {
                if (offsets[r] >= 0) IndexValues.CopyElements(p, offsets[r] * slice, y, r * slice, slice);
                else if (y.Strings != null) System.Array.Fill(y.Strings, [], checked((int)(r * slice)), checked((int)slice));
                else y.Buffer!.Bytes.Slice(checked((int)(r * slice * y.DType.Size())), checked((int)(slice * y.DType.Size()))).Clear();
            }
        }
    }
}
