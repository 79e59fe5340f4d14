using System.Text;

namespace GraphEngine.Ops.Core;

/// <summary>
/// A static tensor shape that may be partially known, as TF's PartialTensorShape: the rank may be
/// unknown, and any dimension may be unknown (-1). Immutable.
/// </summary>
public sealed class TensorShape : IEquatable<TensorShape>
{
    public const long UnknownDim = -1;

    private readonly long[]? _dims;

    private TensorShape(long[]? dims, bool owned) => _dims = dims;

    /// <summary>A shape of unknown rank.</summary>
    public static TensorShape Unknown { get; } = new(null, true);

    /// <summary>The shape of a scalar (rank 0).</summary>
    public static TensorShape Scalar { get; } = new([], true);

    /// <summary>Builds a shape; a negative dimension means unknown.</summary>
    public TensorShape(params long[] dims) : this(Normalize(dims), true) { }

    public TensorShape(params int[] dims) : this(Normalize(System.Array.ConvertAll(dims, d => (long)d)), true) { }

    public static TensorShape Vector(long n) => new(n);

    /// <summary>A shape of known rank with every dimension unknown.</summary>
    public static TensorShape UnknownOfRank(int rank) => new(Enumerable.Repeat(UnknownDim, rank).ToArray(), true);

    private static long[] Normalize(long[] dims)
    {
        var copy = (long[])dims.Clone();
        for (int i = 0; i < copy.Length; i++)
            if (copy[i] < UnknownDim)
                throw new InvalidArgumentException($"Dimension {copy[i]} must be >= 0 (or -1 for unknown) in shape [{string.Join(",", dims)}].");
        return copy;
    }


    /// <summary>True when the rank is known.</summary>
    public bool HasRank => _dims != null;

    /// <summary>The rank, or -1 when unknown.</summary>
    public int Rank => _dims?.Length ?? -1;

    /// <summary>Dimension i (negative i counts from the end); -1 when unknown.</summary>
    public long this[int i]
    {
        get
        {
            if (_dims == null) return UnknownDim;
            if (i < 0) i += _dims.Length;
            if ((uint)i >= (uint)_dims.Length)
                throw new InvalidArgumentException($"Dimension index {i} out of range for shape {this}.");
            return _dims[i];
        }
    }

    /// <summary>The dimensions (-1 for unknown ones). Empty for scalars; throws for unknown rank.</summary>
    public ReadOnlySpan<long> Dims => _dims ?? throw new InvalidArgumentException("Shape of unknown rank has no dimensions.");

    public long[] ToArray() => _dims == null ? throw new InvalidArgumentException("Shape of unknown rank has no dimensions.") : (long[])_dims.Clone();

    public bool IsFullyDefined => _dims != null && System.Array.TrueForAll(_dims, d => d >= 0);

    /// <summary>The number of elements, or -1 when not fully defined.</summary>
    public long NumElements
    {
        get
        {
            if (!IsFullyDefined) return -1;
            long n = 1;
            foreach (var d in _dims!) n = checked(n * d);
            return n;
        }
    }

    /// <summary>Whether some fully defined shape could match both.</summary>
    public bool IsCompatibleWith(TensorShape other)
    {
        if (_dims == null || other._dims == null) return true;
        if (_dims.Length != other._dims.Length) return false;
        for (int i = 0; i < _dims.Length; i++)
            if (_dims[i] >= 0 && other._dims[i] >= 0 && _dims[i] != other._dims[i]) return false;
        return true;
    }

    /// <summary>Whether every dimension of this shape is known wherever <paramref name="other"/>'s is, with equal values.</summary>
    public bool IsMoreSpecificThanOrEqual(TensorShape other) => other._dims == null ||
        (_dims != null && _dims.Length == other._dims.Length && _dims.Zip(other._dims).All(p => p.Second < 0 || p.First == p.Second));

    /// <summary>The most specific shape compatible with both; InvalidArgument with TF's texts when they conflict.</summary>
    public TensorShape MergeWith(TensorShape other)
    {
        if (_dims == null) return other;
        if (other._dims == null) return this;
        if (_dims.Length != other._dims.Length)
            throw new InvalidArgumentException($"Shapes must be equal rank, but are {_dims.Length} and {other._dims.Length}");
        var merged = new long[_dims.Length];
        for (int i = 0; i < merged.Length; i++)
        {
            long a = _dims[i], b = other._dims[i];
            if (a >= 0 && b >= 0 && a != b)
                throw new InvalidArgumentException($"Dimension {i} in both shapes must be equal, but are {a} and {b}. Shapes are {this} and {other}.");
            merged[i] = a >= 0 ? a : b;
        }
        return new TensorShape(merged);
    }

    /// <summary>Requires a given rank; unknown rank becomes all-unknown dims.</summary>
    public TensorShape WithRank(int rank)
    {
        if (_dims == null) return UnknownOfRank(rank);
        if (_dims.Length != rank)
            throw new InvalidArgumentException($"Shape must be rank {rank} but is rank {_dims.Length}");
        return this;
    }

    public TensorShape Concatenate(TensorShape other) =>
        _dims == null || other._dims == null ? Unknown : new TensorShape([.. _dims, .. other._dims]);

    /// <summary>Dimensions [start, end) as a new shape; unknown rank stays unknown.</summary>
    public TensorShape SubShape(int start, int? end = null)
    {
        if (_dims == null) return Unknown;
        int e = end ?? _dims.Length;
        if (e < 0) e += _dims.Length;
        return new TensorShape(_dims[start..e]);
    }

    public bool Equals(TensorShape? other)
    {
        if (other is null) return false;
        if (_dims == null || other._dims == null) return _dims == null && other._dims == null;
        return _dims.AsSpan().SequenceEqual(other._dims);
    }

    public override bool Equals(object? obj) => obj is TensorShape s && Equals(s);

    public override int GetHashCode()
    {
        if (_dims == null) return -1;
        var h = new HashCode();
        foreach (var d in _dims) h.Add(d);
        return h.ToHashCode();
    }

    public static bool operator ==(TensorShape? a, TensorShape? b) => a is null ? b is null : a.Equals(b);
    public static bool operator !=(TensorShape? a, TensorShape? b) => !(a == b);

    /// <summary>TF's C++ spelling: <c>[?,784]</c>, <c>[]</c> for scalars, <c>&lt;unknown&gt;</c> for unknown rank.</summary>
    public override string ToString()
    {
        if (_dims == null) return "<unknown>";
        var sb = new StringBuilder("[");
        for (int i = 0; i < _dims.Length; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(_dims[i] < 0 ? "?" : _dims[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.Append(']').ToString();
    }
}
