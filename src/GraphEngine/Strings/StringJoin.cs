using System.Runtime.CompilerServices;
using GraphEngine.Ops.Strings;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>TF1's tf.string_join: elementwise concatenation of string tensors (scalars broadcast).</summary>
    public static Tensor string_join(IEnumerable<Tensor> inputs, string separator = "", string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return new OpBuilder(StringOps.StringJoin, name ?? "StringJoin").InputList(inputs).Attr("separator", separator).Build().outputs[0];
    }

    public static partial class strings
    {
        /// <summary>tf.strings.join, the TF 1.13+ name of <see cref="string_join"/>.</summary>
        public static Tensor join(IEnumerable<Tensor> inputs, string separator = "", string? name = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
            string_join(inputs, separator, name, file, line);
    }
}
