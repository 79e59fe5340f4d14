using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>
    /// TF1's tf.norm: vector norms (axis null or one axis; null flattens the tensor) and matrix
    /// norms (two axes). <paramref name="ord"/> is "euclidean"/"fro", 1, 2 (vectors only here),
    /// double.PositiveInfinity, or any p &gt; 0 for vectors. The matrix 2-norm needs an SVD and is
    /// not available.
    /// </summary>
    public static Tensor norm(Tensor tensor, object? ord = null, int[]? axis = null, bool keepdims = false, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        ord ??= "euclidean";
        bool isMatrix = axis is { Length: 2 };
        if (axis != null && axis.Length is not (1 or 2))
            throw new InvalidArgumentException($"'axis' must be None, an integer, or a tuple of 2 unique integers, got [{string.Join(", ", axis)}].");
        if (isMatrix && axis![0] == axis[1])
            throw new InvalidArgumentException($"'axis' must be None, an integer, or a tuple of 2 unique integers, got [{string.Join(", ", axis)}].");
        bool euclidean = ord is "euclidean" or "fro" || (!isMatrix && ord is double or int && Convert.ToDouble(ord) == 2.0);
        double p = 0;
        if (!euclidean)
        {
            if (ord is string s) throw new InvalidArgumentException($"'ord' must be a supported vector or matrix norm, got '{s}'.");
            p = Convert.ToDouble(ord);
            if (isMatrix && p is not (1.0 or double.PositiveInfinity))
                throw new InvalidArgumentException(p == 2.0
                    ? "'ord' 2 for matrix norms needs an SVD, which is not available."
                    : $"'ord' must be a supported matrix norm in ['euclidean', 'fro', 1, 2, inf], got {p}.");
            if (!(p > 0)) throw new InvalidArgumentException($"'ord' must be a supported vector norm, got {p}.");
        }
        using var scope = name_scope(name ?? "norm");
        Tensor result;
        if (euclidean)
        {
            // Frobenius for two axes, L2 for one or all.
            result = sqrt(reduce_sum(tensor * tensor, axis, keepdims: true));
        }
        else
        {
            result = abs(tensor);
            if (p == 1.0)
            {
                result = reduce_sum(result, axis == null ? null : axis[0], keepdims: true);
                if (isMatrix) result = reduce_max(result, axis![1], keepdims: true);
            }
            else if (double.IsPositiveInfinity(p))
            {
                if (isMatrix) result = reduce_sum(result, axis![1], keepdims: true);
                result = reduce_max(result, axis == null ? null : axis[0], keepdims: true);
            }
            else
            {
                result = pow(reduce_sum(pow(result, p), axis, keepdims: true), 1.0 / p);
            }
        }
        if (!keepdims)
        {
            int rank = result.shape.Rank;
            int[]? squeezeAxes = axis == null ? null : axis.Select(a => a < 0 && rank > 0 ? a + rank : a).ToArray();
            if (axis != null && rank < 0 && axis.Any(a => a < 0))
                throw new UnimplementedException($"norm: negative axes need the rank of {tensor.name}, which is unknown.");
            result = squeeze(result, squeezeAxes);
        }
        return result;
    }
}
