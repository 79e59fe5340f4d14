using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>sqrt(Σ ‖t‖²) over the non-null tensors (TF1: 2·Σ l2_loss, then Sqrt named "global_norm").</summary>
    public static Tensor global_norm(IEnumerable<Tensor?> t_list, string name = "global_norm",
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        var values = t_list.Where(t => t != null).Cast<Tensor>().ToList();
        if (values.Count == 0) throw new InvalidArgumentException("global_norm: t_list has no non-null tensors.");
        using var scope = name_scope(name);
        var halfSquared = values.Select(v => nn.l2_loss(v)).ToList();
        var total = reduce_sum(stack(halfSquared));
        return sqrt(total * 2.0, name: "global_norm");
    }

    /// <summary>
    /// Scales every tensor by clip_norm / max(global_norm, clip_norm), so their joint norm is at most
    /// clip_norm; returns the clipped list (null entries pass through) and the global norm used.
    /// </summary>
    public static (Tensor?[] list_clipped, Tensor global_norm) clip_by_global_norm(IEnumerable<Tensor?> t_list, object clip_norm,
        Tensor? use_norm = null, string name = "clip_by_global_norm", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        var list = t_list.ToList();
        var first = list.FirstOrDefault(t => t != null) ?? throw new InvalidArgumentException("clip_by_global_norm: t_list has no non-null tensors.");
        using var scope = name_scope(name);
        var norm = use_norm ?? global_norm(list);
        var clip = convert_to_tensor(clip_norm, first.dtype.BaseType(), name: "clip_norm");
        // TF1: scale = clip_norm · min(1/norm, 1/clip_norm); an infinite norm gives NaN, as in TF.
        var scale = clip * minimum(1.0 / norm, 1.0 / clip);
        var clipped = list.Select((t, i) => t == null ? null : identity(t * cast(scale, t.dtype), name: $"{scope.Name}_{i}")).ToArray();
        return (clipped, norm);
    }

    /// <summary>t · clip_norm / max(‖t‖₂ over axes, clip_norm) (TF1 clip_by_norm, safe at zero norm).</summary>
    public static Tensor clip_by_norm(Tensor t, object clip_norm, object? axes = null, string name = "clip_by_norm",
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        using var scope = name_scope(name);
        var clip = convert_to_tensor(clip_norm, t.dtype.BaseType(), name: "clip_norm");
        var l2sum = reduce_sum(t * t, axes, keepdims: true);
        var positive = greater(l2sum, 0.0);
        var l2sumSafe = where(positive, l2sum, ones_like(l2sum));
        var l2norm = where(positive, sqrt(l2sumSafe), l2sum);
        return identity(t * clip / maximum(l2norm, clip), name: scope.Name);
    }

    /// <summary>t · clip_norm · min(n / ‖t‖₂, 1 / clip_norm), n the element count (TF1 clip_by_average_norm).</summary>
    public static Tensor clip_by_average_norm(Tensor t, object clip_norm, string name = "clip_by_average_norm",
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        using var scope = name_scope(name);
        var clip = convert_to_tensor(clip_norm, t.dtype.BaseType(), name: "clip_norm");
        var n = cast(size(t), t.dtype.BaseType());
        var inverseNorm = rsqrt(reduce_sum(t * t));
        return identity(t * clip * minimum(inverseNorm * n, 1.0 / clip), name: scope.Name);
    }
}
