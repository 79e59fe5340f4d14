using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;
using GraphEngine.Ops.Model;

namespace GraphEngine;

public static partial class tf
{
    private static Tensor Unary(OpDef def, Tensor x, string? name, string file, int line)
    {
        using var _ = CallSite.Enter(file, line);
        return OpBuilder.Unary(def, x, name ?? def.Name);
    }

    public static Tensor abs(Tensor x, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Unary(MathOps.Abs, x, name, file, line);
    public static Tensor sign(Tensor x, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Unary(MathOps.Sign, x, name, file, line);
    public static Tensor exp(Tensor x, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Unary(MathOps.Exp, x, name, file, line);
    public static Tensor log(Tensor x, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Unary(MathOps.Log, x, name, file, line);
    public static Tensor log1p(Tensor x, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Unary(MathOps.Log1p, x, name, file, line);
    public static Tensor expm1(Tensor x, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Unary(MathOps.Expm1, x, name, file, line);
    public static Tensor sqrt(Tensor x, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Unary(MathOps.Sqrt, x, name, file, line);
    public static Tensor rsqrt(Tensor x, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Unary(MathOps.Rsqrt, x, name, file, line);
    public static Tensor reciprocal(Tensor x, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Unary(MathOps.Reciprocal, x, name, file, line);
    public static Tensor floor(Tensor x, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Unary(MathOps.Floor, x, name, file, line);
    public static Tensor ceil(Tensor x, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Unary(MathOps.Ceil, x, name, file, line);
    public static Tensor sin(Tensor x, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Unary(MathOps.Sin, x, name, file, line);
    public static Tensor cos(Tensor x, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Unary(MathOps.Cos, x, name, file, line);
    public static Tensor tanh(Tensor x, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Unary(MathOps.Tanh, x, name, file, line);
    public static Tensor sigmoid(Tensor x, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Unary(MathOps.Sigmoid, x, name, file, line);
    public static Tensor erf(Tensor x, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Unary(MathOps.Erf, x, name, file, line);
    public static Tensor is_nan(Tensor x, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Unary(MathOps.IsNan, x, name, file, line);
    public static Tensor is_finite(Tensor x, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Unary(MathOps.IsFinite, x, name, file, line);

    /// <summary>Round half to even; an integer tensor is returned unchanged, as TF 1.15's tf.round does.</summary>
    public static Tensor round(Tensor x, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        x.dtype.BaseType().IsInteger() ? x : Unary(MathOps.Round, x, name, file, line);
}

/// <summary>Gradients of the unary math ops (TF: python/ops/math_grad.py), emitting TF's *Grad ops where TF does.</summary>
internal static class UnaryGradients
{
    private static Tensor Mul(Tensor a, Tensor b) => OpBuilder.Binary(MathOps.Mul, a, b, null);
    private static Tensor Const(double v, Tensor like) => tf.constant(v, like.dtype.BaseType());

    public static void Register(GradientRegistry g)
    {
        // TF _AbsGrad: dy · sign(x).
        g.Add(MathOps.Abs, static (op, dy) => [Mul(dy[0]!, tf.sign(op.inputs[0]))]);
        // TF _SignGrad: zeros, not None (sign is piecewise constant).
        g.Add(MathOps.Sign, static (op, dy) => [tf.zeros_like(op.inputs[0])]);
        // TF _ExpGrad: dy · y, computed once dy exists (control dependency, as TF).
        g.Add(MathOps.Exp, static (op, dy) =>
        {
            using (tf.control_dependencies([dy[0]!])) return [Mul(dy[0]!, op.outputs[0])];
        });
        g.Add(MathOps.Log, static (op, dy) =>
        {
            using (tf.control_dependencies([dy[0]!])) return [Mul(dy[0]!, tf.reciprocal(op.inputs[0]))];
        });
        g.Add(MathOps.Log1p, static (op, dy) =>
        {
            var x = op.inputs[0];
            using (tf.control_dependencies([dy[0]!])) return [Mul(dy[0]!, tf.reciprocal(Const(1, x) + x))];
        });
        g.Add(MathOps.Expm1, static (op, dy) =>
        {
            using (tf.control_dependencies([dy[0]!])) return [Mul(dy[0]!, tf.exp(op.inputs[0]))];
        });
        // TF _SqrtGrad / _RsqrtGrad / _ReciprocalGrad / _TanhGrad / _SigmoidGrad: the *Grad op on the forward output.
        g.Add(MathOps.Sqrt, static (op, dy) => [OpBuilder.Binary(MathOps.SqrtGrad, op.outputs[0], dy[0]!, null)]);
        g.Add(MathOps.Rsqrt, static (op, dy) => [OpBuilder.Binary(MathOps.RsqrtGrad, op.outputs[0], dy[0]!, null)]);
        g.Add(MathOps.Reciprocal, static (op, dy) => [OpBuilder.Binary(MathOps.ReciprocalGrad, op.outputs[0], dy[0]!, null)]);
        g.Add(MathOps.Tanh, static (op, dy) =>
        {
            using (tf.control_dependencies([dy[0]!])) return [OpBuilder.Binary(MathOps.TanhGrad, op.outputs[0], dy[0]!, null)];
        });
        g.Add(MathOps.Sigmoid, static (op, dy) =>
        {
            using (tf.control_dependencies([dy[0]!])) return [OpBuilder.Binary(MathOps.SigmoidGrad, op.outputs[0], dy[0]!, null)];
        });
        // TF registers None for Floor, Ceil and Round: piecewise constant, the gradient stops.
        g.Add(MathOps.Floor, static (op, dy) => [null]);
        g.Add(MathOps.Ceil, static (op, dy) => [null]);
        g.Add(MathOps.Round, static (op, dy) => [null]);
        g.Add(MathOps.Sin, static (op, dy) =>
        {
            using (tf.control_dependencies([dy[0]!])) return [Mul(dy[0]!, tf.cos(op.inputs[0]))];
        });
        g.Add(MathOps.Cos, static (op, dy) =>
        {
            using (tf.control_dependencies([dy[0]!])) return [Mul(-dy[0]!, tf.sin(op.inputs[0]))];
        });
        // TF _ErfGrad: dy · 2/√π · exp(−x²).
        g.Add(MathOps.Erf, static (op, dy) =>
        {
            var x = op.inputs[0];
            var twoOverRootPi = Const(2 / System.Math.Sqrt(System.Math.PI), dy[0]!);
            using (tf.control_dependencies([dy[0]!])) return [Mul(Mul(dy[0]!, twoOverRootPi), tf.exp(-tf.square(x)))];
        });
        g.NoGradient(MathOps.IsNan, MathOps.IsFinite);

        // Second order (TF _TanhGradGrad …): z = f(y, dy) is differentiated in both inputs.
        g.Add(MathOps.TanhGrad, static (op, grad) =>
        {
            var (y, dy, gz) = (op.inputs[0], op.inputs[1], grad[0]!);
            using (tf.control_dependencies([gz])) return [Mul(Mul(Mul(gz, Const(-2.0, y)), dy), y), OpBuilder.Binary(MathOps.TanhGrad, y, gz, null)];
        });
        g.Add(MathOps.SigmoidGrad, static (op, grad) =>
        {
            var (y, dy, gz) = (op.inputs[0], op.inputs[1], grad[0]!);
            using (tf.control_dependencies([gz]))
            {
                var gb = Mul(gz, dy);
                return [gb - Mul(Mul(Const(2.0, y), gb), y), OpBuilder.Binary(MathOps.SigmoidGrad, y, gz, null)];
            }
        });
        // TF _SqrtGradGrad: with ga = gz / y: (−ga · z, 0.5 · ga), z = dy/(2y) being this op's output.
        g.Add(MathOps.SqrtGrad, static (op, grad) =>
        {
            var (y, z, gz) = (op.inputs[0], op.outputs[0], grad[0]!);
            using (tf.control_dependencies([gz]))
            {
                var ga = gz / y;
                return [Mul(-ga, z), Mul(Const(0.5, y), ga)];
            }
        });
        g.Add(MathOps.RsqrtGrad, static (op, grad) =>
        {
            var (y, dy, gz) = (op.inputs[0], op.inputs[1], grad[0]!);
            using (tf.control_dependencies([gz]))
                return [Mul(Mul(Mul(Const(-1.5, y), gz), dy), tf.square(y)), OpBuilder.Binary(MathOps.RsqrtGrad, y, gz, null)];
        });
        g.Add(MathOps.ReciprocalGrad, static (op, grad) =>
        {
            var (y, dy, gz) = (op.inputs[0], op.inputs[1], grad[0]!);
            using (tf.control_dependencies([gz])) return [Mul(Mul(Mul(gz, Const(-2.0, y)), dy), y), OpBuilder.Binary(MathOps.ReciprocalGrad, y, gz, null)];
        });
    }
}
