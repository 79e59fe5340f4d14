using GraphEngine.Ops.Proto;

namespace GraphEngine.Runtime.Io.TensorBundle;

/// <summary>
/// The key under which a bundle stores one slice of a partitioned variable (TF's
/// EncodeTensorNameSlice). It uses TF's order-preserving "OrderedCode" byte encoding:
/// unsigned 0, the escaped name, the rank, then a signed (start, length) per dimension, with
/// length -1 meaning "the whole dimension". The leading 0 byte keeps slice keys apart from names.
/// </summary>
internal static class SliceKey
{
    /// <summary>Length of a full extent, as TF's TensorSlice reports it.</summary>
    public const long FullExtent = -1;

    public static byte[] Encode(string name, TensorSliceProto slice)
    {
        var key = new List<byte>(name.Length + 8 + 4 * slice.Extent.Count);
        WriteUnsigned(key, 0);
        WriteString(key, System.Text.Encoding.UTF8.GetBytes(name));
        WriteUnsigned(key, (ulong)slice.Extent.Count);
        foreach (var extent in slice.Extent)
        {
            bool full = extent.HasLengthCase == TensorSliceProto.Types.Extent.HasLengthOneofCase.None;
            WriteSigned(key, extent.Start); // TF writes the proto's start even for a full extent (0 in practice)
            WriteSigned(key, full ? FullExtent : extent.Length);
        }
        return key.ToArray();
    }

    /// <summary>Length byte, then the value big-endian without leading zero bytes (0 is just "00").</summary>
    internal static void WriteUnsigned(List<byte> dst, ulong value)
    {
        int length = value == 0 ? 0 : (64 - System.Numerics.BitOperations.LeadingZeroCount(value) + 7) / 8;
        dst.Add((byte)length);
        for (int i = length - 1; i >= 0; i--) dst.Add((byte)(value >> (8 * i)));
    }

    /// <summary>The bytes with 0x00 → 00 FF and 0xFF → FF 00, terminated by 00 01, so order is preserved.</summary>
    internal static void WriteString(List<byte> dst, ReadOnlySpan<byte> s)
    {
        foreach (byte b in s)
        {
            dst.Add(b);
            if (b == 0x00) dst.Add(0xFF);
            else if (b == 0xFF) dst.Add(0x00);
        }
        dst.Add(0x00);
        dst.Add(0x01);
    }

    // First-byte (and for 9-10 bytes, second-byte) header bits that encode the length in unary.
    private static readonly byte[] HeaderByte0 = [0x00, 0x80, 0xC0, 0xE0, 0xF0, 0xF8, 0xFC, 0xFE, 0xFF, 0xFF, 0xFF];
    private static readonly byte[] HeaderByte1 = [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0xC0];

    /// <summary>
    /// Signed order-preserving encoding: n bytes hold values in [-2^(7n-1), 2^(7n-1)); the value is
    /// written big-endian, sign-extended, with the length marked by leading header bits that are
    /// 1s for non-negative values and inverted (0s) for negative ones.
    /// </summary>
    internal static void WriteSigned(List<byte> dst, long value)
    {
        ulong magnitude = value < 0 ? ~(ulong)value : (ulong)value;
        int bits = 64 - System.Numerics.BitOperations.LeadingZeroCount(magnitude);
        int length = bits / 7 + 1;
        Span<byte> buf = stackalloc byte[10];
        buf[0] = buf[1] = value < 0 ? (byte)0xFF : (byte)0x00;
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(buf[2..], value);
        var encoded = buf[(10 - length)..];
        encoded[0] ^= HeaderByte0[length];
        if (length > 1) encoded[1] ^= HeaderByte1[length];
        foreach (byte b in encoded) dst.Add(b);
    }
}
