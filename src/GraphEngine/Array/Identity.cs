using System.Runtime.CompilerServices;
using GraphEngine.Ops.Array;

namespace GraphEngine;

public static partial class tf
{
    public static Tensor identity(Tensor input, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return OpBuilder.Unary(ArrayOps.Identity, input, name);
    }

    /// <summary>Identity in the forward pass; no gradient flows through it.</summary>
    public static Tensor stop_gradient(Tensor input, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return OpBuilder.Unary(ArrayOps.StopGradient, input, name);
    }
}
