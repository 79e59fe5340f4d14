using System.Numerics;
using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Math;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Nn;

/// <summary>Relu6, LeakyRelu, Elu, Selu, Softplus, Softsign and their *Grad ops (TF: core/ops/nn_ops.cc).</summary>
public static partial class NnOps
{
    private const string Relu6Types = "{float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64}";
    private const string NnFloatTypes = "{half, bfloat16, float, double}";

    private static OpDef ActivationDef(string name) => OpDef.Define(name)
        .Input("features: T").Output("activations: T").Attr("T: " + NnFloatTypes).Shape(CommonShapes.Unchanged);

    private static OpDef ActivationGradDef(string name, string second) => OpDef.Define(name)
        .Input("gradients: T").Input(second + ": T").Output("backprops: T").Attr("T: " + NnFloatTypes).Shape(CommonShapes.MergeBothInputs);

    public static readonly OpDef Relu6 = OpDef.Define("Relu6")
        .Input("features: T").Output("activations: T").Attr("T: " + Relu6Types).Shape(CommonShapes.Unchanged);

    public static readonly OpDef Relu6Grad = OpDef.Define("Relu6Grad")
        .Input("gradients: T").Input("features: T").Output("backprops: T").Attr("T: " + Relu6Types).Shape(CommonShapes.MergeBothInputs);

    public static readonly OpDef LeakyRelu = OpDef.Define("LeakyRelu")
        .Input("features: T").Output("activations: T")
        .Attr("alpha: float = 0.2").Attr("T: {half, bfloat16, float, double} = DT_FLOAT").Shape(CommonShapes.Unchanged);

    public static readonly OpDef LeakyReluGrad = OpDef.Define("LeakyReluGrad")
        .Input("gradients: T").Input("features: T").Output("backprops: T")
        .Attr("alpha: float = 0.2").Attr("T: {half, bfloat16, float, double} = DT_FLOAT").Shape(CommonShapes.MergeBothInputs);

    public static readonly OpDef Elu = ActivationDef("Elu");
    public static readonly OpDef EluGrad = ActivationGradDef("EluGrad", "outputs");
    public static readonly OpDef Selu = ActivationDef("Selu");
    public static readonly OpDef SeluGrad = ActivationGradDef("SeluGrad", "outputs");
    public static readonly OpDef Softplus = ActivationDef("Softplus");
    public static readonly OpDef SoftplusGrad = ActivationGradDef("SoftplusGrad", "features");
    public static readonly OpDef Softsign = ActivationDef("Softsign");
    public static readonly OpDef SoftsignGrad = ActivationGradDef("SoftsignGrad", "features");
}

/// <summary>
/// A *Grad kernel of an activation: two inputs of the same shape (TF's BinaryElementWiseOp check),
/// applied elementwise.
/// </summary>
internal sealed class ActivationGradKernel<T, TFn> : IOpKernel where T : unmanaged where TFn : IScalarBinary<T>
{
    public static readonly KernelFactory Factory = _ => new ActivationGradKernel<T, TFn>();

    public void Compute(OpKernelContext ctx)
    {
        var g = ctx.Input(0);
        var x = ctx.Input(1);
        ActivationGradCheck.SameShape(ctx, g, x);
        var y = ctx.ForwardInputOrAllocateOutput(0, 0, g.Dims);
        ZipMap.Invoke<T, TFn>(g.AsReadOnlySpan<T>(), x.AsReadOnlySpan<T>(), y.AsSpan<T>());
    }
}

internal static class ActivationGradCheck
{
    public static void SameShape(OpKernelContext ctx, HostTensor a, HostTensor b)
    {
        if (!a.SameShape(b))
            throw new InvalidArgumentException(
                $"Inputs to operation {ctx.Node.Name} of type {ctx.Node.Op} must have the same size and shape.  Input 0: {a.Shape} != input 1: {b.Shape}");
    }
}

/// <summary>LeakyRelu: x &gt; 0 ? x : alpha·x, alpha read once from the node.</summary>
internal sealed class LeakyReluKernel<T>(T alpha) : IOpKernel where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Compute(OpKernelContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.ForwardInputOrAllocateOutput(0, 0, x.Dims);
        var xs = x.AsReadOnlySpan<T>();
        var ys = y.AsSpan<T>();
        for (int i = 0; i < xs.Length; i++) ys[i] = xs[i] > T.Zero ? xs[i] : alpha * xs[i];
    }
}

/// <summary>LeakyReluGrad: x &gt; 0 ? g : alpha·g.</summary>
internal sealed class LeakyReluGradKernel<T>(T alpha) : IOpKernel where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Compute(OpKernelContext ctx)
    {
        var g = ctx.Input(0);
        var x = ctx.Input(1);
        ActivationGradCheck.SameShape(ctx, g, x);
        var y = ctx.ForwardInputOrAllocateOutput(0, 0, g.Dims);
        var gs = g.AsReadOnlySpan<T>();
        var xs = x.AsReadOnlySpan<T>();
        var ys = y.AsSpan<T>();
        for (int i = 0; i < gs.Length; i++) ys[i] = xs[i] > T.Zero ? gs[i] : alpha * gs[i];
    }
}

internal static class Activation2Kernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(NnOps.Relu6, NnOps.Relu6Grad, NnOps.LeakyRelu, NnOps.LeakyReluGrad, NnOps.Elu, NnOps.EluGrad,
            NnOps.Selu, NnOps.SeluGrad, NnOps.Softplus, NnOps.SoftplusGrad, NnOps.Softsign, NnOps.SoftsignGrad);

        ArithmeticKernels.Unary<MapOp<float, Relu6Fn<float>>, MapOp<double, Relu6Fn<double>>, MapOp<int, Relu6Fn<int>>, MapOp<long, Relu6Fn<long>>>(k, NnOps.Relu6);
        Grad<float, Relu6GradFn<float>>(k, NnOps.Relu6Grad, DType.Float);
        Grad<double, Relu6GradFn<double>>(k, NnOps.Relu6Grad, DType.Double);
        Grad<int, Relu6GradFn<int>>(k, NnOps.Relu6Grad, DType.Int32);
        Grad<long, Relu6GradFn<long>>(k, NnOps.Relu6Grad, DType.Int64);

        k.Add(NnOps.LeakyRelu, DType.Float, c => new LeakyReluKernel<float>(c.Attr("alpha").F));
        k.Add(NnOps.LeakyRelu, DType.Double, c => new LeakyReluKernel<double>(c.Attr("alpha").F));
        k.Add(NnOps.LeakyReluGrad, DType.Float, c => new LeakyReluGradKernel<float>(c.Attr("alpha").F));
        k.Add(NnOps.LeakyReluGrad, DType.Double, c => new LeakyReluGradKernel<double>(c.Attr("alpha").F));

        UnaryKernels.Float<VectorMapOp<float, EluVec<float>>, VectorMapOp<double, EluVec<double>>>(k, NnOps.Elu);
        UnaryKernels.Float<VectorMapOp<float, SeluVec<float>>, VectorMapOp<double, SeluVec<double>>>(k, NnOps.Selu);
        UnaryKernels.Float<VectorMapOp<float, SoftplusVec<float>>, VectorMapOp<double, SoftplusVec<double>>>(k, NnOps.Softplus);
        UnaryKernels.Float<VectorMapOp<float, SoftsignVec<float>>, VectorMapOp<double, SoftsignVec<double>>>(k, NnOps.Softsign);
        FloatGrad<EluGradFn<float>, EluGradFn<double>>(k, NnOps.EluGrad);
        FloatGrad<SeluGradFn<float>, SeluGradFn<double>>(k, NnOps.SeluGrad);
        FloatGrad<SoftplusGradFn<float>, SoftplusGradFn<double>>(k, NnOps.SoftplusGrad);
        FloatGrad<SoftsignGradFn<float>, SoftsignGradFn<double>>(k, NnOps.SoftsignGrad);
    }

    private static void Grad<T, TFn>(KernelRegistry k, OpDef op, DType t) where T : unmanaged where TFn : IScalarBinary<T> =>
        k.Add(op, t, ActivationGradKernel<T, TFn>.Factory);

    private static void FloatGrad<TF, TD>(KernelRegistry k, OpDef op) where TF : IScalarBinary<float> where TD : IScalarBinary<double>
    {
        Grad<float, TF>(k, op, DType.Float);
        Grad<double, TD>(k, op, DType.Double);
    }
}
