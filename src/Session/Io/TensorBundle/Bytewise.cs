namespace GraphEngine.Runtime.Io.TensorBundle;

/// <summary>Unsigned bytewise order, the comparator of TF's tables.</summary>
internal sealed class ByteComparer : IComparer<byte[]>
{
    public static readonly ByteComparer Instance = new();

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}

/// <summary>
/// Index keys need only separate blocks, so TF stores short ones (bytewise comparator): a key
/// ≥ every key of a block and &lt; every key of the next, or a short successor of the last key.
/// </summary>
internal static class KeyShortening
{
    /// <summary>A short key k with start ≤ k &lt; limit (start itself when no shorter one exists).</summary>
    public static byte[] ShortestSeparator(ReadOnlySpan<byte> start, ReadOnlySpan<byte> limit)
    {
        int common = start.CommonPrefixLength(limit);
        if (common < Math.Min(start.Length, limit.Length))
        {
            byte b = start[common];
            if (b < 0xFF && b + 1 < limit[common])
            {
                var key = start[..(common + 1)].ToArray();
                key[common]++;
                return key;
            }
        }
        return start.ToArray();
    }

    /// <summary>A short key ≥ <paramref name="key"/>: bump the first byte that is not 0xFF and cut after it.</summary>
    public static byte[] ShortSuccessor(ReadOnlySpan<byte> key)
    {
        for (int i = 0; i < key.Length; i++)
        {
            if (key[i] != 0xFF)
            {
                var result = key[..(i + 1)].ToArray();
                result[i]++;
                return result;
            }
        }
        return key.ToArray();
    }
}
