using GraphEngine.Ops.Core;

namespace GraphEngine.Runtime.Io.TensorBundle;

/// <summary>
/// Unsigned LEB128 varints as leveldb/TF write them (7 bits per byte, low bits first, high bit =
/// "more follows"). Readers are bounds-checked and report malformed input as DataLoss naming the
/// file, because every varint we parse comes from a file that may be truncated or corrupt.
/// </summary>
internal static class Coding
{
    public const int MaxVarint32Length = 5;
    public const int MaxVarint64Length = 10;

    public static int Varint64Length(ulong v)
    {
        int n = 1;
        while (v >= 0x80) { v >>= 7; n++; }
        return n;
    }

    public static void PutVarint64(List<byte> dst, ulong v)
    {
        while (v >= 0x80) { dst.Add((byte)(v | 0x80)); v >>= 7; }
        dst.Add((byte)v);
    }

    /// <summary>Writes into <paramref name="dst"/> and returns the number of bytes used.</summary>
    public static int PutVarint64(Span<byte> dst, ulong v)
    {
        int i = 0;
        while (v >= 0x80) { dst[i++] = (byte)(v | 0x80); v >>= 7; }
        dst[i++] = (byte)v;
        return i;
    }

    /// <summary>
    /// Parses a varint at <paramref name="pos"/> (advanced past it). Fails when the bytes run out,
    /// the varint is longer than <paramref name="maxLength"/>, or the value exceeds that width.
    /// </summary>
    public static ulong GetVarint(ReadOnlySpan<byte> src, ref int pos, int maxLength, string file, string what)
    {
        ulong result = 0;
        for (int i = 0; i < maxLength; i++)
        {
            if (pos >= src.Length)
                throw new DataLossException($"Truncated varint ({what}) at byte {pos} in '{file}'.");
            byte b = src[pos++];
            ulong bits = (ulong)(b & 0x7F);
            if (i == maxLength - 1 && bits > (maxLength == MaxVarint32Length ? 0x0Fu : 0x01u))
                throw new DataLossException($"Varint ({what}) overflows {(maxLength == MaxVarint32Length ? 32 : 64)} bits at byte {pos - 1} in '{file}'.");
            result |= bits << (7 * i);
            if ((b & 0x80) == 0) return result;
        }
        throw new DataLossException($"Varint ({what}) longer than {maxLength} bytes at byte {pos} in '{file}'.");
    }

    public static uint GetVarint32(ReadOnlySpan<byte> src, ref int pos, string file, string what) =>
        (uint)GetVarint(src, ref pos, MaxVarint32Length, file, what);

    public static ulong GetVarint64(ReadOnlySpan<byte> src, ref int pos, string file, string what) =>
        GetVarint(src, ref pos, MaxVarint64Length, file, what);
}
