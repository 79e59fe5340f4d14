using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Array;

/// <summary>Split and SplitV (TF: core/ops/array_ops.cc, kernels/split_op.cc, split_v_op.cc).</summary>
public static partial class ArrayOps
{
    public static readonly OpDef Split = OpDef.Define("Split")
        .Input("split_dim: int32")
        .Input("value: T")
        .Output("output: num_split * T")
        .Attr("num_split: int >= 1")
        .Attr("T: type")
        .Shape(SplitShape);

    public static readonly OpDef SplitV = OpDef.Define("SplitV")
        .Input("value: T")
        .Input("size_splits: Tlen")
        .Input("split_dim: int32")
        .Output("output: num_split * T")
        .Attr("num_split: int >= 1")
        .Attr("T: type")
        .Attr("Tlen: {int8, int32, int64} = DT_INT64")
        .Shape(SplitVShape);

    /// <summary>TF's MakeDimForScalarInputWithNegativeIndexing: the axis from a constant scalar, or -1 when unknown.</summary>
    private static long SplitAxis(InferenceContext c, int input, int rank)
    {
        c.Input(input).WithRank(0);
        if (c.InputTensor(input) is not { } t) return -1;
        long v = t.ToInt64Array()[0];
        if (v < 0 && rank < 0) return -1;
        long axis = v < 0 ? v + rank : v;
        if (axis < 0 || (rank >= 0 && axis >= rank))
            throw new InvalidArgumentException($"Dimension size, given by scalar input {v} must be in range [-{rank}, {rank})");
        return axis;
    }

    private static TensorShape ReplaceDim(TensorShape s, long axis, long dim)
    {
        var dims = s.ToArray();
        dims[axis] = dim;
        return new TensorShape(dims);
    }

    private static void SplitShape(InferenceContext c)
    {
        var input = c.Input(1);
        long axis = SplitAxis(c, 0, input.Rank);
        int n = c.NumOutputs;
        TensorShape output;
        if (axis < 0) output = input.HasRank ? TensorShape.UnknownOfRank(input.Rank) : TensorShape.Unknown;
        else
        {
            input = input.HasRank ? input : TensorShape.UnknownOfRank((int)axis + 1);
            if (input.Rank < axis + 1) throw new InvalidArgumentException($"Shape must be at least rank {axis + 1} but is rank {input.Rank}");
            long d = input[(int)axis];
            if (d >= 0 && d % n != 0)
                throw new InvalidArgumentException(
                    $"Number of ways to split should evenly divide the split dimension: Dimension size must be evenly divisible by {n} but is {d}");
            output = c.Input(1).HasRank ? ReplaceDim(input, axis, d < 0 ? -1 : d / n) : TensorShape.Unknown;
        }
        for (int i = 0; i < n; i++) c.SetOutput(i, output);
    }

    private static void SplitVShape(InferenceContext c)
    {
        var input = c.Input(0);
        int n = c.NumOutputs;
        long axis = SplitAxis(c, 2, input.Rank);
        var sizesValue = c.InputTensor(1);
        if (!input.HasRank)
        {
            for (int i = 0; i < n; i++) c.SetOutput(i, TensorShape.Unknown);
            return;
        }
        if (input.Rank == 0) throw new InvalidArgumentException("Can't split scalars");
        if (axis < 0 || sizesValue == null)
        {
            var each = axis < 0 ? TensorShape.UnknownOfRank(input.Rank) : ReplaceDim(input, axis, -1);
            for (int i = 0; i < n; i++) c.SetOutput(i, each);
            return;
        }
        var sizes = StridedSliceSpec.IndexValues(sizesValue);
        if (sizes.Length != n)
            throw new InvalidArgumentException($"Length of size_splits should be equal to num_outputs, but got {sizes.Length} and {n}");
        long dim = input[(int)axis], known = 0;
        int inferred = -1;
        for (int i = 0; i < n; i++)
        {
            if (sizes[i] == -1)
            {
                if (inferred >= 0) throw new InvalidArgumentException($"Only one dimensions can have a value of -1. Second one found at dimension {i}");
                inferred = i;
                continue;
            }
            if (sizes[i] < 0) throw new InvalidArgumentException($"Split size at index {i} must be >= 0. Got: {sizes[i]}");
            known += sizes[i];
            c.SetOutput(i, ReplaceDim(input, axis, sizes[i]));
        }
        if (dim >= 0 && ((inferred < 0 && known != dim) || known > dim))
            throw new InvalidArgumentException(
                "Determined shape must either match input shape along split_dim exactly if fully specified, or be less than the size of the input along split_dim if not fully specified.  Got: " + known);
        if (inferred >= 0) c.SetOutput(inferred, ReplaceDim(input, axis, dim < 0 ? -1 : dim - known));
    }
}

internal static class SplitKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(ArrayOps.Split, ArrayOps.SplitV);
        var split = new LambdaKernel(ComputeSplit);
        var splitV = new LambdaKernel(ComputeSplitV);
        k.Add(ArrayOps.Split, Window.Types, _ => split);
        k.Add(ArrayOps.SplitV, Window.Types, _ => splitV);
    }

    private static long Axis(HostTensor axisTensor, HostTensor x)
    {
        if (axisTensor.NumElements != 1)
            throw new InvalidArgumentException($"split_dim_tensor must have exactly one element, got shape {axisTensor.Shape}");
        long orig = axisTensor.ToInt64Array()[0], axis = orig < 0 ? orig + x.Rank : orig;
        if (axis < 0 || axis >= x.Rank)
            throw new InvalidArgumentException($"-input rank(-{x.Rank}) <= split_dim < input rank ({x.Rank}), but got {orig}");
        return axis;
    }

    private static void ComputeSplit(OpKernelContext ctx)
    {
        var x = ctx.Input(1);
        long axis = Axis(ctx.Input(0), x);
        int n = ctx.NumOutputs;
        long dim = x.Dims[(int)axis];
        if (dim % n != 0)
            throw new InvalidArgumentException(
                $"Number of ways to split should evenly divide the split dimension, but got split_dim {axis} (size = {dim}) and num_split {n}");
        var sizes = new long[n];
        System.Array.Fill(sizes, dim / n);
        Emit(ctx, x, axis, sizes);
    }

    private static void ComputeSplitV(OpKernelContext ctx)
    {
        var x = ctx.Input(0);
        long axis = Axis(ctx.Input(2), x);
        int n = ctx.NumOutputs;
        var sizesT = ctx.Input(1);
        if (sizesT.Rank != 1 || sizesT.NumElements != n)
            throw new InvalidArgumentException(
                $"size of the split_tensor must be 1-D and have the same elements as outputs got {sizesT.Rank} -D and {sizesT.NumElements} elements");
        var sizes = StridedSliceSpec.IndexValues(sizesT);
        long dim = x.Dims[(int)axis], known = 0;
        int inferred = -1;
        for (int i = 0; i < n; i++)
        {
            if (sizes[i] == -1)
            {
                if (inferred >= 0) throw new InvalidArgumentException("There can only be one -1 in the input.");
                inferred = i;
            }
            else known += sizes[i];
        }
        if (!((inferred < 0 && known == dim) || (inferred >= 0 && known <= dim)))
            throw new InvalidArgumentException(
                "Determined shape must either match input shape along split_dim exactly if fully specified, or be less than the size of the input along split_dim if not fully specified.  Got: " + known);
        if (inferred >= 0) sizes[inferred] = dim - known;
        for (int i = 0; i < n; i++)
            if (sizes[i] < 0) throw new InvalidArgumentException($"Split size at index {i} must be >= 0. Got: {sizes[i]}");
        Emit(ctx, x, axis, sizes);
    }

    /// <summary>Output i is the window of x at offset Σ sizes[..i] along the axis; one taking all of x is x itself.</summary>
    private static void Emit(OpKernelContext ctx, HostTensor x, long axis, long[] sizes)
    {
        var strides = Strided.RowMajorStrides(x.Dims);
        long start = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            if (sizes[i] == x.Dims[(int)axis])
            {
                ctx.SetOutput(i, x);
                start += sizes[i];
                continue;
            }
            var dims = x.Dims.ToArray();
            dims[axis] = sizes[i];
            var y = ctx.AllocateOutput(i, dims);
            if (y.NumElements > 0)
                Window.Copy(x, start * strides[axis], strides, y, 0, Strided.RowMajorStrides(dims), dims);
            start += sizes[i];
        }
    }
}
