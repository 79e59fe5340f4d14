using System.Numerics;
using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Math;

/// <summary>Elementwise unary math and the *Grad ops of its gradients (TF: core/ops/math_ops.cc, kernels/cwise_op_*.cc).</summary>
public static partial class MathOps
{
    private const string FloatTypes = "{bfloat16, half, float, double}";
    private const string FloatComplexTypes = "{bfloat16, half, float, double, complex64, complex128}";
    private const string SignedTypes = "{bfloat16, half, float, double, int8, int16, int32, int64, complex64, complex128}";

    private static OpDef UnaryDef(string name, string types) =>
        OpDef.Define(name).Input("x: T").Output("y: T").Attr("T: " + types).Shape(CommonShapes.Unchanged);

    // TF's UNARY_GRADIENT_COMPLEX ops take the forward output y and the incoming dy.
    private static OpDef UnaryGradDef(string name) =>
        OpDef.Define(name).Input("y: T").Input("dy: T").Output("z: T").Attr("T: " + FloatComplexTypes).Shape(CommonShapes.Unchanged);

    public static readonly OpDef Abs = UnaryDef("Abs", "{bfloat16, half, float, double, int8, int16, int32, int64}");
    public static readonly OpDef Sign = UnaryDef("Sign", SignedTypes);
    public static readonly OpDef Exp = UnaryDef("Exp", FloatComplexTypes);
    public static readonly OpDef Log = UnaryDef("Log", FloatComplexTypes);
    public static readonly OpDef Log1p = UnaryDef("Log1p", FloatComplexTypes);
    public static readonly OpDef Expm1 = UnaryDef("Expm1", FloatComplexTypes);
    public static readonly OpDef Sqrt = UnaryDef("Sqrt", FloatComplexTypes);
    public static readonly OpDef Rsqrt = UnaryDef("Rsqrt", FloatComplexTypes);
    public static readonly OpDef Reciprocal = UnaryDef("Reciprocal", SignedTypes);
    public static readonly OpDef Floor = UnaryDef("Floor", FloatTypes);
    public static readonly OpDef Ceil = UnaryDef("Ceil", FloatTypes);
    public static readonly OpDef Round = UnaryDef("Round", SignedTypes);
    public static readonly OpDef Sin = UnaryDef("Sin", FloatComplexTypes);
    public static readonly OpDef Cos = UnaryDef("Cos", FloatComplexTypes);
    public static readonly OpDef Tanh = UnaryDef("Tanh", FloatComplexTypes);
    public static readonly OpDef Sigmoid = UnaryDef("Sigmoid", FloatComplexTypes);
    public static readonly OpDef Erf = UnaryDef("Erf", FloatTypes);

    public static readonly OpDef IsNan = OpDef.Define("IsNan").Input("x: T").Output("y: bool").Attr("T: " + FloatTypes).Shape(CommonShapes.Unchanged);
    public static readonly OpDef IsFinite = OpDef.Define("IsFinite").Input("x: T").Output("y: bool").Attr("T: " + FloatTypes).Shape(CommonShapes.Unchanged);

    public static readonly OpDef TanhGrad = UnaryGradDef("TanhGrad");
    public static readonly OpDef SigmoidGrad = UnaryGradDef("SigmoidGrad");
    public static readonly OpDef SqrtGrad = UnaryGradDef("SqrtGrad");
    public static readonly OpDef RsqrtGrad = UnaryGradDef("RsqrtGrad");
    public static readonly OpDef ReciprocalGrad = UnaryGradDef("ReciprocalGrad");
}

/// <summary>
/// A kernel over two same-shape inputs (TF's SimpleBinaryOp for the *Grad ops): no broadcasting;
/// the output reuses either input's buffer when the executor allows it.
/// </summary>
internal sealed class ZipKernel<T, TFn> : IOpKernel where T : unmanaged where TFn : IScalarBinary<T>
{
    public static readonly KernelFactory Factory = _ => new ZipKernel<T, TFn>();

    public void Compute(OpKernelContext ctx)
    {
        var a = ctx.Input(0);
        var b = ctx.Input(1);
        if (a.NumElements != b.NumElements)
            throw new InvalidArgumentException($"The two arguments to a cwise op must have same number elements, got {a.NumElements} and {b.NumElements}");
        var z = ctx.ForwardableInputs is { } f && f[1] ? ctx.ForwardInputOrAllocateOutput(1, 0, a.Dims) : ctx.ForwardInputOrAllocateOutput(0, 0, a.Dims);
        ZipMap.Invoke<T, TFn>(a.AsReadOnlySpan<T>(), b.AsReadOnlySpan<T>(), z.AsSpan<T>());
    }
}

/// <summary>IsNan / IsFinite: a float input, a bool output of the same shape.</summary>
internal sealed class FloatPredicateKernel<T>(Func<T, bool> predicate) : IOpKernel where T : unmanaged
{
    public void Compute(OpKernelContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.AllocateOutput(0, x.Dims);
        var xs = x.AsReadOnlySpan<T>();
        var ys = y.AsSpan<bool>();
        for (int i = 0; i < xs.Length; i++) ys[i] = predicate(xs[i]);
    }
}

internal static class UnaryKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(MathOps.Abs, MathOps.Sign, MathOps.Exp, MathOps.Log, MathOps.Log1p, MathOps.Expm1, MathOps.Sqrt, MathOps.Rsqrt,
            MathOps.Reciprocal, MathOps.Floor, MathOps.Ceil, MathOps.Round, MathOps.Sin, MathOps.Cos, MathOps.Tanh, MathOps.Sigmoid,
            MathOps.Erf, MathOps.IsNan, MathOps.IsFinite,
            MathOps.TanhGrad, MathOps.SigmoidGrad, MathOps.SqrtGrad, MathOps.RsqrtGrad, MathOps.ReciprocalGrad);

        // Integer kernels where TF's integer semantics are plain: Abs, Sign, Round (identity).
        // Integer Reciprocal (1/x truncating, UB at 0 in TF) is left out.
        ArithmeticKernels.Unary<AbsOp<float>, AbsOp<double>, AbsOp<int>, AbsOp<long>>(k, MathOps.Abs);
        ArithmeticKernels.Unary<MapOp<float, SignFn<float>>, MapOp<double, SignFn<double>>, MapOp<int, SignFn<int>>, MapOp<long, SignFn<long>>>(k, MathOps.Sign);
        ArithmeticKernels.Unary<RoundOp<float>, RoundOp<double>, CopyOp<int>, CopyOp<long>>(k, MathOps.Round);

        Float<ExpOp<float>, ExpOp<double>>(k, MathOps.Exp);
        Float<LogOp<float>, LogOp<double>>(k, MathOps.Log);
        Float<VectorMapOp<float, Log1pVec<float>>, VectorMapOp<double, Log1pVec<double>>>(k, MathOps.Log1p);
        Float<VectorMapOp<float, Expm1Vec<float>>, VectorMapOp<double, Expm1Vec<double>>>(k, MathOps.Expm1);
        Float<SqrtOp<float>, SqrtOp<double>>(k, MathOps.Sqrt);
        Float<RsqrtOp<float>, RsqrtOp<double>>(k, MathOps.Rsqrt);
        Float<ReciprocalOp<float>, ReciprocalOp<double>>(k, MathOps.Reciprocal);
        Float<FloorOp<float>, FloorOp<double>>(k, MathOps.Floor);
        Float<CeilOp<float>, CeilOp<double>>(k, MathOps.Ceil);
        Float<SinOp<float>, SinOp<double>>(k, MathOps.Sin);
        Float<CosOp<float>, CosOp<double>>(k, MathOps.Cos);
        Float<MapOp<float, TanhFn<float>>, MapOp<double, TanhFn<double>>>(k, MathOps.Tanh);
        Float<SigmoidOp<float>, SigmoidOp<double>>(k, MathOps.Sigmoid);
        Float<MapOp<float, ErfFn<float>>, MapOp<double, ErfFn<double>>>(k, MathOps.Erf);

        k.Add(MathOps.IsNan, DType.Float, _ => new FloatPredicateKernel<float>(float.IsNaN));
        k.Add(MathOps.IsNan, DType.Double, _ => new FloatPredicateKernel<double>(double.IsNaN));
        k.Add(MathOps.IsFinite, DType.Float, _ => new FloatPredicateKernel<float>(float.IsFinite));
        k.Add(MathOps.IsFinite, DType.Double, _ => new FloatPredicateKernel<double>(double.IsFinite));

        Zip<TanhGradFn<float>, TanhGradFn<double>>(k, MathOps.TanhGrad);
        Zip<SigmoidGradFn<float>, SigmoidGradFn<double>>(k, MathOps.SigmoidGrad);
        Zip<SqrtGradFn<float>, SqrtGradFn<double>>(k, MathOps.SqrtGrad);
        Zip<RsqrtGradFn<float>, RsqrtGradFn<double>>(k, MathOps.RsqrtGrad);
        Zip<ReciprocalGradFn<float>, ReciprocalGradFn<double>>(k, MathOps.ReciprocalGrad);
    }

    /// <summary>Unary kernels for float and double (half, bfloat16, complex: no kernels yet).</summary>
    internal static void Float<TF, TD>(KernelRegistry k, OpDef op) where TF : IUnaryOp<float> where TD : IUnaryOp<double>
    {
        k.Add(op, DType.Float, UnaryKernel<float, TF>.Factory);
        k.Add(op, DType.Double, UnaryKernel<double, TD>.Factory);
    }

    /// <summary>Same-shape binary kernels for float and double.</summary>
    internal static void Zip<TF, TD>(KernelRegistry k, OpDef op) where TF : IScalarBinary<float> where TD : IScalarBinary<double>
    {
        k.Add(op, DType.Float, ZipKernel<float, TF>.Factory);
        k.Add(op, DType.Double, ZipKernel<double, TD>.Factory);
    }
}
