using System.Runtime.CompilerServices;
using GraphEngine.Ops.Nn;

namespace GraphEngine;

public static partial class tf
{
    public static partial class nn
    {
        /// <summary>max(features, 0).</summary>
        public static Tensor relu(Tensor features, string? name = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            return OpBuilder.Unary(NnOps.Relu, features, name ?? "Relu");
        }
    }
}
