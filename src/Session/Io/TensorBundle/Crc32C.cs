using System.Buffers.Binary;
using ArmCrc = System.Runtime.Intrinsics.Arm.Crc32;
using X86Crc = System.Runtime.Intrinsics.X86.Sse42;

namespace GraphEngine.Runtime.Io.TensorBundle;

/// <summary>
/// CRC32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum TensorFlow uses in block
/// trailers, bundle entries and record framing. Uses the CPU's CRC32C instruction when there is
/// one (SSE4.2 / ARMv8 CRC) because checkpoints can be gigabytes; otherwise a slicing-by-8 table.
/// </summary>
public static class Crc32C
{
    private const uint Polynomial = 0x82F63B78u;
    private const uint MaskDelta = 0xA282EAD8u;

    // Table[k][b]: the CRC contribution of byte b followed by k zero bytes (slicing-by-8).
    private static readonly uint[][] Table = BuildTables();

    /// <summary>CRC32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Extend(0, data);

    /// <summary>
    /// The CRC32C of (the data that gave <paramref name="crc"/>) followed by <paramref name="data"/>:
    /// checksums of data written in pieces equal the checksum of the whole.
    /// </summary>
    public static uint Extend(uint crc, ReadOnlySpan<byte> data)
    {
        uint state = ~crc;
        if (X86Crc.X64.IsSupported) state = ExtendX64(state, data);
        else if (X86Crc.IsSupported) state = ExtendX86(state, data);
        else if (ArmCrc.Arm64.IsSupported) state = ExtendArm64(state, data);
        else state = ExtendTable(state, data);
        return ~state;
    }

    /// <summary>
    /// TF/leveldb masking of a stored CRC: rotate right by 15 and add a constant, so that the
    /// CRC of a byte string that itself contains CRCs does not degenerate.
    /// </summary>
    public static uint Mask(uint crc) => unchecked(((crc >> 15) | (crc << 17)) + MaskDelta);

    /// <summary>Inverse of <see cref="Mask"/>.</summary>
    public static uint Unmask(uint masked)
    {
        uint rot = unchecked(masked - MaskDelta);
        return (rot >> 17) | (rot << 15);
    }

    internal static uint ExtendX64(uint state, ReadOnlySpan<byte> data)
    {
        ulong s = state;
        while (data.Length >= 8)
        {
            s = X86Crc.X64.Crc32(s, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        uint r = (uint)s;
        foreach (byte b in data) r = X86Crc.Crc32(r, b);
        return r;
    }

    internal static uint ExtendX86(uint state, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 4)
        {
            state = X86Crc.Crc32(state, BinaryPrimitives.ReadUInt32LittleEndian(data));
            data = data[4..];
        }
        foreach (byte b in data) state = X86Crc.Crc32(state, b);
        return state;
    }

    internal static uint ExtendArm64(uint state, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            state = ArmCrc.Arm64.ComputeCrc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (byte b in data) state = ArmCrc.ComputeCrc32C(state, b);
        return state;
    }

    /// <summary>Portable path; also used by tests to cross-check the hardware path.</summary>
    internal static uint ExtendTable(uint state, ReadOnlySpan<byte> data)
    {
        uint[] t0 = Table[0], t1 = Table[1], t2 = Table[2], t3 = Table[3];
        uint[] t4 = Table[4], t5 = Table[5], t6 = Table[6], t7 = Table[7];
        while (data.Length >= 8)
        {
            uint lo = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ state;
            uint hi = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            state = t7[lo & 0xFF] ^ t6[(lo >> 8) & 0xFF] ^ t5[(lo >> 16) & 0xFF] ^ t4[lo >> 24]
                  ^ t3[hi & 0xFF] ^ t2[(hi >> 8) & 0xFF] ^ t1[(hi >> 16) & 0xFF] ^ t0[hi >> 24];
            data = data[8..];
        }
        foreach (byte b in data) state = t0[(state ^ b) & 0xFF] ^ (state >> 8);
        return state;
    }

    /// <summary>Table-only CRC32C, for tests comparing it with the accelerated path.</summary>
    internal static uint ComputePortable(ReadOnlySpan<byte> data) => ~ExtendTable(~0u, data);

    private static uint[][] BuildTables()
    {
        var tables = new uint[8][];
        for (int k = 0; k < 8; k++) tables[k] = new uint[256];
        for (uint b = 0; b < 256; b++)
        {
            uint c = b;
            for (int i = 0; i < 8; i++) c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            tables[0][b] = c;
        }
        for (int b = 0; b < 256; b++)
            for (int k = 1; k < 8; k++)
                tables[k][b] = (tables[k - 1][b] >> 8) ^ tables[0][tables[k - 1][b] & 0xFF];
        return tables;
    }
}
