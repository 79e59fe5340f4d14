using System.Runtime.CompilerServices;
using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>A value fed at run time; running without a feed is an InvalidArgument naming it.</summary>
    public static Tensor placeholder(DType dtype, ShapeLike? shape = null, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return new OpBuilder(ArrayOps.Placeholder, name).Attr("dtype", dtype.BaseType())
            .Attr("shape", shape?.Value ?? TensorShape.Unknown).Build().outputs[0];
    }

    /// <summary>Passes <paramref name="input"/> through unless fed (PlaceholderWithDefault).</summary>
    public static Tensor placeholder_with_default(object input, ShapeLike shape, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        using var scope = name_scope(name ?? "PlaceholderWithDefault");
        var x = convert_to_tensor(input, name: "input");
        return new OpBuilder(ArrayOps.PlaceholderWithDefault, scope.Name).Input(x).Attr("shape", shape.Value).Build().outputs[0];
    }
}
