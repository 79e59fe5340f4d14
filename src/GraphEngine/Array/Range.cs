using System.Runtime.CompilerServices;
using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>[start, start + delta, …) below <paramref name="limit"/> (Range); int32 unless a value is floating.</summary>
    public static Tensor range(object start, object? limit = null, object? delta = null, DType? dtype = null, string name = "range",
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        if (limit == null) (start, limit) = (0, start);
        delta ??= 1;
        var type = dtype ?? (new[] { start, limit, delta }.Any(v => v is float or double || (v is Tensor t && t.dtype.IsFloating()))
            ? (new[] { start, limit, delta }.Any(v => v is double || (v is Tensor t && t.dtype.BaseType() == DType.Double)) ? DType.Double : DType.Float)
            : new[] { start, limit, delta }.OfType<Tensor>().Select(t => t.dtype.BaseType()).FirstOrDefault(DType.Int32));
        using var scope = name_scope(name);
        var s = convert_to_tensor(start, type, name: "start");
        var l = convert_to_tensor(limit, type, name: "limit");
        var d = convert_to_tensor(delta, type, name: "delta");
        return new OpBuilder(ArrayOps.Range, scope.Name).Input(s).Input(l).Input(d).Build().outputs[0];
    }

    public static Tensor size(Tensor input, string? name = null, DType out_type = DType.Int32, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return new OpBuilder(ArrayOps.Size, name ?? "Size").Input(input).Attr("out_type", out_type).Build().outputs[0];
    }

    public static Tensor rank(Tensor input, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return OpBuilder.Unary(ArrayOps.Rank, input, name ?? "Rank");
    }
}

internal static class RangeGradients
{
    public static void Register(GradientRegistry g) => g.NoGradient(ArrayOps.Range, ArrayOps.Size, ArrayOps.Rank, ArrayOps.Where);
}
