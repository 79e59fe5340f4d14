using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Array;

/// <summary>BroadcastTo (TF: core/ops/array_ops.cc, kernels/broadcast_to_op.cc).</summary>
public static partial class ArrayOps
{
    public static readonly OpDef BroadcastTo = OpDef.Define("BroadcastTo")
        .Input("input: T")
        .Input("shape: Tidx")
        .Output("output: T")
        .Attr("T: type")
        .Attr("Tidx: {int32, int64} = DT_INT32")
        .Shape(BroadcastToShape);

    /// <summary>The target shape (partially known from the shape input), checked against the input where both are known.</summary>
    private static void BroadcastToShape(InferenceContext c)
    {
        c.Input(1).WithRank(1);
        var input = c.Input(0);
        var target = c.InputAsShape(1);
        if (!target.HasRank)
        {
            c.SetOutput(0, TensorShape.Unknown);
            return;
        }
        if (!input.HasRank)
        {
            c.SetOutput(0, target);
            return;
        }
        if (input.Rank > target.Rank)
            throw new InvalidArgumentException($"Shape passed in to BroadcastTo {target} must have rank at least the rank of the input {input}");
        var dims = target.ToArray();
        int off = target.Rank - input.Rank;
        for (int i = 0; i < input.Rank; i++)
        {
            long d = input[i], t = dims[i + off];
            if (d < 0 || d == 1 || t < 0) continue;
            if (d != t)
                throw new InvalidArgumentException($"Dimensions must be equal, but are {t} and {d} for BroadcastTo with input shape {input} and target shape {target}");
        }
        c.SetOutput(0, new TensorShape(dims));
    }
}

internal static class BroadcastToKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(ArrayOps.BroadcastTo);
        var kernel = new LambdaKernel(Compute);
        k.Add(ArrayOps.BroadcastTo, KernelTypes.FixedSize, _ => kernel);
    }

    private static void Compute(OpKernelContext ctx)
    {
        var x = ctx.Input(0);
        var shapeTensor = ctx.Input(1);
        if (shapeTensor.Rank != 1) throw new InvalidArgumentException($"Shape must be rank 1 but is rank {shapeTensor.Rank}");
        var dims = shapeTensor.ToInt64Array();
        foreach (var d in dims)
            if (d < 0) throw new InvalidArgumentException($"Dimension {d} must be >= 0");
        bool ok = x.Rank <= dims.Length;
        for (int i = 0; ok && i < x.Rank; i++)
        {
            long d = x.Dims[i], t = dims[i + dims.Length - x.Rank];
            ok = d == t || d == 1;
        }
        if (!ok) throw new InvalidArgumentException($"Unable to broadcast tensor of shape {x.Shape} to tensor of shape {new TensorShape(dims)}");
        if (x.Dims.SequenceEqual(dims))
        {
            ctx.SetOutput(0, x);
            return;
        }
        var y = ctx.AllocateOutput(0, dims);
        if (y.NumElements == 0) return;
        Strided.CopyBytes(x.Buffer!.Bytes, x.DType.Size(), dims, Strided.BroadcastStrides(x.Dims, dims), y.Buffer!.Bytes);
    }
}
