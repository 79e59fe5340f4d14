using System.Globalization;
using GraphEngine.Ops.Core;

namespace GraphEngine;

/// <summary>
/// A Python slice <c>start:stop:step</c> for the Tensor indexer. Each part is null (omitted), an
/// int/long (negative counts from the end, as in Python), a C# <see cref="Index"/> or a scalar int
/// tensor. Made by <c>tf.slice_spec(1, null, 2)</c> or <c>(1..).Step(2)</c>.
/// </summary>
public sealed record SliceSpec(object? start = null, object? stop = null, object? step = null);

/// <summary>The non-slice items of an index: <c>tf.newaxis</c> and <c>tf.ellipsis</c> (Python's <c>...</c>).</summary>
public sealed class SliceMarker
{
    private readonly string _name;

    private SliceMarker(string name) => _name = name;

    public static SliceMarker NewAxis { get; } = new("tf.newaxis");
    public static SliceMarker Ellipsis { get; } = new("...");

    public override string ToString() => _name;
}

/// <summary>Steps on C# ranges: <c>x[(..).Step(-1)]</c> reverses, <c>x[(1..).Step(2)]</c> takes every other element from 1.</summary>
public static class RangeSliceExtensions
{
    public static SliceSpec Step(this Range range, int step) => TensorIndexer.FromRange(range, step);
}

public static partial class tf
{
    /// <summary>Inserts a size-1 axis when used in a Tensor index (TF's tf.newaxis).</summary>
    public static SliceMarker newaxis => SliceMarker.NewAxis;

    /// <summary>Python's <c>...</c> in a Tensor index: as many whole axes as needed.</summary>
    public static SliceMarker ellipsis => SliceMarker.Ellipsis;

    /// <summary>Python's slice(start, stop, step) for the Tensor indexer.</summary>
    public static SliceSpec slice_spec(object? start = null, object? stop = null, object? step = null) => new(start, stop, step);
}

public sealed partial class Tensor
{
    /// <summary>
    /// TF1 indexing (one StridedSlice named strided_slice). Items: an int or C# <see cref="Index"/>
    /// (<c>^1</c>) takes one element and drops the axis; a C# <see cref="Range"/> (<c>1..3</c>,
    /// <c>..</c>, <c>^2..</c>) slices; <c>tf.slice_spec(start, stop, step)</c> or <c>(1..).Step(2)</c>
    /// slices with a step; <c>tf.newaxis</c> and <c>tf.ellipsis</c>; a scalar int tensor indexes
    /// dynamically; a string is parsed as Python (<c>x["1:3, ::2, tf.newaxis, ..., -1"]</c>).
    /// </summary>
    public Tensor this[params object[] slices] => TensorIndexer.Slice(this, slices);
}

/// <summary>TF's _slice_helper: turns index items into begin/end/strides vectors and the five masks.</summary>
internal static class TensorIndexer
{
    internal static SliceSpec FromRange(Range r, int? step)
    {
        // C# cannot tell `..` from `0..^0`: a start of 0 and an end of ^0 count as omitted, so that
        // (..).Step(-1) reverses the whole axis as Python's [::-1] does.
        object? start = r.Start.Equals(Index.Start) ? null : r.Start;
        object? stop = r.End.Equals(Index.End) ? null : r.End;
        return new SliceSpec(start, stop, step);
    }

    public static Tensor Slice(Tensor x, object[] items)
    {
        var expanded = new List<object?>();
        foreach (var item in items)
        {
            if (item is string text) expanded.AddRange(Parse(text));
            else expanded.Add(item);
        }
        if (expanded.Count > 32) throw new InvalidArgumentException($"Indexing {x.name}: at most 32 index items are supported, got {expanded.Count}");
        var begin = new List<object>();
        var end = new List<object>();
        var strides = new List<object>();
        long beginMask = 0, endMask = 0, ellipsisMask = 0, newAxisMask = 0, shrinkMask = 0;
        using var scope = tf.name_scope("strided_slice");
        for (int i = 0; i < expanded.Count; i++)
        {
            long bit = 1L << i;
            switch (expanded[i])
            {
                case SliceMarker m when ReferenceEquals(m, SliceMarker.Ellipsis):
                    if (ellipsisMask != 0) throw new InvalidArgumentException($"Indexing {x.name}: an index can only have a single ellipsis ('...')");
                    Push(0L, 0L, 1L);
                    ellipsisMask |= bit;
                    break;
                case SliceMarker:
                    Push(0L, 0L, 1L);
                    newAxisMask |= bit;
                    break;
                case null:
                    throw new InvalidArgumentException($"Indexing {x.name}: null is not an index; use tf.newaxis for a new axis.");
                case Range r:
                    AddSlice(FromRange(r, null), bit);
                    break;
                case SliceSpec sp:
                    AddSlice(sp, bit);
                    break;
                case Tensor t:
                    if (t.shape.HasRank && t.shape.Rank != 0)
                        throw new InvalidArgumentException($"Indexing {x.name}: only scalar tensors can index, got {t.name} of shape {t.shape}");
                    Push(t, OpBuilder.Binary(Ops.Math.MathOps.AddV2, t, tf.ConstantOf(NDArrayConversion.ToHostTensor(1, t.dtype.BaseType()), "Const"), "add"), 1L);
                    shrinkMask |= bit;
                    break;
                default:
                    long index = Scalar(expanded[i]!, x, "index", allowEndZero: false);
                    Push(index, index + 1, 1L);
                    shrinkMask |= bit;
                    break;
            }
        }

        void Push(object b, object e, object s)
        {
            begin.Add(b);
            end.Add(e);
            strides.Add(s);
        }

        void AddSlice(SliceSpec sp, long bit)
        {
            object step = sp.step is Tensor st ? st : sp.step is null ? 1L : Scalar(sp.step, x, "step", false);
            begin.Add(sp.start is Tensor bt ? bt : sp.start is null ? 0L : Scalar(sp.start, x, "start", false));
            end.Add(sp.stop is Tensor et ? et : sp.stop is null ? 0L : Scalar(sp.stop, x, "stop", true));
            strides.Add(step);
            if (sp.start is null) beginMask |= bit;
            if (sp.stop is null || sp.stop is Index { IsFromEnd: true, Value: 0 }) endMask |= bit;
        }

        var b = Stack(begin, "stack");
        var e = Stack(end, "stack_1");
        var s = Stack(strides, "stack_2");
        return tf.StridedSliceOp(x, b, e, s, beginMask, endMask, ellipsisMask, newAxisMask, shrinkMask, scope.Name);
    }

    /// <summary>An index item as a number: ints as Python reads them, ^k as -k (^0 as a start means past the end).</summary>
    private static long Scalar(object v, Tensor x, string what, bool allowEndZero) => v switch
    {
        int i => i,
        long l => l,
        short s => s,
        Index { IsFromEnd: true, Value: 0 } when allowEndZero => 0,
        Index { IsFromEnd: true, Value: 0 } when what == "start" => int.MaxValue,
        Index { IsFromEnd: true, Value: 0 } => throw new InvalidArgumentException($"Indexing {x.name}: ^0 is past the last element and cannot be an {what}."),
        Index idx => idx.IsFromEnd ? -idx.Value : idx.Value,
        _ => throw new InvalidArgumentException(
            $"Indexing {x.name}: a {what} must be an int, an Index, a Range, tf.slice_spec, tf.newaxis, tf.ellipsis or a scalar int tensor, got {v.GetType().Name}"),
    };

    /// <summary>A constant vector when every entry is a number; else a Pack of scalars (int64 if a tensor is).</summary>
    private static Tensor Stack(List<object> values, string name)
    {
        var tensors = values.OfType<Tensor>().ToList();
        bool wide = tensors.Any(t => t.dtype.BaseType() == DType.Int64)
            || values.OfType<long>().Any(v => v is > int.MaxValue or < int.MinValue);
        if (tensors.Count == 0)
            return wide ? tf.constant(values.Cast<long>().ToArray(), name: name) : tf.constant(values.Select(v => (int)(long)v).ToArray(), name: name);
        var dtype = wide ? DType.Int64 : DType.Int32;
        var parts = values.Select(v => v switch
        {
            Tensor t when t.dtype.BaseType() == dtype => t,
            Tensor t => tf.cast(t, dtype),
            _ => tf.constant(wide ? (object)(long)v : (int)(long)v),
        }).ToList();
        return tf.stack(parts, name: name);
    }

    /// <summary>Python index text: "1:3, ::2, tf.newaxis, ..., -1".</summary>
    internal static IEnumerable<object?> Parse(string text)
    {
        foreach (var raw in text.Split(','))
        {
            var item = raw.Trim();
            if (item == "...") yield return SliceMarker.Ellipsis;
            else if (item is "tf.newaxis" or "newaxis" or "None") yield return SliceMarker.NewAxis;
            else if (item.Contains(':'))
            {
                var parts = item.Split(':');
                if (parts.Length > 3) throw new InvalidArgumentException($"Cannot parse the index item '{item}' in \"{text}\": at most start:stop:step");
                object? Part(int k) => k < parts.Length && parts[k].Trim().Length > 0 ? Number(parts[k], item, text) : null;
                yield return new SliceSpec(Part(0), Part(1), Part(2));
            }
            else yield return Number(item, item, text);
        }
    }

    private static long Number(string s, string item, string text) =>
        long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new InvalidArgumentException($"Cannot parse the index item '{item}' in \"{text}\": expected an integer, start:stop:step, tf.newaxis or ...");
}
