using GraphEngine.Ops.Core;

namespace GraphEngine.Runtime.Io.TensorBundle;

/// <summary>Table writer settings; the defaults are the ones TensorFlow's BundleWriter uses.</summary>
public sealed record TableOptions
{
    /// <summary>A data block is closed once its size estimate reaches this (TF: 256 KiB).</summary>
    public int BlockSize { get; init; } = 262_144;

    /// <summary>Entries between full keys in data blocks (TF: 16).</summary>
    public int BlockRestartInterval { get; init; } = 16;

    /// <summary>BundleWriter asks for no compression; Snappy exists for tests and merged files.</summary>
    public BlockCompression Compression { get; init; } = BlockCompression.None;
}

/// <summary>
/// Writes a sorted string table in the leveldb layout TF uses: data blocks, an empty metaindex
/// block, an index block (restart interval 1) whose keys are short separators, and the footer.
/// Keys must be added in strictly increasing bytewise order.
/// </summary>
internal sealed class TableBuilder
{
    private readonly Stream _out;
    private readonly string _path;
    private readonly TableOptions _options;
    private readonly BlockBuilder _dataBlock;
    private readonly BlockBuilder _indexBlock = new(1);
    private byte[] _lastKey = [];
    private long _entries;
    private long _offset;
    // The index entry for a finished data block is written when the next key (or Finish) shows
    // how short its separator can be.
    private BlockHandle? _pendingHandle;

    public TableBuilder(Stream output, string path, TableOptions? options = null)
    {
        _out = output;
        _path = path;
        _options = options ?? new TableOptions();
        _dataBlock = new BlockBuilder(_options.BlockRestartInterval);
    }

    public void Add(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (_entries > 0 && key.SequenceCompareTo(_lastKey) <= 0)
            throw new InvalidArgumentException($"Table keys for '{_path}' must be strictly increasing; '{System.Text.Encoding.UTF8.GetString(key)}' follows '{System.Text.Encoding.UTF8.GetString(_lastKey)}'.");
        if (_pendingHandle is { } handle)
        {
            AddIndexEntry(KeyShortening.ShortestSeparator(_lastKey, key), handle);
            _pendingHandle = null;
        }
        _lastKey = key.ToArray();
        _entries++;
        _dataBlock.Add(key, value);
        if (_dataBlock.CurrentSizeEstimate >= _options.BlockSize) Flush();
    }

    /// <summary>Writes the remaining blocks and the footer. The stream is left open.</summary>
    public void Finish()
    {
        Flush();
        var metaIndex = WriteBlock(new BlockBuilder(_options.BlockRestartInterval));
        if (_pendingHandle is { } handle)
        {
            AddIndexEntry(KeyShortening.ShortSuccessor(_lastKey), handle);
            _pendingHandle = null;
        }
        var index = WriteBlock(_indexBlock);
        var footer = TableFormat.EncodeFooter(metaIndex, index);
        _out.Write(footer);
        _offset += footer.Length;
    }

    private void AddIndexEntry(byte[] key, BlockHandle handle)
    {
        var encoded = new List<byte>(BlockHandle.MaxEncodedLength);
        handle.EncodeTo(encoded);
        _indexBlock.Add(key, encoded.ToArray());
    }

    private void Flush()
    {
        if (_dataBlock.IsEmpty) return;
        _pendingHandle = WriteBlock(_dataBlock);
    }

    private BlockHandle WriteBlock(BlockBuilder block)
    {
        byte[] raw = block.Finish();
        byte[] stored = raw;
        var type = BlockCompression.None;
        if (_options.Compression == BlockCompression.Snappy)
        {
            // Like TF, keep the compressed form only when it saves at least 1/8 of the size.
            var compressed = SnappyBlock.Compress(raw);
            if (compressed.Length < raw.Length - raw.Length / 8)
            {
                stored = compressed;
                type = BlockCompression.Snappy;
            }
        }
        var handle = new BlockHandle((ulong)_offset, (ulong)stored.Length);
        Span<byte> trailer = stackalloc byte[TableFormat.TrailerLength];
        trailer[0] = (byte)type;
        uint crc = Crc32C.Extend(Crc32C.Compute(stored), trailer[..1]);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(trailer[1..], Crc32C.Mask(crc));
        _out.Write(stored);
        _out.Write(trailer);
        _offset += stored.Length + TableFormat.TrailerLength;
        block.Reset();
        return handle;
    }
}
