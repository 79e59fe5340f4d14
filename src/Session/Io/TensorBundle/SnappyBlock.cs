using GraphEngine.Ops.Core;
using Snappier;

namespace GraphEngine.Runtime.Io.TensorBundle;

/// <summary>
/// Raw (unframed) Snappy for table blocks: some TF releases write Snappy-compressed index blocks
/// (see FORMATS.md §3.3). Decompression validates the claimed length before allocating.
/// </summary>
internal static class SnappyBlock
{
    // A Snappy element expands at most 64 bytes from 2 input bytes (copy with 1-byte offset
    // makes ≤ 11 from 2; copy-2 makes ≤ 64 from 3), so a claimed length beyond 32x the input
    // cannot be genuine and would only be a way to make us allocate huge buffers.
    private const int MaxExpansion = 32;

    public static byte[] Decompress(ReadOnlySpan<byte> compressed, string path, string what, long offset)
    {
        int length;
        try { length = Snappy.GetUncompressedLength(compressed); }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or IndexOutOfRangeException)
        {
            throw new DataLossException($"Corrupt Snappy length header in {what} of '{path}' at offset {offset}: {e.Message}", e);
        }
        if (length < 0 || (long)length > (long)compressed.Length * MaxExpansion + 64)
            throw new DataLossException($"Snappy {what} in '{path}' at offset {offset} claims {length} uncompressed bytes from {compressed.Length} compressed bytes, which is impossible; the block is corrupt.");
        var output = new byte[length];
        int written;
        try { written = Snappy.Decompress(compressed, output); }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or IndexOutOfRangeException)
        {
            throw new DataLossException($"Corrupt Snappy data in {what} of '{path}' at offset {offset}: {e.Message}", e);
        }
        if (written != length)
            throw new DataLossException($"Snappy {what} in '{path}' at offset {offset} decompressed to {written} bytes, header said {length}.");
        return output;
    }

    /// <summary>Compressed form of a block, for writers that opt into Snappy.</summary>
    public static byte[] Compress(ReadOnlySpan<byte> raw) => Snappy.CompressToArray(raw);
}
