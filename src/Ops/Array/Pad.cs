using System.Numerics;
using System.Runtime.InteropServices;
using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Array;

/// <summary>Pad, PadV2, MirrorPad and MirrorPadGrad (TF: core/ops/array_ops.cc, kernels/pad_op.cc, mirror_pad_op.cc).</summary>
public static partial class ArrayOps
{
    public static readonly OpDef Pad = OpDef.Define("Pad")
        .Input("input: T")
        .Input("paddings: Tpaddings")
        .Output("output: T")
        .Attr("T: type")
        .Attr("Tpaddings: {int32, int64} = DT_INT32")
        .Shape(PadShape);

    public static readonly OpDef PadV2 = OpDef.Define("PadV2")
        .Input("input: T")
        .Input("paddings: Tpaddings")
        .Input("constant_values: T")
        .Output("output: T")
        .Attr("T: type")
        .Attr("Tpaddings: {int32, int64} = DT_INT32")
        .Shape(PadShape);

    public static readonly OpDef MirrorPad = OpDef.Define("MirrorPad")
        .Input("input: T")
        .Input("paddings: Tpaddings")
        .Output("output: T")
        .Attr("T: type")
        .Attr("Tpaddings: {int32, int64} = DT_INT32")
        .Attr("mode: {'REFLECT', 'SYMMETRIC'}")
        .Shape(PadShape);

    public static readonly OpDef MirrorPadGrad = OpDef.Define("MirrorPadGrad")
        .Input("input: T")
        .Input("paddings: Tpaddings")
        .Output("output: T")
        .Attr("T: type")
        .Attr("Tpaddings: {int32, int64} = DT_INT32")
        .Attr("mode: {'REFLECT', 'SYMMETRIC'}")
        .Shape(MirrorPadGradShape);

    /// <summary>Paddings [rank, 2] checked and read (build time or run time): non-negative pairs.</summary>
    private static long[] PadPairs(HostTensor p)
    {
        var v = p.ToInt64Array();
        for (int i = 0; i < v.Length; i += 2)
            if (v[i] < 0 || v[i + 1] < 0) throw new InvalidArgumentException($"Paddings must be non-negative: {v[i]} {v[i + 1]}");
        return v;
    }

    /// <summary>The rank the paddings matrix [n, 2] states, checked against the input's (-1 when neither knows it).</summary>
    private static long PadRank(InferenceContext c, TensorShape input)
    {
        var paddings = c.Input(1).WithRank(2);
        if (paddings[1] >= 0 && paddings[1] != 2) throw new InvalidArgumentException($"Dimension must be 2 but is {paddings[1]}");
        long n = paddings[0];
        if (n >= 0) input.WithRank((int)n);
        else if (input.HasRank) n = input.Rank;
        return n;
    }

    /// <summary>TF's PadShapeFn: with constant paddings each dim grows by before + after; else only the rank is known.</summary>
    private static void PadShape(InferenceContext c)
    {
        var input = c.Input(0);
        long n = PadRank(c, input);
        var paddings = c.InputTensor(1);
        if (paddings == null)
        {
            c.SetOutput(0, n >= 0 ? TensorShape.UnknownOfRank((int)n) : TensorShape.Unknown);
            return;
        }
        input = input.WithRank((int)paddings.Dims[0]);
        var p = PadPairs(paddings);
        var dims = new long[input.Rank];
        for (int i = 0; i < dims.Length; i++) dims[i] = input[i] < 0 ? -1 : input[i] + p[2 * i] + p[2 * i + 1];
        c.SetOutput(0, new TensorShape(dims));
    }

    private static void MirrorPadGradShape(InferenceContext c)
    {
        var paddings = c.Input(1).WithRank(2);
        long n = paddings[0];
        if (n < 0)
        {
            c.SetOutput(0, TensorShape.Unknown);
            return;
        }
        var input = c.Input(0).WithRank((int)n);
        if (paddings[1] >= 0 && paddings[1] != 2) throw new InvalidArgumentException($"Dimension must be 2 but is {paddings[1]}");
        if (c.InputTensor(1) is not { } value)
        {
            c.SetOutput(0, TensorShape.UnknownOfRank((int)n));
            return;
        }
        var p = PadPairs(value);
        var dims = new long[n];
        for (int i = 0; i < n; i++)
        {
            long pads = p[2 * i] + p[2 * i + 1];
            if (input[i] >= 0 && input[i] < pads)
                throw new InvalidArgumentException($"Negative dimension size caused by subtracting {pads} from {input[i]}");
            dims[i] = input[i] < 0 ? -1 : input[i] - pads;
        }
        c.SetOutput(0, new TensorShape(dims));
    }
}

internal static class PadKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(ArrayOps.Pad, ArrayOps.PadV2, ArrayOps.MirrorPad, ArrayOps.MirrorPadGrad);
        var pad = new LambdaKernel(ComputePad);
        var mirror = new LambdaKernel(ComputeMirrorPad);
        k.Add(ArrayOps.Pad, Window.Types, _ => pad);
        k.Add(ArrayOps.PadV2, Window.Types, _ => pad);
        k.Add(ArrayOps.MirrorPad, Window.Types, _ => mirror);
        k.Add(ArrayOps.MirrorPadGrad, DType.Float, _ => new LambdaKernel(MirrorPadGradOf<float>));
        k.Add(ArrayOps.MirrorPadGrad, DType.Double, _ => new LambdaKernel(MirrorPadGradOf<double>));
        k.Add(ArrayOps.MirrorPadGrad, DType.Int32, _ => new LambdaKernel(MirrorPadGradOf<int>));
        k.Add(ArrayOps.MirrorPadGrad, DType.Int64, _ => new LambdaKernel(MirrorPadGradOf<long>));
    }

    /// <summary>The paddings matrix read at run time (TF's checks and messages).</summary>
    private static long[] Paddings(HostTensor x, HostTensor p)
    {
        if (p.Rank != 2 || p.Dims[1] != 2)
            throw new InvalidArgumentException($"paddings must be a matrix with 2 columns: {p.Shape}");
        if (p.Dims[0] != x.Rank)
            throw new InvalidArgumentException($"The first dimension of paddings must be the rank of inputs{p.Shape}, {x.Shape}");
        var v = p.ToInt64Array();
        for (int i = 0; i < v.Length; i += 2)
            if (v[i] < 0 || v[i + 1] < 0) throw new InvalidArgumentException($"Paddings must be non-negative: {v[i]} {v[i + 1]}");
        return v;
    }

    /// <summary>Fills the output with the pad value, then copies x into the window at the leading paddings.</summary>
    private static void ComputePad(OpKernelContext ctx)
    {
        var x = ctx.Input(0);
        var p = Paddings(x, ctx.Input(1));
        HostTensor? value = null;
        if (ctx.NumInputs == 3)
        {
            value = ctx.Input(2);
            if (value.Rank != 0) throw new InvalidArgumentException($"constant_values must be a scalar. Got: {value.Shape}");
        }
        if (p.All(v => v == 0))
        {
            ctx.SetOutput(0, x);
            return;
        }
        var outDims = new long[x.Rank];
        for (int i = 0; i < x.Rank; i++) outDims[i] = x.Dims[i] + p[2 * i] + p[2 * i + 1];
        var y = ctx.AllocateOutput(0, outDims);
        if (y.NumElements == 0) return;
        if (y.Strings != null) System.Array.Fill(y.Strings, value?.Strings![0] ?? []);
        else if (value == null) y.Buffer!.Bytes.Clear();
        else FillPattern(y.Buffer!.Bytes, value.Buffer!.Bytes);
        if (x.NumElements == 0) return;
        var outStrides = Strided.RowMajorStrides(outDims);
        long offset = 0;
        for (int i = 0; i < x.Rank; i++) offset += p[2 * i] * outStrides[i];
        Window.Copy(x, 0, Strided.RowMajorStrides(x.Dims), y, offset, outStrides, x.Dims);
    }

    /// <summary>Repeats one element's bytes over the whole buffer, as a typed fill.</summary>
    private static void FillPattern(Span<byte> dst, ReadOnlySpan<byte> element)
    {
        switch (element.Length)
        {
            case 1: dst.Fill(element[0]); break;
            case 2: MemoryMarshal.Cast<byte, ushort>(dst).Fill(MemoryMarshal.Read<ushort>(element)); break;
            case 4: MemoryMarshal.Cast<byte, uint>(dst).Fill(MemoryMarshal.Read<uint>(element)); break;
            case 8: MemoryMarshal.Cast<byte, ulong>(dst).Fill(MemoryMarshal.Read<ulong>(element)); break;
            case 16: MemoryMarshal.Cast<byte, UInt128>(dst).Fill(MemoryMarshal.Read<UInt128>(element)); break;
            default: throw new UnimplementedException($"No Pad kernel for elements of {element.Length} bytes.");
        }
    }

    /// <summary>REFLECT mirrors around the edge element (offset 1), SYMMETRIC includes it (offset 0).</summary>
    private static int MirrorOffset(OpKernelContext ctx) => ctx.Node.GetAttr("mode").S == "REFLECT" ? 1 : 0;

    /// <summary>
    /// Where pad position <paramref name="p"/> (output coordinates) reads from along one dim with
    /// <paramref name="before"/> leading pads and <paramref name="n"/> input elements.
    /// </summary>
    private static long MirrorSource(long p, long before, long n, int offset) =>
        p < before ? 2 * before - p - 1 + offset : 2 * (before + n) - p - 1 - offset;

    /// <summary>
    /// Copies x to the centre, then fills the pads dim by dim from the innermost out: along dim d each
    /// pad slab is a copy of its mirror slab, over the centre of the outer dims and the whole (already
    /// padded) extent of the inner ones.
    /// </summary>
    private static void ComputeMirrorPad(OpKernelContext ctx)
    {
        var x = ctx.Input(0);
        var p = Paddings(x, ctx.Input(1));
        int offset = MirrorOffset(ctx);
        int rank = x.Rank;
        for (int d = 0; d < rank; d++)
        {
            long before = p[2 * d], after = p[2 * d + 1], n = x.Dims[d];
            if (offset == 0 && (before > n || after > n))
                throw new InvalidArgumentException($"paddings must be no greater than the dimension size: {before}, {after} greater than {n}");
            if (offset == 1 && (before >= n || after >= n) && (before > 0 || after > 0))
                throw new InvalidArgumentException($"paddings must be less than the dimension size: {before}, {after} not less than {n}");
        }
        if (p.All(v => v == 0))
        {
            ctx.SetOutput(0, x);
            return;
        }
        var outDims = new long[rank];
        for (int i = 0; i < rank; i++) outDims[i] = x.Dims[i] + p[2 * i] + p[2 * i + 1];
        var y = ctx.AllocateOutput(0, outDims);
        if (y.NumElements == 0) return;
        var os = Strided.RowMajorStrides(outDims);
        long centre = 0;
        for (int i = 0; i < rank; i++) centre += p[2 * i] * os[i];
        Window.Copy(x, 0, Strided.RowMajorStrides(x.Dims), y, centre, os, x.Dims);
        for (int d = rank - 1; d >= 0; d--)
        {
            var (slab, baseOffset) = Slab(x.Dims, outDims, p, d);
            foreach (var (pad, src) in PadSources(p[2 * d], x.Dims[d], p[2 * d + 1], offset))
                Window.Copy(y, baseOffset + src * os[d], os, y, baseOffset + pad * os[d], os, slab);
        }
    }

    /// <summary>The slab at one position of dim d: outer dims over the centre, inner dims whole; and the offset of its origin.</summary>
    private static (long[] Dims, long Offset) Slab(ReadOnlySpan<long> inDims, long[] outDims, long[] p, int d)
    {
        var os = Strided.RowMajorStrides(outDims);
        var slab = new long[outDims.Length];
        long offset = 0;
        for (int i = 0; i < outDims.Length; i++)
        {
            if (i < d)
            {
                slab[i] = inDims[i];
                offset += p[2 * i] * os[i];
            }
            else slab[i] = i == d ? 1 : outDims[i];
        }
        return (slab, offset);
    }

    private static IEnumerable<(long Pad, long Source)> PadSources(long before, long n, long after, int offset)
    {
        for (long q = 0; q < before; q++) yield return (q, MirrorSource(q, before, n, offset));
        for (long q = before + n; q < before + n + after; q++) yield return (q, MirrorSource(q, before, n, offset));
    }

    /// <summary>
    /// The adjoint of MirrorPad: from the outermost dim in, each pad slab's gradient is added onto its
    /// mirror slab; the centre then holds the input's gradient.
    /// </summary>
    private static void MirrorPadGradOf<T>(OpKernelContext ctx) where T : unmanaged, INumber<T>
    {
        var g = ctx.Input(0);
        var p = Paddings(g, ctx.Input(1));
        int offset = MirrorOffset(ctx);
        int rank = g.Rank;
        var inDims = new long[rank];
        for (int d = 0; d < rank; d++)
        {
            long before = p[2 * d], after = p[2 * d + 1], n = g.Dims[d] - before - after;
            if (offset == 0 && (before > n || after > n))
                throw new InvalidArgumentException(
                    $"paddings must be no greater than the output dimension size: {before}, {after} greater than {n}");
            if (offset == 1 && (before >= n || after >= n) && (before > 0 || after > 0 || n < 0))
                throw new InvalidArgumentException($"paddings must be less than the output dimension size: {before}, {after} not less than {n}");
            inDims[d] = n;
        }
        if (p.All(v => v == 0))
        {
            ctx.SetOutput(0, g);
            return;
        }
        var y = ctx.AllocateOutput(0, inDims);
        if (y.NumElements == 0) return;
        var scratch = g.AsSpan<T>().ToArray();
        var gDims = g.Dims.ToArray();
        var gs = Strided.RowMajorStrides(gDims);
        for (int d = 0; d < rank; d++)
        {
            var (slab, baseOffset) = Slab(inDims, gDims, p, d);
            foreach (var (pad, src) in PadSources(p[2 * d], inDims[d], p[2 * d + 1], offset))
                StridedWindow.Add<T>(scratch, baseOffset + pad * gs[d], gs, scratch, baseOffset + src * gs[d], gs, slab);
        }
        long centre = 0;
        for (int i = 0; i < rank; i++) centre += p[2 * i] * gs[i];
        StridedWindow.Copy<T>(scratch, centre, gs, y.AsSpan<T>(), 0, Strided.RowMajorStrides(inDims), inDims);
    }
}
