using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;

namespace GraphEngine.Ops.Array;

/// <summary>
/// StridedSlice (x → the window) and StridedSliceGrad (dy → zeros of the input shape with dy written into
/// the window). The canonical spec, the window's offset and strides depend only on begin/end/strides, the
/// input dims and the node's masks, which a training step repeats: the kernel (one per node) keeps the
/// last ones as an immutable object and rebuilds them only when a value changes, so a steady-state step
/// allocates nothing here. Concurrent runs sharing the kernel at worst rebuild it twice.
/// </summary>
internal sealed class StridedSliceKernel(bool grad) : IOpKernel
{
    private Prepared? _last;

    public void Compute(OpKernelContext ctx)
    {
        if (grad) ComputeGrad(ctx);
        else ComputeSlice(ctx);
    }

    private void ComputeSlice(OpKernelContext ctx)
    {
        var x = ctx.Input(0);
        var p = PrepareFor(ctx, x.Dims);
        var spec = p.Spec;
        if (spec.IsIdentity)
        {
            ctx.SetOutput(0, x.Dims.SequenceEqual(spec.FinalDims) ? x : x.Reshaped(spec.FinalDims));
            return;
        }
        var y = ctx.AllocateOutput(0, spec.FinalDims);
        if (y.NumElements == 0) return;
        Window.Copy(x, p.Offset, p.WindowStrides, y, 0, p.ProcessingStrides, spec.ProcessingDims);
    }

    private void ComputeGrad(OpKernelContext ctx)
    {
        var shapeT = ctx.Input(0);
        if (shapeT.Rank != 1) throw new InvalidArgumentException($"shape must be 1-D, got shape {shapeT.Shape}");
        int rank = checked((int)shapeT.NumElements);
        Span<long> inputDims = rank <= 16 ? stackalloc long[rank] : new long[rank];
        shapeT.CopyInt64To(inputDims);
        foreach (var d in inputDims)
            if (d < 0) throw new InvalidArgumentException($"shape must not have negative dimensions, got [{string.Join(",", inputDims.ToArray())}]");
        var dy = ctx.Input(4);
        var p = PrepareFor(ctx, inputDims);
        var spec = p.Spec;
        if (!dy.Dims.SequenceEqual(spec.FinalDims))
            throw new InvalidArgumentException($"shape of dy was {dy.Shape} instead of {new TensorShape(spec.FinalDims)}");
        var y = ctx.AllocateOutput(0, inputDims);
        if (y.NumElements == 0) return;
        y.Buffer?.Bytes.Clear();   // string tensors are allocated holding empty strings
        if (dy.NumElements == 0) return;
        Window.Copy(dy, 0, p.ProcessingStrides, y, p.Offset, p.WindowStrides, spec.ProcessingDims);
    }

    /// <summary>The spec and window for this step's begin/end/strides (inputs 1–3) over <paramref name="inputDims"/>.</summary>
    private Prepared PrepareFor(OpKernelContext ctx, ReadOnlySpan<long> inputDims)
    {
        HostTensor b = ctx.Input(1), e = ctx.Input(2), s = ctx.Input(3);
        if (b.Rank != 1 || e.Rank != 1 || s.Rank != 1 || b.NumElements != s.NumElements || e.NumElements != s.NumElements)
            throw new InvalidArgumentException(
                $"Expected begin, end, and strides to be 1D equal size tensors, but got shapes {b.Shape}, {e.Shape}, and {s.Shape} instead.");
        if (_last is { } last && last.Matches(b, e, s, inputDims)) return last;
        var n = ctx.Node;
        long[] begin = StridedSliceSpec.IndexValues(b), end = StridedSliceSpec.IndexValues(e), strides = StridedSliceSpec.IndexValues(s);
        var spec = StridedSliceSpec.Create(begin, end, strides, inputDims,
            n.GetAttr("begin_mask").I, n.GetAttr("end_mask").I, n.GetAttr("ellipsis_mask").I, n.GetAttr("new_axis_mask").I, n.GetAttr("shrink_axis_mask").I);
        var made = new Prepared(begin, end, strides, inputDims.ToArray(), spec);
        _last = made;
        return made;
    }

    private sealed class Prepared
    {
        private readonly long[] _begin, _end, _strides, _inputDims;

        public Prepared(long[] begin, long[] end, long[] strides, long[] inputDims, StridedSliceSpec spec)
        {
            (_begin, _end, _strides, _inputDims, Spec) = (begin, end, strides, inputDims, spec);
            // The window of the input the spec selects: offset of its first element and a (signed) stride per input dim.
            var rm = Strided.RowMajorStrides(inputDims);
            WindowStrides = new long[rm.Length];
            for (int i = 0; i < rm.Length; i++)
            {
                Offset += spec.Begin[i] * rm[i];
                WindowStrides[i] = spec.Strides[i] * rm[i];
            }
            ProcessingStrides = Strided.RowMajorStrides(spec.ProcessingDims);
        }

        public StridedSliceSpec Spec { get; }
        public long Offset { get; }
        public long[] WindowStrides { get; }
        public long[] ProcessingStrides { get; }

        public bool Matches(HostTensor b, HostTensor e, HostTensor s, ReadOnlySpan<long> inputDims) =>
            inputDims.SequenceEqual(_inputDims) && Same(b, _begin) && Same(e, _end) && Same(s, _strides);

        // int32 and int64 index tensors are compared in place; the rare int8/int16 ones are simply rebuilt.
        private static bool Same(HostTensor t, long[] values)
        {
            if (t.NumElements != values.Length) return false;
            switch (t.DType)
            {
                case DType.Int64:
                    return t.AsReadOnlySpan<long>().SequenceEqual(values);
                case DType.Int32:
                    var ints = t.AsReadOnlySpan<int>();
                    for (int i = 0; i < ints.Length; i++)
                        if (ints[i] != values[i]) return false;
                    return true;
                default:
                    return false;
            }
        }
    }
}
