using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Array;

/// <summary>Transpose and ConcatV2 (TF: core/ops/array_ops.cc, kernels/transpose_op.cc, concat_op.cc).</summary>
public static partial class ArrayOps
{
    public static readonly OpDef Transpose = OpDef.Define("Transpose")
        .Input("x: T")
        .Input("perm: Tperm")
        .Output("y: T")
        .Attr("T: type")
        .Attr("Tperm: {int32, int64} = DT_INT32")
        .Shape(TransposeShape);

    public static readonly OpDef ConcatV2 = OpDef.Define("ConcatV2")
        .Input("values: N * T")
        .Input("axis: Tidx")
        .Output("output: T")
        .Attr("N: int >= 2")
        .Attr("T: type")
        .Attr("Tidx: {int32, int64} = DT_INT32")
        .Shape(ConcatV2Shape);

    private static void TransposeShape(InferenceContext c)
    {
        var input = c.Input(0);
        var permShape = c.Input(1);
        var perm = c.InputTensor(1);
        long permElems = permShape.NumElements;
        if (!input.HasRank && permElems < 0 && perm == null)
        {
            c.SetOutput(0, TensorShape.Unknown);
            return;
        }
        long rank = input.HasRank ? input.Rank : permElems >= 0 ? permElems : perm!.NumElements;
        if (!input.HasRank && rank < 2)
        {
            // One perm entry is ambiguous: a scalar or a vector, both returned unchanged.
            c.SetOutput(0, input);
            return;
        }
        input = input.WithRank((int)rank);
        permShape = permShape.WithRank(1);
        if (permShape[0] >= 0 && permShape[0] != rank)
            throw new InvalidArgumentException($"Dimension must be {rank} but is {permShape[0]}");
        var dims = new long[rank];
        if (perm == null)
        {
            System.Array.Fill(dims, -1L);
            c.SetOutput(0, new TensorShape(dims));
            return;
        }
        var p = perm.ToInt64Array();
        for (int i = 0; i < rank; i++)
        {
            if (p[i] >= rank || p[i] < -rank)
                throw new InvalidArgumentException($"perm dim {p[i]} is out of range of input rank {rank}");
            dims[i] = input[(int)p[i]];
        }
        c.SetOutput(0, new TensorShape(dims));
    }

    private static TensorShape WithRankAtLeast(TensorShape s, long min) =>
        !s.HasRank || s.Rank >= min ? s : throw new InvalidArgumentException($"Shape must be at least rank {min} but is rank {s.Rank}");

    /// <summary>TF's ConcatShapeHelper: before/after parts merge across inputs, the axis dims add up.</summary>
    private static void ConcatV2Shape(InferenceContext c)
    {
        int n = c.NumInputs - 1;
        c.Input(n).WithRank(0);
        var axisTensor = c.InputTensor(n);
        if (axisTensor == null)
        {
            int rank = -1;
            for (int i = 0; i < n && rank < 0; i++) rank = c.Input(i).Rank;
            if (rank < 0)
            {
                c.SetOutput(0, TensorShape.Unknown);
                return;
            }
            if (rank == 0) throw new InvalidArgumentException("Can't concatenate scalars (use tf.stack instead)");
            for (int i = 0; i < n; i++) c.Input(i).WithRank(rank);
            c.SetOutput(0, TensorShape.UnknownOfRank(rank));
            return;
        }
        long axis = axisTensor.ToInt64Array()[0];
        long minRank = axis < 0 ? -axis : axis + 1;
        (TensorShape Before, long Middle, TensorShape After) Split(TensorShape s)
        {
            s = WithRankAtLeast(s, minRank);
            if (!s.HasRank) return (TensorShape.Unknown, -1, TensorShape.Unknown);
            int a = (int)(axis < 0 ? axis + s.Rank : axis);
            return (s.SubShape(0, a), s[a], s.SubShape(a + 1));
        }
        var (before, middle, after) = Split(c.Input(n - 1));
        for (int i = n - 2; i >= 0; i--)
        {
            var (b, m, a) = Split(c.Input(i));
            before = b.MergeWith(before);
            middle = middle < 0 || m < 0 ? -1 : middle + m;
            after = a.MergeWith(after);
        }
        c.SetOutput(0, before.Concatenate(new TensorShape(middle)).Concatenate(after));
    }
}

internal static class TransposeKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(ArrayOps.Transpose, ArrayOps.ConcatV2);
        var transpose = new LambdaKernel(ComputeTranspose);
        var concat = new LambdaKernel(ComputeConcatV2);
        k.Add(ArrayOps.Transpose, KernelTypes.FixedSize, _ => transpose);
        k.Add(ArrayOps.ConcatV2, KernelTypes.FixedSize, _ => concat);
        // Strings too: report_uninitialized_variables concatenates variable names.
        k.Add(ArrayOps.ConcatV2, DType.String, _ => concat);
    }

    /// <summary>y[i0..] = x[permuted index]: a strided copy reading x with its strides permuted.</summary>
    private static void ComputeTranspose(OpKernelContext ctx)
    {
        var x = ctx.Input(0);
        var permTensor = ctx.Input(1);
        if (permTensor.Rank != 1) throw new InvalidArgumentException($"perm must be rank 1, got shape {permTensor.Shape}");
        int rank = x.Rank;
        if (permTensor.NumElements != rank)
            throw new InvalidArgumentException($"transpose expects a vector of size {rank}. But input(1) is a vector of size {permTensor.NumElements}");
        // perm, the output dims and strides are a few longs each: on the stack.
        Span<long> perm = rank <= 16 ? stackalloc long[rank] : new long[rank];
        permTensor.CopyInt64To(perm);
        Span<bool> seen = rank <= 64 ? stackalloc bool[rank] : new bool[rank];
        foreach (var d in perm)
        {
            if (d < 0 || d >= rank) throw new InvalidArgumentException($"{d} is out of range [0 .. {rank})");
            seen[(int)d] = true;
        }
        for (int i = 0; i < rank; i++)
            if (!seen[i]) throw new InvalidArgumentException($"{i} is missing from {{{string.Join(",", perm.ToArray())}}}.");
        bool identity = true;
        for (int i = 0; i < rank; i++) identity &= perm[i] == i;
        if (identity)
        {
            ctx.SetOutput(0, x);
            return;
        }
        Span<long> inStrides = rank <= 16 ? stackalloc long[rank] : new long[rank];
        Span<long> outDims = rank <= 16 ? stackalloc long[rank] : new long[rank];
        Span<long> strides = rank <= 16 ? stackalloc long[rank] : new long[rank];
        Strided.RowMajorStrides(x.Dims, inStrides);
        for (int i = 0; i < rank; i++)
        {
            outDims[i] = x.Dims[(int)perm[i]];
            strides[i] = inStrides[(int)perm[i]];
        }
        var y = ctx.AllocateOutput(0, outDims);
        if (y.NumElements == 0) return;
        Strided.CopyBytes(x.Buffer!.Bytes, x.DType.Size(), outDims, strides, y.Buffer!.Bytes);
    }

    private static void ComputeConcatV2(OpKernelContext ctx)
    {
        int n = ctx.NumInputs - 1;
        var axisTensor = ctx.Input(n);
        if (axisTensor.Rank != 0)
            throw new InvalidArgumentException($"Concat dim tensor should be a scalar integer, but got shape {axisTensor.Shape}");
        Span<long> axisValue = stackalloc long[1];
        axisTensor.CopyInt64To(axisValue);
        long concatDim = axisValue[0];
        // The inputs are read from the context as needed (no array of them): this runs every step.
        var first = ctx.Input(0);
        int rank = first.Rank;
        long axis = concatDim < 0 ? concatDim + rank : concatDim;
        if (axis < 0 || axis >= rank)
        {
            if (rank == 0) throw new InvalidArgumentException("ConcatOp : Can't concatenate scalars (use tf.stack instead)");
            throw new InvalidArgumentException($"ConcatOp : Expected concatenating dimensions in the range [{-rank}, {rank}), but got {concatDim}");
        }
        Span<long> outDims = rank <= 16 ? stackalloc long[rank] : new long[rank];
        first.Dims.CopyTo(outDims);
        outDims[(int)axis] = 0;
        for (int i = 0; i < n; i++)
        {
            var t = ctx.Input(i);
            if (t.Rank != rank)
                throw new InvalidArgumentException($"ConcatOp : Ranks of all input tensors should match: shape[0] = {first.Shape} vs. shape[{i}] = {t.Shape}");
            for (int d = 0; d < rank; d++)
                if (d != axis && t.Dims[d] != first.Dims[d])
                    throw new InvalidArgumentException($"ConcatOp : Dimension {d} in both shapes must be equal: shape[0] = {first.Shape} vs. shape[{i}] = {t.Shape}");
            outDims[(int)axis] += t.Dims[(int)axis];
        }
        var y = ctx.AllocateOutput(0, outDims);
        if (y.NumElements == 0) return;
        long outer = 1;
        for (int d = 0; d < axis; d++) outer *= outDims[d];
        if (y.Strings != null)
        {
            long at = 0;
            for (long o = 0; o < outer; o++)
                for (int i = 0; i < n; i++)
                {
                    var t = ctx.Input(i);
                    long block = t.NumElements / outer;
                    System.Array.Copy(t.Strings!, o * block, y.Strings, at, block);
                    at += block;
                }
            return;
        }
        // Row o of the output is row o of every input in turn.
        var dst = y.Buffer!.Bytes;
        int size = first.DType.Size();
        long pos = 0;
        for (long o = 0; o < outer; o++)
            for (int i = 0; i < n; i++)
            {
                var t = ctx.Input(i);
                long b = t.NumElements / outer * size;
                if (b == 0) continue;
                t.Buffer!.Bytes.Slice(checked((int)(o * b)), (int)b).CopyTo(dst.Slice(checked((int)pos), (int)b));
                pos += b;
            }
    }
}
