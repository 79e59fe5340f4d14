using System.Runtime.CompilerServices;
using GraphEngine.Ops.Math;

namespace GraphEngine;

public static partial class tf
{
    public static Tensor greater(object x, object y, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    { using var _ = CallSite.Enter(file, line); return BinaryOp(MathOps.Greater, x, y, name ?? "Greater"); }

    public static Tensor greater_equal(object x, object y, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    { using var _ = CallSite.Enter(file, line); return BinaryOp(MathOps.GreaterEqual, x, y, name ?? "GreaterEqual"); }

    public static Tensor less(object x, object y, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    { using var _ = CallSite.Enter(file, line); return BinaryOp(MathOps.Less, x, y, name ?? "Less"); }

    public static Tensor less_equal(object x, object y, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    { using var _ = CallSite.Enter(file, line); return BinaryOp(MathOps.LessEqual, x, y, name ?? "LessEqual"); }

    public static Tensor equal(object x, object y, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    { using var _ = CallSite.Enter(file, line); return BinaryOp(MathOps.Equal, x, y, name ?? "Equal"); }

    public static Tensor not_equal(object x, object y, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    { using var _ = CallSite.Enter(file, line); return BinaryOp(MathOps.NotEqual, x, y, name ?? "NotEqual"); }
}

/// <summary>Comparisons have boolean outputs: no gradient (TF NotDifferentiable).</summary>
internal static class ComparisonGradients
{
    public static void Register(GradientRegistry g) =>
        g.NoGradient(MathOps.Greater, MathOps.GreaterEqual, MathOps.Less, MathOps.LessEqual, MathOps.Equal, MathOps.NotEqual);
}
