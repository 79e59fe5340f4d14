using System.Buffers.Binary;
using GraphEngine.Runtime.Io.TensorBundle;

namespace GraphEngine.Runtime.Io.Records;

/// <summary>
/// Writes TFRecord framing (TF: core/lib/io/record_writer.cc): per record a little-endian u64
/// length, the masked CRC32C of those 8 bytes, the data, and the masked CRC32C of the data.
/// The same framing carries event files and <c>tf.python_io.TFRecordWriter</c> files.
/// </summary>
public sealed class TfRecordWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly byte[] _header = new byte[12];
    private readonly byte[] _footer = new byte[4];

    public TfRecordWriter(Stream stream, bool ownsStream = true)
    {
        _stream = stream;
        _ownsStream = ownsStream;
    }

    /// <summary>Bytes written so far (including framing).</summary>
    public long BytesWritten { get; private set; }

    public void Write(ReadOnlySpan<byte> data)
    {
        EncodeHeader(data.Length, _header);
        BinaryPrimitives.WriteUInt32LittleEndian(_footer, Crc32C.Mask(Crc32C.Compute(data)));
        _stream.Write(_header);
        _stream.Write(data);
        _stream.Write(_footer);
        BytesWritten += 16 + data.Length;
    }

    public void Flush() => _stream.Flush();

    /// <summary>The 12-byte record header: length and its masked CRC.</summary>
    public static void EncodeHeader(long length, Span<byte> header)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Crc32C.Mask(Crc32C.Compute(header[..8])));
    }

    /// <summary>One framed record as a byte array (tests, in-memory files).</summary>
    public static byte[] Frame(ReadOnlySpan<byte> data)
    {
        var record = new byte[data.Length + 16];
        EncodeHeader(data.Length, record);
        data.CopyTo(record.AsSpan(12));
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(12 + data.Length), Crc32C.Mask(Crc32C.Compute(data)));
        return record;
    }

    public void Dispose()
    {
        if (_ownsStream) _stream.Dispose();
        else _stream.Flush();
    }
}
