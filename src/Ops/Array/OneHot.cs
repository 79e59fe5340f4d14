using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Array;

/// <summary>OneHot (TF: core/ops/array_ops.cc, kernels/one_hot_op.cc).</summary>
public static partial class ArrayOps
{
    public static readonly OpDef OneHot = OpDef.Define("OneHot")
        .Input("indices: TI")
        .Input("depth: int32")
        .Input("on_value: T")
        .Input("off_value: T")
        .Output("output: T")
        .Attr("axis: int = -1")
        .Attr("T: type")
        .Attr("TI: {uint8, int8, int32, int64} = DT_INT64")
        .Shape(OneHotShape);

    /// <summary>indices' shape with depth inserted at axis (-1: last); a constant depth must be non-negative.</summary>
    private static void OneHotShape(InferenceContext c)
    {
        long axis = c.Attr("axis").I;
        if (axis < -1) throw new InvalidArgumentException("axis must be >= -1");
        c.WithRank(1, 0);
        long depth = -1;
        if (c.InputTensor(1) is { } d)
        {
            depth = d.ToInt64Array()[0];
            if (depth < 0) throw new InvalidArgumentException($"Dimension size, given by scalar input 1, must be non-negative but is {depth}");
        }
        var indices = c.Input(0);
        if (!indices.HasRank)
        {
            c.SetOutput(0, TensorShape.Unknown);
            return;
        }
        int newRank = indices.Rank + 1;
        int at = (int)((axis + newRank) % newRank);
        if (at > indices.Rank) throw new InvalidArgumentException($"Expected axis to be -1 or between [0, {newRank}).  But received: {axis}");
        var dims = indices.ToArray().ToList();
        dims.Insert(at, depth);
        c.SetOutput(0, new TensorShape(dims.ToArray()));
    }
}

internal static class OneHotKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(ArrayOps.OneHot);
        foreach (var t in KernelTypes.FixedSize)
            foreach (var ti in new[] { DType.UInt8, DType.Int8, DType.Int32, DType.Int64 })
                k.Add(ArrayOps.OneHot.Name, c => new OneHotKernel(c.Attr("axis").I), ("T", t), ("TI", ti));
    }

    /// <summary>
    /// Output seen as [prefix, depth, suffix]: element (p, d, s) is on_value when indices[p, s] == d.
    /// Indices outside [0, depth) match no d, so their rows are all off_value, as in TF.
    /// </summary>
    private sealed class OneHotKernel(long axis) : IOpKernel
    {
        public void Compute(OpKernelContext ctx)
        {
            var indicesTensor = ctx.Input(0);
            var (depthTensor, on, off) = (ctx.Input(1), ctx.Input(2), ctx.Input(3));
            if (depthTensor.Rank != 0) throw new InvalidArgumentException($"depth must be a scalar, but got: {depthTensor.Shape}");
            if (on.Rank != 0) throw new InvalidArgumentException($"on_value must be a scalar, but got: {on.Shape}");
            if (off.Rank != 0) throw new InvalidArgumentException($"off_value must be a scalar, but got: {off.Shape}");
            int outRank = indicesTensor.Rank + 1;
            if (axis != -1 && (axis < 0 || axis >= outRank))
                throw new InvalidArgumentException($"Expected axis to be -1 or between [0, {outRank}).  But received: {axis}");
            long depth = depthTensor.ScalarValue<int>();
            if (depth < 0) throw new InvalidArgumentException($"depth must be non-negative, got: {depth}");
            int at = axis == -1 ? indicesTensor.Rank : (int)axis;
            var inDims = indicesTensor.Dims.ToArray();
            var outDims = inDims.ToList();
            outDims.Insert(at, depth);
            var y = ctx.AllocateOutput(0, outDims.ToArray());
            if (y.NumElements == 0) return;
            long prefix = 1, suffix = 1;
            for (int i = 0; i < at; i++) prefix *= inDims[i];
            for (int i = at; i < inDims.Length; i++) suffix *= inDims[i];
            var indices = IndexValues.Read(indicesTensor);
            int size = y.DType.Size();
            var onBytes = on.Buffer!.Bytes;
            var offBytes = off.Buffer!.Bytes;
            var dst = y.Buffer!.Bytes;
            // off_value everywhere by doubling copies (memcpy speed for any element size), then the on_values.
            offBytes.CopyTo(dst);
            for (int filled = size; filled < dst.Length; filled *= 2)
                dst[..System.Math.Min(filled, dst.Length - filled)].CopyTo(dst[filled..]);
            for (long p = 0; p < prefix; p++)
                for (long s = 0; s < suffix; s++)
                {
                    long d = indices[p * suffix + s];
                    if ((ulong)d < (ulong)depth) onBytes.CopyTo(dst.Slice(checked((int)(((p * depth + d) * suffix + s) * size)), size));
                }
        }
    }
}
