using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Array;

/// <summary>Slice, StridedSlice and StridedSliceGrad (TF: core/ops/array_ops.cc, kernels/slice_op.cc, strided_slice_op.cc).</summary>
public static partial class ArrayOps
{
    public static readonly OpDef Slice = OpDef.Define("Slice")
        .Input("input: T")
        .Input("begin: Index")
        .Input("size: Index")
        .Output("output: T")
        .Attr("T: type")
        .Attr("Index: {int32, int64}")
        .Shape(SliceShape);

    public static readonly OpDef StridedSlice = OpDef.Define("StridedSlice")
        .Input("input: T")
        .Input("begin: Index")
        .Input("end: Index")
        .Input("strides: Index")
        .Output("output: T")
        .Attr("T: type")
        .Attr("Index: {int16, int32, int64}")
        .Attr("begin_mask: int = 0")
        .Attr("end_mask: int = 0")
        .Attr("ellipsis_mask: int = 0")
        .Attr("new_axis_mask: int = 0")
        .Attr("shrink_axis_mask: int = 0")
        .Shape(StridedSliceShape);

    public static readonly OpDef StridedSliceGrad = OpDef.Define("StridedSliceGrad")
        .Input("shape: Index")
        .Input("begin: Index")
        .Input("end: Index")
        .Input("strides: Index")
        .Input("dy: T")
        .Output("output: T")
        .Attr("T: type")
        .Attr("Index: {int32, int64}")
        .Attr("begin_mask: int = 0")
        .Attr("end_mask: int = 0")
        .Attr("ellipsis_mask: int = 0")
        .Attr("new_axis_mask: int = 0")
        .Attr("shrink_axis_mask: int = 0")
        .Shape(c => c.SetOutput(0, c.InputAsShape(0)));

    /// <summary>TF's SliceShapeFn: exact with constant begin and size; a size -1 is dim − begin; otherwise what the size vector tells.</summary>
    private static void SliceShape(InferenceContext c)
    {
        var input = c.Input(0);
        var beginShape = c.Input(1).WithRank(1);
        var sizeShape = c.Input(2).WithRank(1);
        long ndims = InferenceContext.MergeDim(beginShape[0], sizeShape[0]);
        if (ndims >= 0) input = input.WithRank((int)ndims);
        var beginValue = c.InputTensor(1);
        var begin = beginValue == null ? null : StridedSliceSpec.IndexValues(beginValue);
        var sizeValue = c.InputTensor(2);
        if (sizeValue != null)
        {
            var size = StridedSliceSpec.IndexValues(sizeValue);
            if (begin != null && begin.Length != size.Length)
                throw new InvalidArgumentException($"Shape must be rank {size.Length} but is rank {begin.Length}");
            input = input.WithRank(size.Length);
            var dims = new long[size.Length];
            for (int i = 0; i < size.Length; i++)
            {
                long dim = input[i];
                if (size[i] != -1)
                {
                    if (size[i] < 0)
                        throw new InvalidArgumentException(
                            $"Out of bounds slicing on dimension {i} of length {dim}: sizes vector cannot be < -1, but was {size[i]}");
                    dims[i] = size[i];
                }
                else if (dim < 0 || begin == null) dims[i] = -1;
                else if (dim < begin[i])
                    throw new InvalidArgumentException($"Negative dimension size caused by subtracting {begin[i]} from {dim}");
                else dims[i] = dim - begin[i];
            }
            c.SetOutput(0, new TensorShape(dims));
            return;
        }
        var partial = c.InputAsShape(2);
        if (partial.HasRank) c.SetOutput(0, partial);
        else c.SetOutput(0, input.HasRank ? TensorShape.UnknownOfRank(input.Rank) : TensorShape.Unknown);
    }

    /// <summary>TF's StridedSlice shape function: needs the input's rank, the spec's length and constant strides.</summary>
    private static void StridedSliceShape(InferenceContext c)
    {
        var input = c.Input(0);
        long n = InferenceContext.MergeDim(InferenceContext.MergeDim(c.Input(1).WithRank(1)[0], c.Input(2).WithRank(1)[0]), c.Input(3).WithRank(1)[0]);
        var stridesValue = c.InputTensor(3);
        if (!input.HasRank || n < 0 || stridesValue == null)
        {
            c.SetOutput(0, TensorShape.Unknown);
            return;
        }
        var begin = c.InputTensor(1) is { } b ? StridedSliceSpec.IndexValues(b) : null;
        var end = c.InputTensor(2) is { } e ? StridedSliceSpec.IndexValues(e) : null;
        var spec = StridedSliceSpec.Create(begin, end, StridedSliceSpec.IndexValues(stridesValue), input.Dims,
            c.Attr("begin_mask").I, c.Attr("end_mask").I, c.Attr("ellipsis_mask").I, c.Attr("new_axis_mask").I, c.Attr("shrink_axis_mask").I);
        c.SetOutput(0, new TensorShape(spec.FinalDims));
    }
}

internal static class SliceKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(ArrayOps.Slice, ArrayOps.StridedSlice, ArrayOps.StridedSliceGrad);
        var slice = new LambdaKernel(ComputeSlice);
        k.Add(ArrayOps.Slice, Window.Types, _ => slice);
        // One kernel per node: each keeps the window its begin/end/strides gave last time.
        k.Add(ArrayOps.StridedSlice, Window.Types, _ => new StridedSliceKernel(grad: false));
        k.Add(ArrayOps.StridedSliceGrad, Window.Types, _ => new StridedSliceKernel(grad: true));
    }

    /// <summary>Copies the window [begin, begin + size) of x into a new tensor (or forwards x when it is all of it).</summary>
    private static void ComputeSlice(OpKernelContext ctx)
    {
        var x = ctx.Input(0);
        HostTensor beginT = ctx.Input(1), sizeT = ctx.Input(2);
        int rank = x.Rank;
        if (beginT.Rank != 1 || sizeT.Rank != 1 || beginT.NumElements != rank || sizeT.NumElements != rank)
            throw new InvalidArgumentException(
                $"Expected begin and size arguments to be 1-D tensors of size {rank}, but got shapes {beginT.Shape} and {sizeT.Shape} instead.");
        var begin = beginT.ToInt64Array();
        var size = sizeT.ToInt64Array();
        bool whole = true;
        for (int i = 0; i < rank; i++)
        {
            long dim = x.Dims[i], b = begin[i], s = size[i] == -1 ? dim - b : size[i];
            if (dim == 0)
            {
                if (b != 0 || s != 0)
                    throw new InvalidArgumentException(
                        $"Expected begin[{i}] == 0 (got {b}) and size[{i}] == 0 (got {s}) when input.dim_size({i}) == 0");
            }
            else
            {
                if (b < 0 || b > dim) throw new InvalidArgumentException($"Expected begin[{i}] in [0, {dim}], but got {b}");
                if (s < 0 || b + s > dim) throw new InvalidArgumentException($"Expected size[{i}] in [0, {dim - b}], but got {s}");
            }
            size[i] = s;
            whole &= b == 0 && s == dim;
        }
        if (whole)
        {
            ctx.SetOutput(0, x);
            return;
        }
        var y = ctx.AllocateOutput(0, size);
        if (y.NumElements == 0) return;
        var strides = Strided.RowMajorStrides(x.Dims);
        long offset = 0;
        for (int i = 0; i < rank; i++) offset += begin[i] * strides[i];
        Window.Copy(x, offset, strides, y, 0, Strided.RowMajorStrides(size), size);
    }
}

/// <summary>Window copies between host tensors of any element type the slicing kernels take, strings included.</summary>
internal static class Window
{
    /// <summary>The fixed-size dtypes and DT_STRING (TF registers these ops for all types).</summary>
    public static readonly DType[] Types = [.. KernelTypes.FixedSize, DType.String];

    public static void Copy(HostTensor src, long srcOffset, ReadOnlySpan<long> srcStrides, HostTensor dst, long dstOffset,
        ReadOnlySpan<long> dstStrides, ReadOnlySpan<long> dims)
    {
        if (src.Strings != null) StridedWindow.Copy<byte[]>(src.Strings, srcOffset, srcStrides, dst.Strings!, dstOffset, dstStrides, dims);
        else StridedWindow.CopyBytes(src.DType.Size(), src.Buffer!.Bytes, srcOffset, srcStrides, dst.Buffer!.Bytes, dstOffset, dstStrides, dims);
    }
}
