using System.Runtime.CompilerServices;
using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>
    /// One-hot rows of <paramref name="depth"/> along <paramref name="axis"/> (default last): on_value (default 1)
    /// where the index matches, off_value (default 0) elsewhere; indices outside [0, depth) give all-off rows.
    /// The dtype comes from <paramref name="dtype"/>, else from on_value, then off_value, else float32 (OneHot).
    /// </summary>
    public static Tensor one_hot(object indices, object depth, object? on_value = null, object? off_value = null, int? axis = null,
        DType? dtype = null, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        using var scope = name_scope(name ?? "one_hot");
        var idx = indices as Tensor ?? convert_to_tensor(indices, name: "indices");
        // TF infers the dtype from on_value, then off_value (tensors or host values), else float32.
        var t = dtype ?? (on_value as Tensor)?.dtype.BaseType() ?? (off_value as Tensor)?.dtype.BaseType()
            ?? HostDType(on_value) ?? HostDType(off_value) ?? DType.Float;
        if (on_value is Tensor onT && onT.dtype.BaseType() != t)
            throw new InvalidArgumentException($"one_hot: dtype {t.PythonName()} does not match on_value {onT.name} of dtype {onT.dtype.PythonName()}");
        if (off_value is Tensor offT && offT.dtype.BaseType() != t)
            throw new InvalidArgumentException($"one_hot: dtype {t.PythonName()} does not match off_value {offT.name} of dtype {offT.dtype.PythonName()}");
        var on = on_value as Tensor ?? constant(on_value ?? 1, t, name: "on_value");
        var off = off_value as Tensor ?? constant(off_value ?? 0, t, name: "off_value");
        var d = depth as Tensor ?? constant(Convert.ToInt32(depth, System.Globalization.CultureInfo.InvariantCulture), DType.Int32, name: "depth");
        return new OpBuilder(ArrayOps.OneHot, scope.Name).Input(idx).Input(d).Input(on).Input(off).Attr("axis", (long)(axis ?? -1)).Build().outputs[0];
    }

    private static DType? HostDType(object? value) => value == null || value is Tensor ? null : NDArrayConversion.ToHostTensor(value).DType;
}

/// <summary>TF's _OneHotGrad returns no gradient for any input.</summary>
internal static class OneHotGradients
{
    public static void Register(GradientRegistry g) => g.NoGradient(ArrayOps.OneHot);
}
