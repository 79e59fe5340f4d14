using System.Text;
using Google.Protobuf;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Proto;

namespace GraphEngine.Runtime.Io.TensorBundle;

/// <summary>Options of <see cref="BundleWriter"/>.</summary>
public sealed record BundleWriterOptions
{
    /// <summary>
    /// Number of .data files. TF's own writer makes 1 and merged bundles have one per device;
    /// more than one lets us reproduce merged bundles such as a TF2 two-shard checkpoint.
    /// </summary>
    public int NumShards { get; init; } = 1;

    /// <summary>Index table settings (TF's: 256 KiB blocks, restart interval 16, no compression).</summary>
    public TableOptions Table { get; init; } = new();
}

/// <summary>
/// Writes a TensorBundle V2 checkpoint: tensor bytes appended to the data file(s) in the order
/// they are added, and at <see cref="Finish"/> the .index table (header under the empty key,
/// then one BundleEntryProto per tensor in key order). Files are written under temporary names
/// and renamed only when everything succeeded, index last, so a crash never leaves a readable
/// but incomplete checkpoint. Disposing without Finish deletes the temporary files.
/// </summary>
public sealed class BundleWriter : IDisposable
{
    /// <summary>TF's kTensorBundleVersion (header VersionDef.producer); min_consumer stays 0.</summary>
    public const int FormatVersion = 1;

    private readonly string _prefix;
    private readonly BundleWriterOptions _options;
    private readonly string _tempSuffix = ".tempstate" + Guid.NewGuid().ToString("N");
    private readonly FileStream?[] _data;
    private readonly long[] _shardSizes;
    private readonly Dictionary<string, BundleEntryProto> _entries = new(StringComparer.Ordinal);
    private bool _finished;
    private bool _disposed;
    // Set when a write failed part-way: later offsets would be wrong, so nothing more is accepted.
    private string? _broken;

    public BundleWriter(string prefix, BundleWriterOptions? options = null)
    {
        _prefix = prefix;
        _options = options ?? new BundleWriterOptions();
        if (_options.NumShards < 1)
            throw new InvalidArgumentException($"A bundle needs at least one shard, got {_options.NumShards} for '{prefix}'.");
        var dir = Path.GetDirectoryName(Path.GetFullPath(prefix));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        _data = new FileStream?[_options.NumShards];
        _shardSizes = new long[_options.NumShards];
        try
        {
            for (int s = 0; s < _data.Length; s++)
                _data[s] = new FileStream(TempName(DataPath(s)), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Prefix => _prefix;

    private string DataPath(int shard) => BundleNaming.DataFile(_prefix, shard, _options.NumShards);

    private string TempName(string path) => path + _tempSuffix;

    /// <summary>Appends a tensor's bytes to data file <paramref name="shard"/> and records its entry.</summary>
    public void Add(string name, HostTensor tensor, int shard = 0)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_finished || _data[0] == null) throw new FailedPreconditionException($"Bundle '{_prefix}' is already finished; cannot add '{name}'.");
        if (_broken != null) throw new FailedPreconditionException($"Bundle '{_prefix}' is unusable after an earlier write error: {_broken}");
        if (name.Length == 0)
            throw new InvalidArgumentException($"The empty key is reserved for the bundle header in '{_prefix}'.");
        if (_entries.ContainsKey(name))
            throw new InvalidArgumentException($"Adding duplicate key '{name}' to bundle '{_prefix}'.");
        if ((uint)shard >= (uint)_data.Length)
            throw new InvalidArgumentException($"Shard {shard} is out of range for bundle '{_prefix}' with {_data.Length} shard(s).");

        var dtype = tensor.DType;
        byte[]? encoded = null;
        ReadOnlySpan<byte> bytes;
        uint crc;
        if (dtype == DType.String)
        {
            (encoded, crc) = StringTensorCodec.Encode(tensor.Strings!);
            bytes = encoded;
        }
        else
        {
            if (dtype.Size() == 0 || tensor.Buffer == null)
                throw new UnimplementedException($"Cannot save tensor '{name}' of type {dtype.Name()} in bundle '{_prefix}'.");
            bytes = tensor.Buffer.Bytes;
            crc = Crc32C.Compute(bytes);
        }

        var entry = new BundleEntryProto
        {
            Dtype = (DataType)(int)dtype,
            Shape = ShapeProto(tensor.Dims),
            ShardId = shard,
            Offset = _shardSizes[shard],
            Size = bytes.Length,
            Crc32C = Crc32C.Mask(crc),
        };
        try { _data[shard]!.Write(bytes); }
        catch (IOException e)
        {
            // The OS error (disk full, I/O) propagates as is; the writer just refuses to go on.
            _broken = $"writing '{name}' to '{DataPath(shard)}' failed: {e.Message}";
            throw;
        }
        _shardSizes[shard] += bytes.Length;
        _entries.Add(name, entry);
    }

    private static TensorShapeProto ShapeProto(ReadOnlySpan<long> dims)
    {
        var proto = new TensorShapeProto();
        foreach (var d in dims) proto.Dim.Add(new TensorShapeProto.Types.Dim { Size = d });
        return proto;
    }

    /// <summary>Writes the index and moves every file to its final name.</summary>
    public void Finish()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_finished || _data[0] == null) throw new FailedPreconditionException($"Bundle '{_prefix}' is already finished.");
        if (_broken != null) throw new FailedPreconditionException($"Bundle '{_prefix}' cannot be finished after an earlier write error: {_broken}");
        foreach (var d in _data)
        {
            d!.Flush(flushToDisk: true);
            d.Dispose();
        }
        Array.Clear(_data);

        string indexPath = BundleNaming.IndexFile(_prefix);
        string indexTemp = TempName(indexPath);
        using (var index = new FileStream(indexTemp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            var table = new TableBuilder(index, indexPath, _options.Table);
            var header = new BundleHeaderProto
            {
                NumShards = _options.NumShards,
                Endianness = BitConverter.IsLittleEndian ? BundleHeaderProto.Types.Endianness.Little : BundleHeaderProto.Types.Endianness.Big,
                Version = new VersionDef { Producer = FormatVersion },
            };
            table.Add([], header.ToByteArray());
            // Keys are compared as bytes (UTF-8), which is also how TF orders them.
            foreach (var (key, entry) in _entries.Select(e => (Encoding.UTF8.GetBytes(e.Key), e.Value))
                         .OrderBy(e => e.Item1, ByteComparer.Instance))
                table.Add(key, entry.ToByteArray());
            table.Finish();
            index.Flush(flushToDisk: true);
        }
        for (int s = 0; s < _data.Length; s++) File.Move(TempName(DataPath(s)), DataPath(s), overwrite: true);
        File.Move(indexTemp, indexPath, overwrite: true);
        _finished = true;
    }

    /// <summary>Closes the files; an unfinished bundle's temporary files are removed.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var d in _data) d?.Dispose();
        if (_finished) return;
        for (int s = 0; s < _data.Length; s++) TryDelete(TempName(DataPath(s)));
        TryDelete(TempName(BundleNaming.IndexFile(_prefix)));
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { /* best effort: a leftover temp file is harmless */ }
        catch (UnauthorizedAccessException) { }
    }
}
