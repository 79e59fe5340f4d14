using System.Numerics;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Array;

/// <summary>ScatterNd (TF: core/ops/array_ops.cc, kernels/scatter_nd_op.cc).</summary>
public static partial class ArrayOps
{
    public static readonly OpDef ScatterNd = OpDef.Define("ScatterNd")
        .Input("indices: Tindices")
        .Input("updates: T")
        .Input("shape: Tindices")
        .Output("output: T")
        .Attr("T: type")
        .Attr("Tindices: {int16, int32, int64}")
        .Attr("bad_indices_policy: string = ''")
        .Shape(ScatterNdShape);

    /// <summary>TF's ScatterNdShapeHelper: the output is `shape`; updates must be indices.shape[:-1] + shape[indices.shape[-1]:].</summary>
    private static void ScatterNdShape(InferenceContext c)
    {
        var indices = c.Input(0);
        var updates = c.Input(1);
        if (indices.HasRank && indices.Rank < 1)
            throw new InvalidArgumentException($"Shape must be at least rank 1 but is rank {indices.Rank}");
        if (updates.HasRank && updates.Rank < 1)
            throw new InvalidArgumentException($"Shape must be at least rank 1 but is rank {updates.Rank}");
        c.WithRank(2, 1);
        // InputAsShape reads int32/int64 only; Tindices may also be int16.
        var output = c.InputTensor(2) is { DType: DType.Int16, Rank: 1 } small ? new TensorShape(IndexValues.Read(small)) : c.InputAsShape(2);
        if (output.IsFullyDefined && output.NumElements == 0 &&
            ((indices.IsFullyDefined && indices.NumElements > 0) || (updates.IsFullyDefined && updates.NumElements > 0)))
            throw new InvalidArgumentException("Indices and updates specified for empty output");
        if (indices.HasRank && updates.HasRank && indices[indices.Rank - 1] >= 0)
        {
            int outer = indices.Rank - 1;
            long ix = indices[outer];
            var prefixIndices = indices.SubShape(0, outer);
            var prefixUpdates = updates.SubShape(0, System.Math.Min(outer, updates.Rank));
            try { prefixIndices.MergeWith(prefixUpdates); }
            catch (InvalidArgumentException e)
            {
                throw new InvalidArgumentException($"Dimensions [0,{outer}) of indices[shape={indices}] = {prefixIndices} must match dimensions [0,{outer}) " +
                    $"of updates[shape={updates}] = {prefixUpdates}: {e.BaseMessage}");
            }
            if (output.HasRank)
            {
                var suffixOutput = output.SubShape((int)System.Math.Min(ix, output.Rank));
                var suffixUpdates = updates.SubShape(System.Math.Min(outer, updates.Rank));
                try { suffixOutput.MergeWith(suffixUpdates); }
                catch (InvalidArgumentException e)
                {
                    throw new InvalidArgumentException($"Dimensions [{ix},{output.Rank}) of input[shape={output}] = {suffixOutput} must match dimensions " +
                        $"[{outer},{updates.Rank}) of updates[shape={updates}] = {suffixUpdates}: {e.BaseMessage}");
                }
            }
        }
        c.SetOutput(0, output);
    }
}

internal static class ScatterNdKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(ArrayOps.ScatterNd);
        foreach (var ti in new[] { DType.Int16, DType.Int32, DType.Int64 })
        {
            Add<float>(k, DType.Float, ti);
            Add<double>(k, DType.Double, ti);
            Add<int>(k, DType.Int32, ti);
            Add<long>(k, DType.Int64, ti);
            Add<Half>(k, DType.Half, ti);
            Add<short>(k, DType.Int16, ti);
            Add<sbyte>(k, DType.Int8, ti);
            Add<byte>(k, DType.UInt8, ti);
        }
    }

    private static void Add<T>(KernelRegistry k, DType t, DType ti) where T : unmanaged, INumber<T> =>
        k.Add(ArrayOps.ScatterNd.Name, c => new ScatterNdKernel<T>(NdIndices.ParsePolicy("ScatterNd", c.Attr("bad_indices_policy").S)),
            ("T", t), ("Tindices", ti));

    /// <summary>Zeros of `shape`, then each update slice is added at its index row (duplicates accumulate).</summary>
    private sealed class ScatterNdKernel<T>(NdIndices.Policy policy) : IOpKernel where T : unmanaged, INumber<T>
    {
        public void Compute(OpKernelContext ctx)
        {
            var (indices, updates, shapeTensor) = (ctx.Input(0), ctx.Input(1), ctx.Input(2));
            if (shapeTensor.Rank != 1) throw new InvalidArgumentException($"Shape must be a 1-D tensor, got shape {shapeTensor.Shape}");
            if (indices.Rank < 1) throw new InvalidArgumentException($"Indices shape must have rank at least one. Found:{indices.Shape}");
            if (updates.Rank < 1) throw new InvalidArgumentException($"Updates shape must have rank at least one. Found:{updates.Shape}");
            var dims = IndexValues.Read(shapeTensor);
            foreach (var d in dims)
                if (d < 0) throw new InvalidArgumentException($"Dimension {d} must be >= 0 in shape [{string.Join(",", dims)}]");
            var outShape = new TensorShape(dims);
            long outCount = HostTensor.CountElements(dims);
            if (outCount == 0 && (indices.NumElements > 0 || updates.NumElements > 0))
                throw new InvalidArgumentException($"Indices and updates specified for empty output shape {outShape}");
            int outer = indices.Rank - 1;
            long depth = indices.Dims[^1];
            if (depth > dims.Length)
                throw new InvalidArgumentException($"Output must have at least {depth} dimensions (indices.shape[-1]), got shape {outShape}");
            bool prefixOk = updates.Rank >= outer && updates.Dims[..outer].SequenceEqual(indices.Dims[..outer]);
            bool suffixOk = updates.Rank - outer == dims.Length - depth && updates.Dims[System.Math.Min(outer, updates.Rank)..].SequenceEqual(dims.AsSpan((int)depth));
            if (!prefixOk || !suffixOk)
                throw new InvalidArgumentException($"updates must have shape indices.shape[:-1] + shape[indices.shape[-1]:] = " +
                    $"{new TensorShape([.. indices.Dims[..outer], .. dims.AsSpan((int)depth)])}, got indices.shape = {indices.Shape}, " +
                    $"updates.shape = {updates.Shape}, shape = {outShape}");
            var offsets = NdIndices.Offsets(indices, dims, policy, "shape");
            var y = ctx.AllocateOutput(0, dims);
            var dst = y.AsSpan<T>();
            dst.Clear();
            long slice = HostTensor.CountElements(dims.AsSpan((int)depth));
            var src = updates.AsReadOnlySpan<T>();
            for (long r = 0; r < offsets.Length; r++)
            {
                if (offsets[r] < 0) continue;
                var from = src.Slice(checked((int)(r * slice)), (int)slice);
                var to = dst.Slice(checked((int)(offsets[r] * slice)), (int)slice);
                System.Numerics.Tensors.TensorPrimitives.Add(to, from, to);
            }
        }
    }
}
