using GraphEngine.Ops.Core;

namespace GraphEngine.Ops.Array;

/// <summary>
/// TF's ValidateStridedSliceOp (kernels/strided_slice_op util): turns the sparse slice spec
/// (begin/end/strides vectors plus the five masks, one entry per Python slice item) into a dense
/// one (one entry per input dim) and computes the processing shape (the strided window, one dim per
/// input dim) and the final shape (new axes added, shrunk axes dropped). Used by the shape function
/// with a partial input shape and unknown begin/end, and by the kernels with everything known.
/// </summary>
public sealed class StridedSliceSpec
{
    private const int NewAxis = -1, ShrinkAxis = -2;

    /// <summary>Per input dim: canonical begin, end and stride (valid where the dim and the values are known).</summary>
    public long[] Begin { get; private init; } = [];
    public long[] End { get; private init; } = [];
    public long[] Strides { get; private init; } = [];

    /// <summary>The strided window's extent per input dim (-1 unknown).</summary>
    public long[] ProcessingDims { get; private init; } = [];

    /// <summary>The output's dims (-1 unknown).</summary>
    public long[] FinalDims { get; private init; } = [];

    /// <summary>The output is the input itself (every dim taken whole, stride 1), maybe with new axes.</summary>
    public bool IsIdentity { get; private init; }

    /// <summary>Reads an index vector of any integer type TF allows (int8/int16/int32/int64).</summary>
    public static long[] IndexValues(HostTensor t) => t.DType switch
    {
        DType.Int8 => System.Array.ConvertAll(t.AsSpan<sbyte>().ToArray(), v => (long)v),
        DType.Int16 => System.Array.ConvertAll(t.AsSpan<short>().ToArray(), v => (long)v),
        DType.Int32 or DType.Int64 => t.ToInt64Array(),
        _ => throw new InvalidArgumentException($"Expected an integer index tensor, got {t.DType.Name()}."),
    };

    /// <summary>
    /// Validates and canonicalises. <paramref name="begin"/>/<paramref name="end"/> may be null
    /// (unknown at build time); <paramref name="inputDims"/> may hold -1 for unknown dims.
    /// </summary>
    public static StridedSliceSpec Create(long[]? begin, long[]? end, long[] strides, ReadOnlySpan<long> inputDims,
        long beginMask, long endMask, long ellipsisMask, long newAxisMask, long shrinkAxisMask)
    {
        if ((begin != null && begin.Length != strides.Length) || (end != null && end.Length != strides.Length))
            throw new InvalidArgumentException(
                $"Expected begin, end, and strides to be 1D equal size tensors, but got shapes [{begin?.Length}], [{end?.Length}], and [{strides.Length}] instead.");
        if (strides.Length > 32)
            throw new InvalidArgumentException($"Requires at most 32 slice spec entries (the masks are 32-bit), got {strides.Length}");
        if (ellipsisMask != 0 && (ellipsisMask & (ellipsisMask - 1)) != 0)
            throw new InvalidArgumentException("Multiple ellipses in slice spec not allowed");

        // Step 1: count new axes after the ellipsis; without an ellipsis, one is implied at the end.
        int sparseDims = strides.Length;
        int newAxesAfterEllipsis = 0;
        bool ellipsisSeen = false;
        for (int i = 0; i < sparseDims; i++)
        {
            if (ellipsisSeen && Bit(newAxisMask, i)) newAxesAfterEllipsis++;
            if (Bit(ellipsisMask, i)) ellipsisSeen = true;
        }
        if (!ellipsisSeen)
        {
            ellipsisMask |= 1L << sparseDims;
            sparseDims++;
        }

        // Step 2: the dense spec, one entry per input dim, and where each output dim comes from.
        int dims = inputDims.Length;
        var dBegin = new long[dims];
        var dEnd = new long[dims];
        var dStrides = new long[dims];
        long dBeginMask = 0, dEndMask = 0, dShrinkMask = 0;
        var gather = new List<int>();
        int full = 0;
        for (int i = 0; i < sparseDims; i++)
        {
            if (Bit(ellipsisMask, i))
            {
                int next = System.Math.Min(dims - (sparseDims - i) + 1 + newAxesAfterEllipsis, dims);
                for (; full < next; full++)
                {
                    dStrides[full] = 1;
                    dBeginMask |= 1L << full;
                    dEndMask |= 1L << full;
                    gather.Add(full);
                }
            }
            else if (Bit(newAxisMask, i))
            {
                gather.Add(NewAxis);
            }
            else
            {
                if (full == dims)
                    throw new InvalidArgumentException($"Index out of range using input dim {full}; input has only {dims} dims");
                if (begin != null) dBegin[full] = begin[i];
                if (end != null) dEnd[full] = end[i];
                dStrides[full] = strides[i];
                if (Bit(beginMask, i)) dBeginMask |= 1L << full;
                if (Bit(endMask, i)) dEndMask |= 1L << full;
                if (Bit(shrinkAxisMask, i))
                {
                    gather.Add(ShrinkAxis);
                    dShrinkMask |= 1L << full;
                }
                else gather.Add(full);
                full++;
            }
        }

        // Step 3: canonical begin/end per dense dim and the processing shape.
        bool known = begin != null && end != null;
        bool identity = true;
        var processing = new long[dims];
        for (int i = 0; i < dims; i++)
        {
            long stride = dStrides[i], dim = inputDims[i];
            if (stride == 0) throw new InvalidArgumentException($"strides[{i}] must be non-zero");
            bool shrink = Bit(dShrinkMask, i), maskedBegin = Bit(dBeginMask, i), maskedEnd = Bit(dEndMask, i);
            if (dim < 0)
            {
                processing[i] = shrink ? 1 : -1;
                identity = false;
                continue;
            }
            long lo = stride > 0 ? 0 : -1, hi = stride > 0 ? dim : dim - 1;
            long Canonical(long x, bool masked, bool isEnd)
            {
                if (masked) return stride > 0 ? (isEnd ? hi : lo) : (isEnd ? lo : hi);
                long fwd = x < 0 ? dim + x : x;
                return fwd < lo ? lo : fwd > hi ? hi : fwd;
            }
            if (known)
            {
                if (shrink)
                {
                    // foo[-1] arrives as begin -1, end 0: rebuild end as begin + 1.
                    long fwd = dBegin[i] < 0 ? dim + dBegin[i] : dBegin[i];
                    if (fwd < 0 || fwd >= dim)
                        throw new InvalidArgumentException($"slice index {dBegin[i]} of dimension {i} out of bounds.");
                    dBegin[i] = fwd;
                    dEnd[i] = fwd + 1;
                }
                else
                {
                    dBegin[i] = Canonical(dBegin[i], maskedBegin, false);
                    dEnd[i] = Canonical(dEnd[i], maskedEnd, true);
                }
                identity &= stride == 1 && dBegin[i] == 0 && dEnd[i] == dim;
            }
            else identity &= stride == 1 && maskedBegin && maskedEnd;

            long interval;
            if (known) interval = dEnd[i] - dBegin[i];
            else if (shrink) interval = 1;
            else if (maskedBegin && maskedEnd) interval = stride < 0 ? -dim : dim;
            else
            {
                processing[i] = -1;
                continue;
            }
            processing[i] = interval == 0 || (interval < 0) != (stride < 0) ? 0 : interval / stride + (interval % stride != 0 ? 1 : 0);
        }

        // Step 4: the final shape.
        var final = new List<long>();
        foreach (var g in gather)
        {
            if (g >= 0) final.Add(processing[g]);
            else if (g == NewAxis) final.Add(1);
        }
        return new StridedSliceSpec
        {
            Begin = dBegin, End = dEnd, Strides = dStrides, ProcessingDims = processing, FinalDims = final.ToArray(), IsIdentity = identity,
        };
    }

    private static bool Bit(long mask, int i) => i < 63 && (mask & (1L << i)) != 0;
}
