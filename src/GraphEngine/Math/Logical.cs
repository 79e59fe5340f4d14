using System.Runtime.CompilerServices;
using GraphEngine.Ops.Math;

namespace GraphEngine;

public static partial class tf
{
    public static Tensor logical_and(Tensor x, Tensor y, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    { using var _ = CallSite.Enter(file, line); return OpBuilder.Binary(MathOps.LogicalAnd, x, y, name ?? "LogicalAnd"); }

    public static Tensor logical_or(Tensor x, Tensor y, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    { using var _ = CallSite.Enter(file, line); return OpBuilder.Binary(MathOps.LogicalOr, x, y, name ?? "LogicalOr"); }

    public static Tensor logical_not(Tensor x, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    { using var _ = CallSite.Enter(file, line); return OpBuilder.Unary(MathOps.LogicalNot, x, name ?? "LogicalNot"); }
}

internal static class LogicalGradients
{
    public static void Register(GradientRegistry g) => g.NoGradient(MathOps.LogicalAnd, MathOps.LogicalOr, MathOps.LogicalNot);
}
