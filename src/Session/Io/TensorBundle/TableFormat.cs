using System.Buffers.Binary;
using GraphEngine.Ops.Core;

namespace GraphEngine.Runtime.Io.TensorBundle;

/// <summary>Block compression type byte stored in each block trailer.</summary>
public enum BlockCompression : byte
{
    None = 0,
    Snappy = 1,
}

/// <summary>Position of a block in a table file; <see cref="Size"/> excludes the 5-byte trailer.</summary>
internal readonly record struct BlockHandle(ulong Offset, ulong Size)
{
    /// <summary>Two varint64s.</summary>
    public const int MaxEncodedLength = 2 * Coding.MaxVarint64Length;

    public void EncodeTo(List<byte> dst)
    {
        Coding.PutVarint64(dst, Offset);
        Coding.PutVarint64(dst, Size);
    }

    public static BlockHandle Decode(ReadOnlySpan<byte> src, ref int pos, string file, string what)
    {
        ulong offset = Coding.GetVarint64(src, ref pos, file, what + " offset");
        ulong size = Coding.GetVarint64(src, ref pos, file, what + " size");
        return new BlockHandle(offset, size);
    }
}

/// <summary>
/// Facts of the leveldb table format as TensorFlow uses it (no filter blocks): the 48-byte
/// footer, the 5-byte block trailer, and reading one block out of an in-memory file image.
/// </summary>
internal static class TableFormat
{
    public const ulong Magic = 0xdb4775248b80fb57UL;
    public const int FooterLength = 2 * BlockHandle.MaxEncodedLength + 8;
    public const int TrailerLength = 5;

    /// <summary>The footer: metaindex handle, index handle, zero padding to 40 bytes, magic.</summary>
    public static byte[] EncodeFooter(BlockHandle metaIndex, BlockHandle index)
    {
        var bytes = new List<byte>(FooterLength);
        metaIndex.EncodeTo(bytes);
        index.EncodeTo(bytes);
        while (bytes.Count < 2 * BlockHandle.MaxEncodedLength) bytes.Add(0);
        var footer = bytes.ToArray();
        Array.Resize(ref footer, FooterLength);
        BinaryPrimitives.WriteUInt64LittleEndian(footer.AsSpan(2 * BlockHandle.MaxEncodedLength), Magic);
        return footer;
    }

    public static (BlockHandle MetaIndex, BlockHandle Index) DecodeFooter(ReadOnlySpan<byte> file, string path)
    {
        if (file.Length < FooterLength)
            throw new DataLossException($"Table file '{path}' is too short ({file.Length} bytes) to hold the {FooterLength}-byte footer; it is truncated or not a TensorFlow table.");
        var footer = file[^FooterLength..];
        ulong magic = BinaryPrimitives.ReadUInt64LittleEndian(footer[(2 * BlockHandle.MaxEncodedLength)..]);
        if (magic != Magic)
            throw new DataLossException($"Table file '{path}' has bad magic number 0x{magic:x16} (expected 0x{Magic:x16}); it is truncated or not a TensorFlow table.");
        int pos = 0;
        var handles = footer[..(2 * BlockHandle.MaxEncodedLength)];
        var metaIndex = BlockHandle.Decode(handles, ref pos, path, "footer metaindex handle");
        var index = BlockHandle.Decode(handles, ref pos, path, "footer index handle");
        return (metaIndex, index);
    }

    /// <summary>
    /// Returns the (decompressed) contents of a block after checking that it lies inside the file
    /// and that its trailer CRC matches. Everything wrong is DataLoss naming the file and block.
    /// </summary>
    public static (byte[] Contents, BlockCompression Type) ReadBlock(ReadOnlySpan<byte> file, BlockHandle handle, string path, string what)
    {
        // The footer is not block space, so a block must end before it.
        ulong limit = (ulong)(file.Length - FooterLength);
        if (handle.Size > limit || handle.Offset > limit - handle.Size || limit - handle.Size - handle.Offset < TrailerLength)
            throw new DataLossException($"{what} in '{path}' at offset {handle.Offset} with size {handle.Size} (+{TrailerLength} trailer) extends past the end of the table data ({limit} bytes); the file is truncated or corrupt.");
        int offset = (int)handle.Offset, size = (int)handle.Size;
        var contents = file.Slice(offset, size);
        byte type = file[offset + size];
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(file[(offset + size + 1)..]);
        uint actual = Crc32C.Extend(Crc32C.Compute(contents), file.Slice(offset + size, 1));
        if (Crc32C.Unmask(stored) != actual)
            throw new DataLossException($"Block checksum mismatch for {what} in '{path}' at offset {offset}: stored (masked) 0x{stored:x8}, computed 0x{Crc32C.Mask(actual):x8}.");
        return type switch
        {
            (byte)BlockCompression.None => (contents.ToArray(), BlockCompression.None),
            (byte)BlockCompression.Snappy => (SnappyBlock.Decompress(contents, path, what, offset), BlockCompression.Snappy),
            _ => throw new DataLossException($"{what} in '{path}' at offset {offset} has unknown compression type {type} (expected 0 = none or 1 = Snappy)."),
        };
    }
}
