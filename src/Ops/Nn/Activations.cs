using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Math;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Nn;

/// <summary>Activations (TF: core/ops/nn_ops.cc, kernels/relu_op_functor.h).</summary>
public static partial class NnOps
{
    private const string ReluTypes = "{float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64";

    public static readonly OpDef Relu = OpDef.Define("Relu")
        .Input("features: T")
        .Output("activations: T")
        .Attr("T: " + ReluTypes + ", qint8}")
        .Shape(CommonShapes.Unchanged);

    /// <summary>Needed by Relu's gradient: backprops = gradients where features &gt; 0.</summary>
    public static readonly OpDef ReluGrad = OpDef.Define("ReluGrad")
        .Input("gradients: T")
        .Input("features: T")
        .Output("backprops: T")
        .Attr("T: " + ReluTypes + "}")
        .Shape(CommonShapes.MergeBothInputs);
}

internal static class ActivationKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(NnOps.Relu, NnOps.ReluGrad);
        ArithmeticKernels.Unary<ReluOp<float>, ReluOp<double>, ReluOp<int>, ReluOp<long>>(k, NnOps.Relu);
        // ReluGrad requires equal shapes (TF's BinaryElementWiseOp), unlike the broadcasting ops.
        k.Add(NnOps.ReluGrad, DType.Float, _ => new ReluGradKernel<float>());
        k.Add(NnOps.ReluGrad, DType.Double, _ => new ReluGradKernel<double>());
        k.Add(NnOps.ReluGrad, DType.Int32, _ => new ReluGradKernel<int>());
        k.Add(NnOps.ReluGrad, DType.Int64, _ => new ReluGradKernel<long>());
    }
}

internal sealed class ReluGradKernel<T> : IOpKernel where T : unmanaged, System.Numerics.INumber<T>
{
    public void Compute(OpKernelContext ctx)
    {
        var g = ctx.Input(0);
        var f = ctx.Input(1);
        if (!g.SameShape(f))
            throw new InvalidArgumentException("g and a must be the same shape");
        var y = ctx.ForwardInputOrAllocateOutput(0, 0, g.Dims);
        ReluGradOp<T>.Invoke(g.AsReadOnlySpan<T>(), f.AsReadOnlySpan<T>(), y.AsSpan<T>());
    }
}
