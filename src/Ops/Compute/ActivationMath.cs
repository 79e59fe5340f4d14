using System.Numerics;

namespace GraphEngine.Ops.Compute;

/// <summary>min(max(x, 0), 6), with NaN passed through (Eigen's cwiseMax/cwiseMin on non-NaN-propagating compares).</summary>
public readonly struct Relu6Fn<T> : IScalarUnary<T> where T : unmanaged, INumber<T>
{
    private static readonly T Six = T.CreateTruncating(6);
    public static T Invoke(T x) => x < T.Zero ? T.Zero : x > Six ? Six : x;
}

/// <summary>Relu6Grad: g where 0 &lt; x &lt; 6, else 0 (TF's relu_op_functor.h).</summary>
public readonly struct Relu6GradFn<T> : IScalarBinary<T> where T : unmanaged, INumber<T>
{
    private static readonly T Six = T.CreateTruncating(6);
    public static T Invoke(T g, T x) => x > T.Zero && x < Six ? g : T.Zero;
}

/// <summary>Elu: x &lt; 0 ? expm1(x) : x (TF writes exp(x) − 1; expm1 keeps the digits near 0).</summary>
public readonly struct EluFn<T> : IScalarUnary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x) => x < T.Zero ? ScalarMath.Expm1(x) : x;
}

/// <summary>EluGrad on the forward output y: y &lt; 0 ? g·(y + 1) : g.</summary>
public readonly struct EluGradFn<T> : IScalarBinary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T g, T y) => y < T.Zero ? g * (y + T.One) : g;
}

/// <summary>The SELU constants of Klambauer et al., as TF's relu_op_functor.h spells them.</summary>
public static class SeluConstants
{
    public const double Scale = 1.0507009873554804934193349852946;
    public const double Alpha = 1.6732632423543772848170429916717;
    public const double ScaleAlpha = Scale * Alpha;
}

/// <summary>Selu: x &lt; 0 ? scale·alpha·expm1(x) : scale·x.</summary>
public readonly struct SeluFn<T> : IScalarUnary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly T Scale = T.CreateTruncating(SeluConstants.Scale);
    private static readonly T ScaleAlpha = T.CreateTruncating(SeluConstants.ScaleAlpha);
    public static T Invoke(T x) => x < T.Zero ? ScaleAlpha * ScalarMath.Expm1(x) : Scale * x;
}

/// <summary>SeluGrad on the forward output y: y &lt; 0 ? g·(y + scale·alpha) : g·scale.</summary>
public readonly struct SeluGradFn<T> : IScalarBinary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly T Scale = T.CreateTruncating(SeluConstants.Scale);
    private static readonly T ScaleAlpha = T.CreateTruncating(SeluConstants.ScaleAlpha);
    public static T Invoke(T g, T y) => y < T.Zero ? g * (y + ScaleAlpha) : g * Scale;
}

/// <summary>
/// Softplus log(1 + exp(x)) with TF's three branches (kernels/softplus_op.h): above −threshold it
/// is x, below threshold exp(x), between log1p(exp(x)); threshold = log(machine eps) + 2.
/// </summary>
public readonly struct SoftplusFn<T> : IScalarUnary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static readonly T Threshold = T.Log(ScalarMath.MachineEpsilon<T>()) + T.CreateTruncating(2);
    public static T Invoke(T x) => x > -Threshold ? x : x < Threshold ? T.Exp(x) : ScalarMath.Log1p(T.Exp(x));
}

/// <summary>SoftplusGrad: g / (exp(−x) + 1) = g·sigmoid(x).</summary>
public readonly struct SoftplusGradFn<T> : IScalarBinary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T g, T x) => g / (T.Exp(-x) + T.One);
}

/// <summary>Softsign: x / (|x| + 1).</summary>
public readonly struct SoftsignFn<T> : IScalarUnary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x) => x / (T.Abs(x) + T.One);
}

/// <summary>SoftsignGrad: g / (|x| + 1)².</summary>
public readonly struct SoftsignGradFn<T> : IScalarBinary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T g, T x)
    {
        T d = T.Abs(x) + T.One;
        return g / (d * d);
    }
}
