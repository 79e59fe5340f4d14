using System.Buffers.Binary;
using GraphEngine.Ops.Core;
using GraphEngine.Runtime.Io.TensorBundle;

namespace GraphEngine.Runtime.Io.Records;

/// <summary>
/// Reads TFRecord framing (TF: core/lib/io/record_reader.cc) and verifies both CRCs of every
/// record. A bad CRC, a length that runs past the end of the file, or bytes left over that do not
/// make a whole record raise <see cref="DataLossException"/> naming the file, the record index
/// and its offset, as TF's reader raises DataLossError.
/// </summary>
public sealed class TfRecordReader : IDisposable
{
    // A record is at most what fits in an array; TF has no limit, but a larger length on a
    // file of this size is corruption and must not make us allocate it.
    private static readonly long MaxRecordLength = Array.MaxLength;

    private readonly Stream _stream;
    private readonly string _name;
    private readonly bool _ownsStream;
    private readonly byte[] _header = new byte[12];
    private readonly byte[] _footer = new byte[4];

    public TfRecordReader(Stream stream, string name, bool ownsStream = true)
    {
        _stream = stream;
        _name = name;
        _ownsStream = ownsStream;
    }

    public static TfRecordReader Open(string path) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16), path);

    /// <summary>Index of the next record to read.</summary>
    public long RecordIndex { get; private set; }

    /// <summary>Byte offset of the next record.</summary>
    public long Offset { get; private set; }

    /// <summary>The next record's data, or null at a clean end of file.</summary>
    public byte[]? ReadNext()
    {
        int got = ReadFully(_header);
        if (got == 0) return null;
        if (got < _header.Length)
            throw Loss($"truncated record header: {got} of 12 bytes before end of file");
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(_header);
        uint expected = Crc32C.Unmask(BinaryPrimitives.ReadUInt32LittleEndian(_header.AsSpan(8)));
        uint actual = Crc32C.Compute(_header.AsSpan(0, 8));
        if (expected != actual)
            throw Loss($"corrupted record length: length CRC is 0x{actual:x8}, expected 0x{expected:x8}");
        if (length > (ulong)MaxRecordLength || (_stream.CanSeek && (long)length > _stream.Length - _stream.Position))
            throw Loss($"truncated record: length {length} runs past the end of the file");
        var data = new byte[(int)length];
        if (ReadFully(data) < data.Length)
            throw Loss($"truncated record: length {length} runs past the end of the file");
        if (ReadFully(_footer) < 4)
            throw Loss("truncated record: the data CRC is missing at the end of the file");
        expected = Crc32C.Unmask(BinaryPrimitives.ReadUInt32LittleEndian(_footer));
        actual = Crc32C.Compute(data);
        if (expected != actual)
            throw Loss($"corrupted record data: data CRC is 0x{actual:x8}, expected 0x{expected:x8} ({length} bytes)");
        RecordIndex++;
        Offset += 16 + data.Length;
        return data;
    }

    /// <summary>All records from the current position to the end.</summary>
    public IEnumerable<byte[]> ReadAll()
    {
        while (ReadNext() is { } r) yield return r;
    }

    public static IEnumerable<byte[]> ReadFile(string path)
    {
        using var reader = Open(path);
        foreach (var r in reader.ReadAll()) yield return r;
    }

    private DataLossException Loss(string what) =>
        new($"Record file '{_name}': {what} (record {RecordIndex} at offset {Offset}).");

    private int ReadFully(byte[] buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = _stream.Read(buffer, total, buffer.Length - total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    public void Dispose()
    {
        if (_ownsStream) _stream.Dispose();
    }
}
