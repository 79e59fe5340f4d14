using System.Buffers.Binary;
using GraphEngine.Ops.Core;

namespace GraphEngine.Runtime.Io.TensorBundle;

/// <summary>
/// DT_STRING storage in .data files (FORMATS.md §4): varint64 length per element, a 4-byte masked
/// CRC32C of the lengths, then the bytes back to back. TF checksums each length as a fixed-width
/// little-endian uint32 (uint64 only above 4 GiB), not as the varint bytes, and the entry's CRC
/// covers those fixed-width lengths, the 4 stored CRC bytes and the string bytes.
/// </summary>
internal static class StringTensorCodec
{
    /// <summary>The stored bytes of <paramref name="values"/> and the (unmasked) entry CRC.</summary>
    public static (byte[] Bytes, uint Crc) Encode(byte[][] values)
    {
        long total = 0;
        foreach (var v in values) total += Coding.Varint64Length((ulong)v.Length) + v.Length;
        var bytes = new byte[checked(total + 4)];
        int pos = 0;
        uint lengthsCrc = 0;
        Span<byte> fixedLength = stackalloc byte[8];
        foreach (var v in values)
        {
            pos += Coding.PutVarint64(bytes.AsSpan(pos), (ulong)v.Length);
            lengthsCrc = Crc32C.Extend(lengthsCrc, FixedLength(fixedLength, (ulong)v.Length));
        }
        uint crc = lengthsCrc;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(pos), Crc32C.Mask(lengthsCrc));
        crc = Crc32C.Extend(crc, bytes.AsSpan(pos, 4));
        pos += 4;
        int stringsStart = pos;
        foreach (var v in values)
        {
            v.CopyTo(bytes, pos);
            pos += v.Length;
        }
        crc = Crc32C.Extend(crc, bytes.AsSpan(stringsStart));
        return (bytes, crc);
    }

    private static ReadOnlySpan<byte> FixedLength(Span<byte> scratch, ulong length)
    {
        if (length <= uint.MaxValue)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(scratch, (uint)length);
            return scratch[..4];
        }
        BinaryPrimitives.WriteUInt64LittleEndian(scratch, length);
        return scratch[..8];
    }

    /// <summary>
    /// Decodes <paramref name="count"/> strings from the stored bytes and returns them with the
    /// recomputed (unmasked) entry CRC. Lengths are checked against the bytes actually present
    /// before anything is allocated, so a corrupt length cannot cause a huge allocation.
    /// </summary>
    public static (byte[][] Values, uint Crc) Decode(ReadOnlySpan<byte> stored, long count, string file, string tensor)
    {
        // Each element needs at least one varint byte, and 4 bytes hold the lengths CRC.
        if (count < 0 || count > stored.Length - 4L)
            throw new DataLossException($"String tensor '{tensor}' in '{file}' declares {count} elements but its {stored.Length} stored bytes cannot hold that many lengths.");
        var lengths = new ulong[count];
        int pos = 0;
        uint crc = 0;
        Span<byte> fixedLength = stackalloc byte[8];
        ulong totalBytes = 0;
        for (long i = 0; i < count; i++)
        {
            lengths[i] = Coding.GetVarint64(stored, ref pos, file, $"length of element {i} of string tensor '{tensor}'");
            totalBytes += Math.Min(lengths[i], (ulong)stored.Length + 1); // saturating: corruption shows up below
            crc = Crc32C.Extend(crc, FixedLength(fixedLength, lengths[i]));
        }
        if (stored.Length - pos < 4)
            throw new DataLossException($"String tensor '{tensor}' in '{file}' is truncated before its lengths checksum.");
        uint storedLengthsCrc = BinaryPrimitives.ReadUInt32LittleEndian(stored[pos..]);
        if (Crc32C.Unmask(storedLengthsCrc) != crc)
            throw new DataLossException($"The length checksum of string tensor '{tensor}' in '{file}' does not match: stored 0x{Crc32C.Unmask(storedLengthsCrc):x8}, computed 0x{crc:x8}.");
        crc = Crc32C.Extend(crc, stored.Slice(pos, 4));
        pos += 4;
        if (totalBytes != (ulong)(stored.Length - pos))
            throw new DataLossException($"String tensor '{tensor}' in '{file}': its lengths add up to {totalBytes} bytes but {stored.Length - pos} bytes follow them.");
        var values = new byte[count][];
        for (long i = 0; i < count; i++)
        {
            values[i] = stored.Slice(pos, (int)lengths[i]).ToArray();
            pos += (int)lengths[i];
        }
        crc = Crc32C.Extend(crc, stored[(pos - (int)totalBytes)..pos]);
        return (values, crc);
    }
}
