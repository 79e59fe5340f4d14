using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Array;

/// <summary>Tile (TF: core/ops/array_ops.cc, kernels/tile_ops.cc).</summary>
public static partial class ArrayOps
{
    public static readonly OpDef Tile = OpDef.Define("Tile")
        .Input("input: T")
        .Input("multiples: Tmultiples")
        .Output("output: T")
        .Attr("T: type")
        .Attr("Tmultiples: {int32, int64} = DT_INT32")
        .Shape(TileShape);

    /// <summary>out[i] = in[i] · multiples[i]; either factor may be unknown (a known 0 or 1 still decides).</summary>
    private static void TileShape(InferenceContext c)
    {
        var multiplesShape = c.Input(1).WithRank(1);
        var input = c.Input(0);
        long n = multiplesShape[0];
        if (n >= 0 && input.HasRank && input.Rank != n)
            throw new InvalidArgumentException($"Shape must be rank {n} but is rank {input.Rank}");
        if (n < 0 && input.HasRank) n = input.Rank;
        if (n < 0)
        {
            c.SetOutput(0, TensorShape.Unknown);
            return;
        }
        input = input.WithRank((int)n);
        var multiples = c.InputAsShape(1);
        var dims = new long[n];
        for (int i = 0; i < n; i++)
        {
            long d = input[i], m = multiples.HasRank ? multiples[i] : -1;
            dims[i] = d == 0 || m == 0 ? 0 : d == 1 ? m : m == 1 ? d : d < 0 || m < 0 ? -1 : d * m;
        }
        c.SetOutput(0, new TensorShape(dims));
    }
}

/// <summary>
/// Tile as a broadcast: input dims [d0, d1, …] seen as [1, d0, 1, d1, …] and broadcast to
/// [m0, d0, m1, d1, …], whose row-major layout is exactly the tiled output.
/// </summary>
internal static class TileKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(ArrayOps.Tile);
        var kernel = new LambdaKernel(Compute);
        k.Add(ArrayOps.Tile, KernelTypes.FixedSize, _ => kernel);
    }

    private static void Compute(OpKernelContext ctx)
    {
        var x = ctx.Input(0);
        var mt = ctx.Input(1);
        if (mt.Rank != 1)
            throw new InvalidArgumentException($"Expected multiples argument to be a vector of length {x.Rank} but got length {(mt.Rank == 0 ? 1 : mt.Dims[0])}");
        if (mt.NumElements != x.Rank)
            throw new InvalidArgumentException($"Expected multiples argument to be a vector of length {x.Rank} but got length {mt.NumElements}");
        int rank = x.Rank;
        // Shapes are a few dims: everything lives on the stack (a large rank is still correct, just heap-backed).
        Span<long> m = rank <= 16 ? stackalloc long[rank] : new long[rank];
        Span<long> outDims = rank <= 16 ? stackalloc long[rank] : new long[rank];
        Span<long> wide = rank <= 8 ? stackalloc long[2 * rank] : new long[2 * rank];
        Span<long> strides = rank <= 8 ? stackalloc long[2 * rank] : new long[2 * rank];
        Span<long> stridesIn = rank <= 16 ? stackalloc long[rank] : new long[rank];
        mt.CopyInt64To(m);
        Strided.RowMajorStrides(x.Dims, stridesIn);
        bool allOnes = true;
        for (int i = 0; i < rank; i++)
        {
            if (m[i] < 0) throw new InvalidArgumentException($"Expected multiples[{i}] >= 0, but got {m[i]}");
            if (m[i] != 1) allOnes = false;
            outDims[i] = x.Dims[i] * m[i];
            wide[2 * i] = m[i];
            wide[2 * i + 1] = x.Dims[i];
            strides[2 * i] = 0;
            strides[2 * i + 1] = stridesIn[i];
        }
        // All multiples 1: the output is the input (TF forwards it too).
        if (allOnes)
        {
            ctx.SetOutput(0, x);
            return;
        }
        var y = ctx.AllocateOutput(0, outDims);
        if (y.NumElements == 0) return;
        Strided.CopyBytes(x.Buffer!.Bytes, x.DType.Size(), wide, strides, y.Buffer!.Bytes);
    }
}
