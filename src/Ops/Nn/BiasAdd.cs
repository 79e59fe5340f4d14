using System.Numerics;
using System.Numerics.Tensors;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Nn;

/// <summary>BiasAdd, BiasAddGrad and L2Loss (TF: core/ops/nn_ops.cc, kernels/bias_op.cc, l2loss_op.cc).</summary>
public static partial class NnOps
{
    private const string BiasTypes =
        "{float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, qint16, quint16, uint16, complex128, half, uint32, uint64}";

    public static readonly OpDef BiasAdd = OpDef.Define("BiasAdd")
        .Input("value: T").Input("bias: T").Output("output: T")
        .Attr("T: " + BiasTypes).Attr("data_format: {'NHWC', 'NCHW'} = 'NHWC'").Shape(BiasShapes.BiasAdd);

    public static readonly OpDef BiasAddGrad = OpDef.Define("BiasAddGrad")
        .Input("out_backprop: T").Output("output: T")
        .Attr("T: " + BiasTypes).Attr("data_format: {'NHWC', 'NCHW'} = 'NHWC'").Shape(BiasShapes.BiasAddGrad);

    public static readonly OpDef L2Loss = OpDef.Define("L2Loss")
        .Input("t: T").Output("output: T").Attr("T: {half, bfloat16, float, double}").Shape(CommonShapes.Scalar);
}

internal static class BiasShapes
{
    private static bool Nchw(InferenceContext c) => c.HasAttr("data_format") && c.Attr("data_format").S == "NCHW";

    // TF BiasAddShape: NCHW needs rank >= 3 and merges bias into dim 1; NHWC needs rank >= 2 and merges into the last dim.
    public static void BiasAdd(InferenceContext c)
    {
        bool nchw = Nchw(c);
        var x = SoftmaxShapes.AtLeast(c.Input(0), nchw ? 3 : 2);
        var bias = c.WithRank(1, 1);
        if (!x.HasRank) { c.SetOutput(0, TensorShape.Unknown); return; }
        var dims = x.ToArray();
        int ch = nchw ? 1 : dims.Length - 1;
        dims[ch] = InferenceContext.MergeDim(dims[ch], bias[0]);
        c.SetOutput(0, new TensorShape(dims));
    }

    public static void BiasAddGrad(InferenceContext c)
    {
        bool nchw = Nchw(c);
        var x = SoftmaxShapes.AtLeast(c.Input(0), nchw ? 3 : 2);
        c.SetOutput(0, !x.HasRank ? TensorShape.UnknownOfRank(1) : TensorShape.Vector(x[nchw ? 1 : x.Rank - 1]));
    }

    /// <summary>(outer, channels, inner) of a tensor whose channel dim is 1 (NCHW) or last (NHWC).</summary>
    public static (long Outer, long Channels, long Inner) Split(ReadOnlySpan<long> dims, bool nchw)
    {
        int ch = nchw ? 1 : dims.Length - 1;
        long outer = 1, inner = 1;
        for (int i = 0; i < ch; i++) outer *= dims[i];
        for (int i = ch + 1; i < dims.Length; i++) inner *= dims[i];
        return (outer, dims[ch], inner);
    }
}

internal sealed class BiasAddKernel<T>(bool nchw) : IOpKernel where T : unmanaged, INumber<T>
{
    public static KernelFactory Factory => c => new BiasAddKernel<T>(c.Attr("data_format").S == "NCHW");

    public void Compute(OpKernelContext ctx)
    {
        var x = ctx.Input(0);
        var b = ctx.Input(1);
        if (x.Rank < 2) throw new InvalidArgumentException($"Input tensor must be at least 2D: {x.Shape}");
        if (b.Rank != 1) throw new InvalidArgumentException($"Biases must be 1D: {b.Shape}");
        // TF treats a rank-2 NCHW input as NHWC (its channel is the last dim either way).
        bool cf = nchw && x.Rank > 2;
        var (outer, channels, inner) = BiasShapes.Split(x.Dims, cf);
        if (b.Dims[0] != channels)
            throw new InvalidArgumentException($"Must provide as many biases as the channel dimension of the input tensor: {b.Shape} vs. {x.Shape}");
        var y = ctx.ForwardInputOrAllocateOutput(0, 0, x.Dims);
        var xs = x.AsReadOnlySpan<T>();
        var bs = b.AsReadOnlySpan<T>();
        var ys = y.AsSpan<T>();
        if (x.NumElements == 0) return;
        for (long o = 0; o < outer; o++)
        {
            if (inner == 1)
            {
                int off = (int)(o * channels);
                TensorPrimitives.Add(xs.Slice(off, (int)channels), bs, ys.Slice(off, (int)channels));
            }
            else
                for (long c = 0; c < channels; c++)
                {
                    int off = (int)((o * channels + c) * inner);
                    TensorPrimitives.Add(xs.Slice(off, (int)inner), bs[(int)c], ys.Slice(off, (int)inner));
                }
        }
    }
}

/// <summary>BiasAddGrad: the sum of out_backprop over every dim but the channel dim.</summary>
internal sealed class BiasAddGradKernel<T>(bool nchw) : IOpKernel where T : unmanaged, INumber<T>
{
    public static KernelFactory Factory => c => new BiasAddGradKernel<T>(c.Attr("data_format").S == "NCHW");

    public void Compute(OpKernelContext ctx)
    {
        var g = ctx.Input(0);
        if (g.Rank < 2) throw new InvalidArgumentException($"Input tensor must be at least 2D: {g.Shape}");
        bool cf = nchw && g.Rank > 2;
        var (outer, channels, inner) = BiasShapes.Split(g.Dims, cf);
        var y = ctx.AllocateOutput(0, [channels]);
        var ys = y.AsSpan<T>();
        ys.Clear();
        var gs = g.AsReadOnlySpan<T>();
        if (g.NumElements == 0) return;
        for (long o = 0; o < outer; o++)
        {
            if (inner == 1)
                TensorPrimitives.Add(ys, gs.Slice((int)(o * channels), (int)channels), ys);
            else
                for (long c = 0; c < channels; c++)
                    ys[(int)c] += TensorPrimitives.Sum(gs.Slice((int)((o * channels + c) * inner), (int)inner));
        }
    }
}

/// <summary>L2Loss: Σ t² / 2.</summary>
internal sealed class L2LossKernel<T> : IOpKernel where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Compute(OpKernelContext ctx)
    {
        var t = ctx.Input(0).AsReadOnlySpan<T>();
        var y = ctx.AllocateOutput(0, []);
        y.AsSpan<T>()[0] = TensorPrimitives.SumOfSquares(t) / (T.One + T.One);
    }
}

internal static class BiasAddKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(NnOps.BiasAdd, NnOps.BiasAddGrad, NnOps.L2Loss);
        k.Add(NnOps.BiasAdd, DType.Float, BiasAddKernel<float>.Factory);
        k.Add(NnOps.BiasAdd, DType.Double, BiasAddKernel<double>.Factory);
        k.Add(NnOps.BiasAdd, DType.Int32, BiasAddKernel<int>.Factory);
        k.Add(NnOps.BiasAdd, DType.Int64, BiasAddKernel<long>.Factory);
        k.Add(NnOps.BiasAddGrad, DType.Float, BiasAddGradKernel<float>.Factory);
        k.Add(NnOps.BiasAddGrad, DType.Double, BiasAddGradKernel<double>.Factory);
        k.Add(NnOps.BiasAddGrad, DType.Int32, BiasAddGradKernel<int>.Factory);
        k.Add(NnOps.BiasAddGrad, DType.Int64, BiasAddGradKernel<long>.Factory);
        k.Add(NnOps.L2Loss, DType.Float, _ => new L2LossKernel<float>());
        k.Add(NnOps.L2Loss, DType.Double, _ => new L2LossKernel<double>());
    }
}
