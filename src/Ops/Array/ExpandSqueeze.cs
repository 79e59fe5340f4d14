using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Array;

/// <summary>ExpandDims and Squeeze (TF: core/ops/array_ops.cc, kernels/shape_ops.h). Both only relabel the shape.</summary>
public static partial class ArrayOps
{
    public static readonly OpDef ExpandDims = OpDef.Define("ExpandDims")
        .Input("input: T")
        .Input("dim: Tdim")
        .Output("output: T")
        .Attr("T: type")
        .Attr("Tdim: {int32, int64} = DT_INT32")
        .Shape(ExpandDimsShape);

    public static readonly OpDef Squeeze = OpDef.Define("Squeeze")
        .Input("input: T")
        .Output("output: T")
        .Attr("T: type")
        .Attr("squeeze_dims: list(int) >= 0 = []")
        .Shape(SqueezeShape);

    /// <summary>Where the new axis goes: dim in [-rank-1, rank], negative counting from the end of the result.</summary>
    internal static int ExpandAxis(long dim, int rank)
    {
        if (dim < -1 - rank || dim > rank)
            throw new InvalidArgumentException($"Tried to expand dim index {dim} for tensor with {rank} dimensions.");
        return (int)(dim < 0 ? dim + rank + 1 : dim);
    }

    private static void ExpandDimsShape(InferenceContext c)
    {
        var input = c.Input(0);
        var dimShape = c.Input(1);
        if (dimShape.HasRank && dimShape.Rank > 1)
            throw new InvalidArgumentException($"Shape must be at most rank 1 but is rank {dimShape.Rank}");
        var dimTensor = c.InputTensor(1);
        if (dimTensor == null || !input.HasRank)
        {
            c.SetOutput(0, input.HasRank ? TensorShape.UnknownOfRank(input.Rank + 1) : TensorShape.Unknown);
            return;
        }
        var values = dimTensor.ToInt64Array();
        if (values.Length != 1)
            throw new InvalidArgumentException($"'dim' input must be a tensor with a single value");
        int axis = ExpandAxis(values[0], input.Rank);
        var dims = input.ToArray().ToList();
        dims.Insert(axis, 1);
        c.SetOutput(0, new TensorShape(dims.ToArray()));
    }

    /// <summary>The dims Squeeze keeps; an unknown dim with no explicit squeeze_dims makes the rank unknown (null).</summary>
    private static void SqueezeShape(InferenceContext c)
    {
        var input = c.Input(0);
        if (!input.HasRank)
        {
            c.SetOutput(0, TensorShape.Unknown);
            return;
        }
        int rank = input.Rank;
        var squeeze = SqueezeDims(c.Attr("squeeze_dims").ListI, rank);
        var result = new List<long>();
        for (int i = 0; i < rank; i++)
        {
            long d = input[i];
            if (squeeze.Count > 0)
            {
                if (!squeeze.Contains(i)) { result.Add(d); continue; }
                if (d >= 0 && d != 1)
                    throw new InvalidArgumentException($"Can not squeeze dim[{i}], expected a dimension of 1, got {d}");
                continue;   // an unknown dim named explicitly is taken to be 1
            }
            if (d < 0)
            {
                c.SetOutput(0, TensorShape.Unknown);
                return;
            }
            if (d != 1) result.Add(d);
        }
        c.SetOutput(0, new TensorShape(result.ToArray()));
    }

    internal static HashSet<int> SqueezeDims(long[] squeezeDims, int rank)
    {
        var set = new HashSet<int>();
        foreach (var d in squeezeDims)
        {
            if (d < -rank || d >= rank)
                throw new InvalidArgumentException($"Tried to squeeze dim index {d} for tensor with {rank} dimensions.");
            set.Add((int)(d < 0 ? d + rank : d));
        }
        return set;
    }
}

internal static class ExpandSqueezeKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(ArrayOps.ExpandDims, ArrayOps.Squeeze);
        var expand = new LambdaKernel(ComputeExpandDims);
        k.Add(ArrayOps.ExpandDims, _ => expand);
        k.Add(ArrayOps.Squeeze, c => new SqueezeKernel(c.Attr("squeeze_dims").ListI));
    }

    /// <summary>The output shares the input's buffer (TF's CopyFrom with a new shape).</summary>
    private static void ComputeExpandDims(OpKernelContext ctx)
    {
        var x = ctx.Input(0);
        var dimTensor = ctx.Input(1);
        if (dimTensor.NumElements != 1)
            throw new InvalidArgumentException($"'dim' must be a tensor with a single value");
        long dim = dimTensor.DType == DType.Int32 ? dimTensor.AsSpan<int>()[0] : dimTensor.DType == DType.Int64 ? dimTensor.AsSpan<long>()[0] : dimTensor.ToInt64Array()[0];
        int axis = ArrayOps.ExpandAxis(dim, x.Rank);
        Span<long> dims = stackalloc long[x.Rank + 1];
        x.Dims[..axis].CopyTo(dims);
        dims[axis] = 1;
        x.Dims[axis..].CopyTo(dims[(axis + 1)..]);
        ctx.SetOutput(0, x.Reshaped(dims));
    }

    private sealed class SqueezeKernel(long[] squeezeDims) : IOpKernel
    {
        public void Compute(OpKernelContext ctx)
        {
            var x = ctx.Input(0);
            int rank = x.Rank;
            // Which dims to squeeze, and the kept dims, on the stack (no set or list per step).
            Span<bool> squeeze = rank <= 64 ? stackalloc bool[rank] : new bool[rank];
            foreach (var d in squeezeDims)
            {
                if (d < -rank || d >= rank)
                    throw new InvalidArgumentException($"Tried to squeeze dim index {d} for tensor with {rank} dimensions.");
                squeeze[(int)(d < 0 ? d + rank : d)] = true;
            }
            Span<long> dims = rank <= 16 ? stackalloc long[rank] : new long[rank];
            int kept = 0;
            for (int i = 0; i < rank; i++)
            {
                long d = x.Dims[i];
                if (squeezeDims.Length == 0 ? d != 1 : !squeeze[i]) { dims[kept++] = d; continue; }
                if (d != 1) throw new InvalidArgumentException($"Can not squeeze dim[{i}], expected a dimension of 1, got {d}");
            }
            ctx.SetOutput(0, kept == rank ? x : x.Reshaped(dims[..kept]));
        }
    }
}
