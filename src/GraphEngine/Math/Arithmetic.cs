using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;

namespace GraphEngine;

public static partial class tf
{
    public static Tensor add(object x, object y, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return BinaryOp(MathOps.AddV2, x, y, name ?? "Add");
    }

    public static Tensor subtract(object x, object y, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return BinaryOp(MathOps.Sub, x, y, name ?? "Sub");
    }

    public static Tensor multiply(object x, object y, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return BinaryOp(MathOps.Mul, x, y, name ?? "Mul");
    }

    /// <summary>True division (TF1 truediv): integers are cast to floating first, as Python 3's "/".</summary>
    public static Tensor divide(object x, object y, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return TrueDiv(x, y, name ?? "truediv");
    }

    public static Tensor truediv(object x, object y, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return TrueDiv(x, y, name ?? "truediv");
    }

    public static Tensor realdiv(object x, object y, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return BinaryOp(MathOps.RealDiv, x, y, name ?? "RealDiv");
    }

    public static Tensor negative(Tensor x, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return OpBuilder.Unary(MathOps.Neg, x, name ?? "Neg");
    }

    public static Tensor square(Tensor x, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return OpBuilder.Unary(MathOps.Square, x, name ?? "Square");
    }

    /// <summary>
    /// A binary op on two values where at least one may be a host value: the host value becomes a
    /// Const of the other operand's dtype (TF's convert_to_tensor(y, dtype_hint=x.dtype)).
    /// </summary>
    internal static Tensor BinaryOp(Ops.Model.OpDef def, object x, object y, string name)
    {
        // As TF's op helper: host values become Consts inside the op's own scope ("y/y" for op "y").
        if (x is Tensor or GraphEngine.Variable && y is Tensor or GraphEngine.Variable)
        {
            var (a, b) = Operands(x, y, name);
            return OpBuilder.Binary(def, a, b, name);
        }
        using (GraphFor([x, y]).as_default())
        using (var scope = name_scope(name))
        {
            var (a, b) = Operands(x, y, name);
            return OpBuilder.Binary(def, a, b, scope.Name);
        }
    }

    private static (Tensor, Tensor) Operands(object x, object y, string name)
    {
        var tx = AsTensorOrNull(x);
        var ty = AsTensorOrNull(y);
        if (tx == null && ty == null) tx = convert_to_tensor(x, name: "x");
        using (tf.GraphFor([tx!, ty!]).as_default())
        {
            var a = tx ?? ScalarLike(x, ty!, "x");
            var b = ty ?? ScalarLike(y, a, "y");
            return (a, b);
        }
    }

    private static Tensor? AsTensorOrNull(object v) => v switch
    {
        Tensor t => t,
        Variable var => var.value(),
        _ => null,
    };

    /// <summary>A host value as a Const of <paramref name="like"/>'s dtype; a fractional value for an integer tensor is an error.</summary>
    internal static Tensor ScalarLike(object value, Tensor like, string name)
    {
        var dtype = like.dtype.BaseType();
        if (dtype.IsInteger() && value is double or float && Convert.ToDouble(value) is var d && d != Math.Floor(d))
            throw new InvalidArgumentException($"Cannot convert {d} to EagerTensor of dtype {dtype.PythonName()} for an op with {like.name}.");
        if (dtype.IsInteger() && value is double or float) value = Convert.ToInt64(value);
        return constant(value, dtype, name: name);
    }

    internal static Tensor TrueDiv(object x, object y, string name)
    {
        using var scope = name_scope(name);
        var (a, b) = Operands(x, y, "truediv");
        var dtype = a.dtype.BaseType();
        if (dtype.IsInteger())
        {
            var target = dtype is DType.Int8 or DType.Int16 or DType.UInt8 or DType.UInt16 ? DType.Float : DType.Double;
            a = cast(a, target);
            b = cast(b, target);
        }
        return OpBuilder.Binary(MathOps.RealDiv, a, b, scope.Name);
    }
}

public sealed partial class Tensor
{
    public static Tensor operator +(Tensor a, Tensor b) => tf.BinaryOp(MathOps.AddV2, a, b, "add");
    public static Tensor operator +(Tensor a, double b) => tf.BinaryOp(MathOps.AddV2, a, b, "add");
    public static Tensor operator +(double a, Tensor b) => tf.BinaryOp(MathOps.AddV2, a, b, "add");
    public static Tensor operator -(Tensor a, Tensor b) => tf.BinaryOp(MathOps.Sub, a, b, "sub");
    public static Tensor operator -(Tensor a, double b) => tf.BinaryOp(MathOps.Sub, a, b, "sub");
    public static Tensor operator -(double a, Tensor b) => tf.BinaryOp(MathOps.Sub, a, b, "sub");
    public static Tensor operator *(Tensor a, Tensor b) => tf.BinaryOp(MathOps.Mul, a, b, "mul");
    public static Tensor operator *(Tensor a, double b) => tf.BinaryOp(MathOps.Mul, a, b, "mul");
    public static Tensor operator *(double a, Tensor b) => tf.BinaryOp(MathOps.Mul, a, b, "mul");
    public static Tensor operator /(Tensor a, Tensor b) => tf.TrueDiv(a, b, "truediv");
    public static Tensor operator /(Tensor a, double b) => tf.TrueDiv(a, b, "truediv");
    public static Tensor operator /(double a, Tensor b) => tf.TrueDiv(a, b, "truediv");
    public static Tensor operator -(Tensor a) => OpBuilder.Unary(MathOps.Neg, a, "Neg");
}

/// <summary>Gradients of elementwise arithmetic (TF: python/ops/math_grad.py).</summary>
internal static class ArithmeticGradients
{
    public static void Register(GradientRegistry g)
    {
        g.Add(MathOps.Add, AddGrad);
        g.Add(MathOps.AddV2, AddGrad);
        g.Add(MathOps.Sub, static (op, grads) =>
        {
            var (x, y, dz) = (op.inputs[0], op.inputs[1], grads[0]!);
            if (BroadcastGradients.SameFullShapes(x, y, dz)) return [dz, -dz];
            var (gx, gy) = BroadcastGradients.Reduce(x, y, dz, dz);
            return [gx, -gy];
        });
        g.Add(MathOps.Mul, static (op, grads) =>
        {
            var (x, y, dz) = (op.inputs[0], op.inputs[1], grads[0]!);
            if (BroadcastGradients.SameFullShapes(x, y, dz))
                return [OpBuilder.Binary(MathOps.Mul, dz, y, null), OpBuilder.Binary(MathOps.Mul, dz, x, null)];
            var (gx, gy) = BroadcastGradients.Reduce(x, y, OpBuilder.Binary(MathOps.Mul, dz, y, null), OpBuilder.Binary(MathOps.Mul, x, dz, null));
            return [gx, gy];
        });
        g.Add(MathOps.RealDiv, static (op, grads) =>
        {
            var (x, y, dz) = (op.inputs[0], op.inputs[1], grads[0]!);
            var dx = OpBuilder.Binary(MathOps.RealDiv, dz, y, null);
            var dy = dz * OpBuilder.Binary(MathOps.RealDiv, OpBuilder.Binary(MathOps.RealDiv, -x, y, null), y, null);
            var (gx, gy) = BroadcastGradients.Reduce(x, y, dx, dy);
            return [gx, gy];
        });
        g.Add(MathOps.Neg, static (op, grads) => [-grads[0]!]);
        // TF _SquareGrad: dy · 2x, computed after dy is available.
        g.Add(MathOps.Square, static (op, grads) =>
        {
            var x = op.inputs[0];
            using (tf.control_dependencies([grads[0]!]))
            {
                var two = tf.constant(2, x.dtype.BaseType());
                return [OpBuilder.Binary(MathOps.Mul, grads[0]!, OpBuilder.Binary(MathOps.Mul, x, two, null), null)];
            }
        });
    }

    private static Tensor?[] AddGrad(Operation op, Tensor?[] grads)
    {
        var (x, y, dz) = (op.inputs[0], op.inputs[1], grads[0]!);
        if (BroadcastGradients.SameFullShapes(x, y, dz)) return [dz, dz];
        var (gx, gy) = BroadcastGradients.Reduce(x, y, dz, dz);
        return [gx, gy];
    }
}
