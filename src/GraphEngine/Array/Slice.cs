using System.Runtime.CompilerServices;
using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>
    /// The window [begin, begin + size) of <paramref name="input_"/> (Slice); a size of -1 takes the
    /// rest of that dim. begin/size are int[]/long[] or int tensors.
    /// </summary>
    public static Tensor slice(Tensor input_, object begin, object size, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        using var scope = name_scope(name ?? "Slice");
        var b = IndexVector(begin, "begin");
        var s = IndexVector(size, "size");
        return new OpBuilder(ArrayOps.Slice, scope.Name).Input(input_).Input(b).Input(s).Build().outputs[0];
    }

    /// <summary>
    /// NumPy-style strided slice (StridedSlice) with TF's masks: bit i of begin_mask/end_mask ignores
    /// begin[i]/end[i] (take from the start/to the end in the stride's direction), ellipsis_mask marks
    /// entry i as `...`, new_axis_mask inserts a size-1 axis, shrink_axis_mask takes one element and
    /// drops the axis. Without strides, every stride is 1. The Tensor indexer (<c>x[1..3, tf.newaxis]</c>)
    /// builds these masks for you.
    /// </summary>
    public static Tensor strided_slice(Tensor input_, object begin, object end, object? strides = null, int begin_mask = 0, int end_mask = 0,
        int ellipsis_mask = 0, int new_axis_mask = 0, int shrink_axis_mask = 0, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        using var scope = name_scope(name ?? "StridedSlice");
        var b = IndexVector(begin, "begin");
        var e = IndexVector(end, "end");
        Tensor s;
        if (strides != null) s = IndexVector(strides, "strides");
        // TF writes ones_like(begin); for a constant begin a constant of ones keeps the output shape inferable.
        else if (OpBuilder.ConstantValue(b) is { } bv) s = ConstantOf(Ones(bv.DType, bv.NumElements), "strides");
        else s = ones_like(b);
        return StridedSliceOp(input_, b, e, s, begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask, scope.Name);
    }

    internal static Tensor StridedSliceOp(Tensor x, Tensor begin, Tensor end, Tensor strides, long beginMask, long endMask, long ellipsisMask,
        long newAxisMask, long shrinkAxisMask, string? name) =>
        new OpBuilder(ArrayOps.StridedSlice, name).Input(x).Input(begin).Input(end).Input(strides)
            .Attr("begin_mask", beginMask).Attr("end_mask", endMask).Attr("ellipsis_mask", ellipsisMask)
            .Attr("new_axis_mask", newAxisMask).Attr("shrink_axis_mask", shrinkAxisMask).Build().outputs[0];

    private static HostTensor Ones(DType dtype, long n) => dtype switch
    {
        DType.Int64 => HostTensor.FromArray(Enumerable.Repeat(1L, (int)n).ToArray(), n),
        DType.Int16 => HostTensor.FromArray(Enumerable.Repeat((short)1, (int)n).ToArray(), n),
        _ => HostTensor.FromArray(Enumerable.Repeat(1, (int)n).ToArray(), n),
    };

    /// <summary>An index vector input: a tensor as is, int[] as int32, long[] as int64, one int as a 1-vector.</summary>
    internal static Tensor IndexVector(object value, string name) => value switch
    {
        Tensor t => t,
        Variable v => v.value(),
        int[] a => constant(a, name: name),
        long[] a => constant(a, name: name),
        int i => constant(new[] { i }, name: name),
        long l => constant(new[] { l }, name: name),
        _ => constant(value, name: name),
    };
}

/// <summary>TF _SliceGrad (a Pad of the gradient), _StridedSliceGrad and _StridedSliceGradGrad (python/ops/array_grad.py).</summary>
internal static class SliceGradients
{
    public static void Register(GradientRegistry g)
    {
        g.Add(ArrayOps.Slice, SliceGrad);
        g.Add(ArrayOps.StridedSlice, static (op, grads) =>
        {
            var (x, begin) = (op.inputs[0], op.inputs[1]);
            var itype = begin.dtype.BaseType();
            if (itype is not (DType.Int32 or DType.Int64))
                throw new UnimplementedException($"Gradient of StridedSlice '{op.name}' needs int32 or int64 indices (StridedSliceGrad's Index), got {itype.Name()}.");
            var shape = x.shape.IsFullyDefined
                ? tf.ConstantOf(NDArrayConversion.ToHostTensor(x.shape.ToArray(), itype), "Shape")
                : new OpBuilder(ArrayOps.Shape).Input(x).Attr("out_type", itype).Build().outputs[0];
            var dx = WithMasks(new OpBuilder(ArrayOps.StridedSliceGrad), op)
                .Input(shape).Input(begin).Input(op.inputs[2]).Input(op.inputs[3]).Input(grads[0]!).Build().outputs[0];
            return [dx, null, null, null];
        });
        g.Add(ArrayOps.StridedSliceGrad, static (op, grads) =>
        {
            var ddy = WithMasks(new OpBuilder(ArrayOps.StridedSlice), op)
                .Input(grads[0]!).Input(op.inputs[1]).Input(op.inputs[2]).Input(op.inputs[3]).Build().outputs[0];
            return [null, null, null, null, ddy];
        });
    }

    private static OpBuilder WithMasks(OpBuilder b, Operation op)
    {
        foreach (var m in new[] { "begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask" }) b.Attr(m, op.get_attr(m));
        return b;
    }

    /// <summary>
    /// The gradient is grad padded back to the input's shape: before = begin, after = shape − size − begin.
    /// With static shapes and a constant begin the paddings are a constant; otherwise they are computed.
    /// </summary>
    private static Tensor?[] SliceGrad(Operation op, Tensor?[] grads)
    {
        var (x, begin, y) = (op.inputs[0], op.inputs[1], op.outputs[0]);
        var itype = begin.dtype.BaseType();
        Tensor paddings;
        if (x.shape.IsFullyDefined && y.shape.IsFullyDefined && OpBuilder.ConstantValue(begin) is { } bv)
        {
            var b = bv.ToInt64Array();
            var xs = x.shape.ToArray();
            var ys = y.shape.ToArray();
            var pairs = new long[2 * b.Length];
            for (int i = 0; i < b.Length; i++) (pairs[2 * i], pairs[2 * i + 1]) = (b[i], xs[i] - ys[i] - b[i]);
            var host = NDArrayConversion.ToHostTensor(pairs, itype).Reshaped([b.Length, 2]);
            paddings = tf.ConstantOf(host, "paddings");
        }
        else
        {
            Tensor ShapeOf(Tensor t) => new OpBuilder(ArrayOps.Shape).Input(t).Attr("out_type", itype).Build().outputs[0];
            var rank = OpBuilder.Unary(ArrayOps.Rank, x, null);
            var column = new OpBuilder(ArrayOps.Pack).InputList([rank, tf.constant(1)]).Attr("axis", 0L).Build().outputs[0];
            var before = OpBuilder.Binary(ArrayOps.Reshape, begin, column, null);
            var rest = OpBuilder.Binary(MathOps.Sub, OpBuilder.Binary(MathOps.Sub, ShapeOf(x), ShapeOf(y), null), begin, null);
            var after = OpBuilder.Binary(ArrayOps.Reshape, rest, column, null);
            paddings = new OpBuilder(ArrayOps.ConcatV2).InputList([before, after]).Input(tf.constant(1)).Build().outputs[0];
        }
        return [new OpBuilder(ArrayOps.Pad).Input(grads[0]!).Input(paddings).Build().outputs[0], null, null];
    }
}

/// <summary>
/// What a StridedSlice of a shape vector is known to hold at build time (TF's shape refiner does the
/// same for <c>tf.shape(x)[1:]</c> and <c>tf.shape(x)[0]</c>), so that Reshape/Fill/… built from
/// such slices keep the dims that are known.
/// </summary>
internal static class SlicedShapeValues
{
    /// <summary>The selected elements of a 1-D shape-like vector (-1 where unknown), or null when not known.</summary>
    private static long[]? Elements(Tensor t, out bool scalar)
    {
        scalar = false;
        if (t.op.type != "StridedSlice") return null;
        var source = t.op.inputs[0];
        long[]? values = source.op.type == "Shape" && source.op.inputs[0].shape.HasRank ? source.op.inputs[0].shape.ToArray()
            : OpBuilder.ConstantValue(source) is { Rank: 1 } c && c.DType is DType.Int32 or DType.Int64 ? c.ToInt64Array()
            : null;
        if (values == null || values.Any(v => v < -1)) return null;
        var parts = new HostTensor?[3];
        for (int i = 0; i < 3; i++)
            if ((parts[i] = OpBuilder.ConstantValue(t.op.inputs[i + 1])) == null) return null;
        long Mask(string name) => t.op.get_attr(name).I;
        try
        {
            var spec = StridedSliceSpec.Create(StridedSliceSpec.IndexValues(parts[0]!), StridedSliceSpec.IndexValues(parts[1]!),
                StridedSliceSpec.IndexValues(parts[2]!), [values.Length], Mask("begin_mask"), Mask("end_mask"), Mask("ellipsis_mask"),
                Mask("new_axis_mask"), Mask("shrink_axis_mask"));
            if (spec.FinalDims.Length > 1) return null;
            scalar = spec.FinalDims.Length == 0;
            var picked = new long[spec.ProcessingDims[0]];
            for (int k = 0; k < picked.Length; k++) picked[k] = values[spec.Begin[0] + k * spec.Strides[0]];
            return picked;
        }
        catch (InvalidArgumentException)
        {
            return null;   // the slice's own shape function reports it
        }
    }

    /// <summary>tf.shape(x)[a:b] as a partial shape.</summary>
    public static TensorShape? Vector(Tensor t) => Elements(t, out bool scalar) is { } v && !scalar ? new TensorShape(v) : null;

    /// <summary>tf.shape(x)[i] when dim i is known, else -1.</summary>
    public static long Scalar(Tensor t) => Elements(t, out bool scalar) is [var v] && scalar ? v : -1;
}
