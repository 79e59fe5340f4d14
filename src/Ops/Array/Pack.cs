using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Array;

/// <summary>Pack (tf.stack) and Unpack (tf.unstack) (TF: core/ops/array_ops.cc, kernels/pack_op.cc, unpack_op.cc).</summary>
public static partial class ArrayOps
{
    public static readonly OpDef Pack = OpDef.Define("Pack")
        .Input("values: N * T")
        .Output("output: T")
        .Attr("N: int >= 1")
        .Attr("T: type")
        .Attr("axis: int = 0")
        .Shape(PackShape);

    public static readonly OpDef Unpack = OpDef.Define("Unpack")
        .Input("value: T")
        .Output("output: num * T")
        .Attr("num: int >= 0")
        .Attr("T: type")
        .Attr("axis: int = 0")
        .Shape(UnpackShape);

    /// <summary>The axis of Pack (rank after packing) or Unpack (rank before), counted from the end when negative.</summary>
    private static int PackAxis(long axis, int rank)
    {
        if (axis < -rank || axis >= rank)
            throw new InvalidArgumentException($"Invalid axis: {axis}; must be in [{-rank},{rank})");
        return (int)(axis < 0 ? axis + rank : axis);
    }

    private static void PackShape(InferenceContext c)
    {
        var cur = c.Input(c.NumInputs - 1);
        for (int i = c.NumInputs - 2; i >= 0; i--)
        {
            try { cur = c.Input(i).MergeWith(cur); }
            catch (InvalidArgumentException e) { throw new InvalidArgumentException($"{e.BaseMessage}\n\tFrom merging shape {i} with other shapes."); }
        }
        if (!cur.HasRank)
        {
            c.SetOutput(0, TensorShape.Unknown);
            return;
        }
        int axis = PackAxis(c.Attr("axis").I, cur.Rank + 1);
        var dims = cur.ToArray().ToList();
        dims.Insert(axis, c.NumInputs);
        c.SetOutput(0, new TensorShape(dims.ToArray()));
    }

    private static void UnpackShape(InferenceContext c)
    {
        var s = c.Input(0);
        if (!s.HasRank)
        {
            CommonShapes.Unknown(c);
            return;
        }
        int axis = PackAxis(c.Attr("axis").I, s.Rank);
        long num = c.Attr("num").I;
        if (s[axis] >= 0 && s[axis] != num)
            throw new InvalidArgumentException($"Dimension must be {num} but is {s[axis]}");
        var dims = s.ToArray().Where((_, i) => i != axis).ToArray();
        for (int i = 0; i < c.NumOutputs; i++) c.SetOutput(i, new TensorShape(dims));
    }
}

internal static class PackKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(ArrayOps.Pack, ArrayOps.Unpack);
        k.Add(ArrayOps.Pack, KernelTypes.FixedSize, c => new PackKernel(c.Attr("axis").I));
        // Sharded savers pack the shard filenames into one string vector for MergeV2Checkpoints.
        k.Add(ArrayOps.Pack, DType.String, c => new StringPackKernel(c.Attr("axis").I));
        k.Add(ArrayOps.Unpack, KernelTypes.FixedSize, c => new UnpackKernel(c.Attr("axis").I));
    }

    private sealed class PackKernel(long axisAttr) : IOpKernel
    {
        public void Compute(OpKernelContext ctx)
        {
            int n = ctx.NumInputs;
            var first = ctx.Input(0);
            for (int i = 0; i < n; i++)
            {
                var t = ctx.Input(i);
                if (!t.SameShape(first))
                    throw new InvalidArgumentException($"Shapes of all inputs must match: values[0].shape = {first.Shape} != values[{i}].shape = {t.Shape}");
            }
            int rank = first.Rank + 1;
            if (axisAttr < -rank || axisAttr >= rank)
                throw new InvalidArgumentException($"axis = {axisAttr} not in [{-rank}, {rank})");
            int axis = (int)(axisAttr < 0 ? axisAttr + rank : axisAttr);
            // Output dims on the stack and the inputs read from the context: nothing allocated per step.
            Span<long> dims = rank <= 16 ? stackalloc long[rank] : new long[rank];
            first.Dims[..axis].CopyTo(dims);
            dims[axis] = n;
            first.Dims[axis..].CopyTo(dims[(axis + 1)..]);
            var y = ctx.AllocateOutput(0, dims);
            if (y.NumElements == 0) return;
            long outer = 1, inner = 1;
            for (int i = 0; i < axis; i++) outer *= first.Dims[i];
            for (int i = axis; i < first.Rank; i++) inner *= first.Dims[i];
            long block = inner * first.DType.Size();
            var dst = y.Buffer!.Bytes;
            long pos = 0;
            for (long o = 0; o < outer; o++)
                for (int j = 0; j < n; j++)
                {
                    if (block == 0) continue;
                    ctx.Input(j).Buffer!.Bytes.Slice(checked((int)(o * block)), (int)block).CopyTo(dst.Slice(checked((int)pos), (int)block));
                    pos += block;
                }
        }
    }

    private sealed class StringPackKernel(long axisAttr) : IOpKernel
    {
        public void Compute(OpKernelContext ctx)
        {
            int n = ctx.NumInputs;
            var first = ctx.Input(0);
            int rank = first.Rank + 1;
            if (axisAttr < -rank || axisAttr >= rank)
                throw new InvalidArgumentException($"axis = {axisAttr} not in [{-rank}, {rank})");
            int axis = (int)(axisAttr < 0 ? axisAttr + rank : axisAttr);
            long outer = 1, inner = 1;
            for (int i = 0; i < axis; i++) outer *= first.Dims[i];
            for (int i = axis; i < first.Rank; i++) inner *= first.Dims[i];
            var result = new byte[outer * n * inner][];
            long pos = 0;
            var inputs = new byte[n][][];
            for (int j = 0; j < n; j++)
            {
                var x = ctx.Input(j);
                if (!x.SameShape(first))
                    throw new InvalidArgumentException($"Shapes of all inputs must match: values[0].shape = {first.Shape} != values[{j}].shape = {x.Shape}");
                inputs[j] = x.Strings!;
            }
            for (long o = 0; o < outer; o++)
                for (int j = 0; j < n; j++)
                    for (long e = 0; e < inner; e++)
                        result[pos++] = inputs[j][o * inner + e];
            var dims = first.Dims.ToArray().ToList();
            dims.Insert(axis, n);
            ctx.SetOutput(0, HostTensor.FromStrings(result, dims.ToArray()));
        }
    }

    private sealed class UnpackKernel(long axisAttr) : IOpKernel
    {
        public void Compute(OpKernelContext ctx)
        {
            var x = ctx.Input(0);
            int rank = x.Rank;
            if (axisAttr < -rank || axisAttr >= rank)
                throw new InvalidArgumentException($"axis = {axisAttr} not in [{-rank}, {rank})");
            int axis = (int)(axisAttr < 0 ? axisAttr + rank : axisAttr);
            int num = ctx.NumOutputs;
            if (x.Dims[axis] != num)
                throw new InvalidArgumentException($"Input shape axis {axis} must equal {num}, got shape {x.Shape}");
            Span<long> dims = rank <= 16 ? stackalloc long[rank - 1] : new long[rank - 1];
            x.Dims[..axis].CopyTo(dims);
            x.Dims[(axis + 1)..].CopyTo(dims[axis..]);
            long outer = 1, inner = 1;
            for (int i = 0; i < axis; i++) outer *= x.Dims[i];
            for (int i = axis + 1; i < rank; i++) inner *= x.Dims[i];
            long b = inner * x.DType.Size();
            var src = x.Buffer!.Bytes;
            for (int j = 0; j < num; j++)
            {
                var y = ctx.AllocateOutput(j, dims);
                if (b == 0) continue;
                var dst = y.Buffer!.Bytes;
                for (long o = 0; o < outer; o++)
                    src.Slice(checked((int)((o * num + j) * b)), (int)b).CopyTo(dst.Slice(checked((int)(o * b)), (int)b));
            }
        }
    }
}
