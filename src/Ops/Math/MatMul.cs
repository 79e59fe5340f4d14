using System.Numerics;
using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Math;

/// <summary>Matrix product (TF: core/ops/math_ops.cc, kernels/matmul_op.cc).</summary>
public static partial class MathOps
{
    /// <summary>TF 2.21's MatMul, including the grad_a/grad_b hints TF added for its gradient graphs.</summary>
    public static readonly OpDef MatMul = OpDef.Define("MatMul")
        .Input("a: T")
        .Input("b: T")
        .Output("product: T")
        .Attr("transpose_a: bool = false")
        .Attr("transpose_b: bool = false")
        .Attr("T: {bfloat16, half, float, double, int32, int64, uint8, uint16, uint32, uint64, complex64, complex128}")
        .Attr("grad_a: bool = false")
        .Attr("grad_b: bool = false")
        .Shape(MatMulShape);

    /// <summary>TF's MatMulShape: both inputs rank 2, inner dims merge, output [m, n].</summary>
    private static void MatMulShape(InferenceContext c)
    {
        var a = c.WithRank(0, 2);
        var b = c.WithRank(1, 2);
        bool ta = c.Attr("transpose_a").B, tb = c.Attr("transpose_b").B;
        long m = ta ? a[1] : a[0], ka = ta ? a[0] : a[1];
        long n = tb ? b[0] : b[1], kb = tb ? b[1] : b[0];
        InferenceContext.MergeDim(ka, kb);
        c.SetOutput(0, new TensorShape(m, n));
    }
}

/// <summary>MatMul for one dtype; transposes are read through the GEMM's packing, never materialised.</summary>
internal sealed class MatMulKernel<T> : IOpKernel where T : unmanaged, INumber<T>
{
    private readonly bool _transA, _transB;

    public MatMulKernel(OpKernelConstruction c)
    {
        _transA = c.Attr("transpose_a").B;
        _transB = c.Attr("transpose_b").B;
    }

    public void Compute(OpKernelContext ctx)
    {
        var a = ctx.Input(0);
        var b = ctx.Input(1);
        if (a.Rank != 2) throw new InvalidArgumentException($"In[0] is not a matrix. Instead it has shape {a.Shape}");
        if (b.Rank != 2) throw new InvalidArgumentException($"In[1] is not a matrix. Instead it has shape {b.Shape}");
        long m = _transA ? a.Dims[1] : a.Dims[0], k = _transA ? a.Dims[0] : a.Dims[1];
        long kb = _transB ? b.Dims[1] : b.Dims[0], n = _transB ? b.Dims[0] : b.Dims[1];
        if (k != kb)
            throw new InvalidArgumentException($"Matrix size-incompatible: In[0]: {a.Shape}, In[1]: {b.Shape}");
        var c = ctx.AllocateOutput(0, [m, n]);
        Gemm.Multiply(a.AsReadOnlySpan<T>(), _transA, b.AsReadOnlySpan<T>(), _transB, c.AsSpan<T>(),
            checked((int)m), checked((int)n), checked((int)k));
    }
}

internal static class MatMulKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(MathOps.MatMul);
        k.Add(MathOps.MatMul, DType.Float, c => new MatMulKernel<float>(c));
        k.Add(MathOps.MatMul, DType.Double, c => new MatMulKernel<double>(c));
        k.Add(MathOps.MatMul, DType.Int32, c => new MatMulKernel<int>(c));
        k.Add(MathOps.MatMul, DType.Int64, c => new MatMulKernel<long>(c));
    }
}
