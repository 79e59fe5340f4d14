using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Array;

/// <summary>Shape ops (TF: core/ops/array_ops.cc, kernels/shape_ops.h, reshape_op.h, bcast_ops.cc).</summary>
public static partial class ArrayOps
{
    public static readonly OpDef Shape = OpDef.Define("Shape")
        .Input("input: T")
        .Output("output: out_type")
        .Attr("T: type")
        .Attr("out_type: {int32, int64} = DT_INT32")
        .Shape(c => c.SetOutput(0, new TensorShape(c.Input(0).Rank)));   // Rank -1 (unknown) gives [?]

    public static readonly OpDef Reshape = OpDef.Define("Reshape")
        .Input("tensor: T")
        .Input("shape: Tshape")
        .Output("output: T")
        .Attr("T: type")
        .Attr("Tshape: {int32, int64} = DT_INT32")
        .Shape(ReshapeShape);

    public static readonly OpDef BroadcastGradientArgs = OpDef.Define("BroadcastGradientArgs")
        .Input("s0: T")
        .Input("s1: T")
        .Output("r0: T")
        .Output("r1: T")
        .Attr("T: {int32, int64} = DT_INT32")
        .Shape(c =>
        {
            c.WithRank(0, 1);
            c.WithRank(1, 1);
            c.SetOutput(0, TensorShape.UnknownOfRank(1));
            c.SetOutput(1, TensorShape.UnknownOfRank(1));
        });

    /// <summary>
    /// TF's SetOutputShapeForReshape: the requested shape (partially known), with its single unknown
    /// dim inferred from the input's element count when the rest is known on both sides.
    /// </summary>
    private static void ReshapeShape(InferenceContext c)
    {
        var input = c.Input(0);
        var output = c.InputAsShape(1);
        if (!output.HasRank || !input.HasRank)
        {
            c.SetOutput(0, output);
            return;
        }
        var outDims = output.ToArray();
        bool tooManyUnknown = false;
        (long outKnown, int outUnknown) = KnownProduct(outDims, ref tooManyUnknown);
        (long inKnown, int inUnknown) = KnownProduct(input.ToArray(), ref tooManyUnknown);
        if (!tooManyUnknown)
        {
            if (inUnknown < 0 && outUnknown < 0)
            {
                if (inKnown != outKnown)
                    throw new InvalidArgumentException($"Cannot reshape a tensor with {inKnown} elements to shape {output} ({outKnown} elements)");
            }
            else if (inUnknown < 0 && outUnknown >= 0 && outKnown > 0)
            {
                if (inKnown % outKnown != 0)
                    throw new InvalidArgumentException($"Dimension size must be evenly divisible by {outKnown} but is {inKnown}");
                outDims[outUnknown] = inKnown / outKnown;
            }
            else if (inUnknown >= 0 && outUnknown < 0 && inKnown != 0)
            {
                if (outKnown % inKnown != 0)
                    throw new InvalidArgumentException($"Dimension size must be evenly divisible by {inKnown} but is {outKnown}");
            }
            else if (inUnknown >= 0 && outUnknown >= 0 && inKnown == outKnown)
            {
                outDims[outUnknown] = input[inUnknown];
            }
        }
        c.SetOutput(0, new TensorShape(outDims));
    }

    // Product of the known dims and the index of the one unknown dim (-1 if none); a second unknown sets the flag.
    private static (long Product, int Unknown) KnownProduct(long[] dims, ref bool tooManyUnknown)
    {
        long product = 1;
        int unknown = -1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] >= 0) { product *= dims[i]; continue; }
            if (unknown >= 0) tooManyUnknown = true;
            unknown = i;
        }
        return (product, unknown);
    }
}

internal static class ShapeKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(ArrayOps.Shape, ArrayOps.Reshape, ArrayOps.BroadcastGradientArgs);
        k.Add(ArrayOps.Shape.Name, _ => new LambdaKernel(ComputeShape<int>), ("out_type", DType.Int32));
        k.Add(ArrayOps.Shape.Name, _ => new LambdaKernel(ComputeShape<long>), ("out_type", DType.Int64));
        var reshape = new LambdaKernel(ComputeReshape);
        k.Add(ArrayOps.Reshape, _ => reshape);
        k.Add(ArrayOps.BroadcastGradientArgs, DType.Int32, _ => new LambdaKernel(ComputeBroadcastGradientArgs<int>));
        k.Add(ArrayOps.BroadcastGradientArgs, DType.Int64, _ => new LambdaKernel(ComputeBroadcastGradientArgs<long>));
    }

    private static void ComputeShape<TOut>(OpKernelContext ctx) where TOut : unmanaged, System.Numerics.INumber<TOut>
    {
        var x = ctx.Input(0);
        var y = ctx.AllocateOutput(0, [x.Rank]).AsSpan<TOut>();
        for (int i = 0; i < x.Rank; i++)
        {
            long d = x.Dims[i];
            if (typeof(TOut) == typeof(int) && d > int.MaxValue)
                throw new InvalidArgumentException($"Shape output type is 32-bit  but dim {i} is {d}");
            y[i] = TOut.CreateTruncating(d);
        }
    }

    /// <summary>TF's ReshapeOp: one -1 is inferred; the output shares the input's buffer (no copy).</summary>
    private static void ComputeReshape(OpKernelContext ctx)
    {
        var x = ctx.Input(0);
        var sizes = ctx.Input(1);
        if (sizes.Rank > 1) throw new InvalidArgumentException($"sizes input must be 1-D, not {sizes.Shape}");
        int count = checked((int)sizes.NumElements);
        Span<long> dims = count <= 16 ? stackalloc long[count] : new long[count];
        sizes.CopyInt64To(dims);
        long product = 1;   // of the positive sizes: zero dims are left out so the others can still be inferred
        int unknown = -1;
        bool hasZero = false;
        for (int d = 0; d < dims.Length; d++)
        {
            long size = dims[d];
            if (size == -1)
            {
                if (unknown != -1) throw new InvalidArgumentException($"Only one input size may be -1, not both {unknown} and {d}");
                unknown = d;
            }
            else if (size == 0) hasZero = true;
            else if (size < 0) throw new InvalidArgumentException($"Size {d} must be non-negative, not {size}");
            else product *= size;
        }
        long n = x.NumElements;
        if (unknown != -1)
        {
            // TF counts the input's zero dims only when the requested shape has none.
            long inputCount = 1;
            foreach (var d in x.Dims)
                if (d > 0 || !hasZero) inputCount *= d;
            long missing = inputCount / product;
            if (product * missing != inputCount)
                throw new InvalidArgumentException($"Input to reshape is a tensor with {n} values, but the requested shape requires a multiple of {product}");
            dims[unknown] = missing;
        }
        long requested = 1;
        foreach (var d in dims) requested *= d;
        if (requested != n)
            throw new InvalidArgumentException($"Input to reshape is a tensor with {n} values, but the requested shape has {requested}");
        ctx.SetOutput(0, x.Dims.SequenceEqual(dims) ? x : x.Reshaped(dims));
    }

    /// <summary>
    /// TF's BCast reduction indices: for each input, the output axes (ascending) where its
    /// 1-padded shape has size 1; identical shapes need no reduction at all. Writes them into
    /// <paramref name="r0"/> and <paramref name="r1"/> (each at least max(rank) long) and returns
    /// their counts, or null when the shapes do not broadcast.
    /// </summary>
    internal static (int N0, int N1)? GradientReduceIndices(ReadOnlySpan<long> s0, ReadOnlySpan<long> s1, Span<long> r0, Span<long> r1)
    {
        if (s0.SequenceEqual(s1)) return (0, 0);
        int rank = System.Math.Max(s0.Length, s1.Length), n0 = 0, n1 = 0;
        for (int i = 0; i < rank; i++)
        {
            long d0 = i < rank - s0.Length ? 1 : s0[i - (rank - s0.Length)];
            long d1 = i < rank - s1.Length ? 1 : s1[i - (rank - s1.Length)];
            if (d0 != 1 && d1 != 1 && d0 != d1) return null;
            if (d0 == 1) r0[n0++] = i;
            if (d1 == 1) r1[n1++] = i;
        }
        return (n0, n1);
    }

    private static void ComputeBroadcastGradientArgs<T>(OpKernelContext ctx) where T : unmanaged, System.Numerics.INumber<T>
    {
        var a = ctx.Input(0);
        var b = ctx.Input(1);
        if (a.Rank != 1) throw new InvalidArgumentException($"In[0] must be a vector.{a.Shape}");
        if (b.Rank != 1) throw new InvalidArgumentException($"In[1] must be a vector.{b.Shape}");
        int rank0 = checked((int)a.NumElements), rank1 = checked((int)b.NumElements), rank = System.Math.Max(rank0, rank1);
        // Shapes have a few dims: read them and build the index lists on the stack.
        Span<long> s0 = rank <= 16 ? stackalloc long[rank0] : new long[rank0];
        Span<long> s1 = rank <= 16 ? stackalloc long[rank1] : new long[rank1];
        Span<long> r0 = rank <= 16 ? stackalloc long[rank] : new long[rank];
        Span<long> r1 = rank <= 16 ? stackalloc long[rank] : new long[rank];
        a.CopyInt64To(s0);
        b.CopyInt64To(s1);
        var (n0, n1) = GradientReduceIndices(s0, s1, r0, r1)
            ?? throw new InvalidArgumentException($"Incompatible shapes: [{string.Join(",", s0.ToArray())}] vs. [{string.Join(",", s1.ToArray())}]");
        Output(ctx, 0, r0[..n0]);
        Output(ctx, 1, r1[..n1]);

        static void Output(OpKernelContext ctx, int i, ReadOnlySpan<long> values)
        {
            var o = ctx.AllocateOutput(i, [values.Length]).AsSpan<T>();
            for (int j = 0; j < values.Length; j++) o[j] = T.CreateTruncating(values[j]);
        }
    }
}
