using System.Text;
using Google.Protobuf;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Proto;
using Microsoft.Win32.SafeHandles;

namespace GraphEngine.Runtime.Io.TensorBundle;

/// <summary>
/// Reads a TensorBundle V2 checkpoint. The .index is parsed once at <see cref="Open"/>; tensor
/// bytes are read on demand by offset (no file handle is kept open between calls, so nothing
/// needs disposing, and concurrent reads are safe). Every declared size and offset is checked against the dtype, shape and file
/// length before anything is allocated, and every tensor's CRC32C is verified.
/// </summary>
public sealed class BundleReader
{
    private readonly Dictionary<string, BundleEntryProto> _entries;

    private BundleReader(string prefix, BundleHeaderProto header, Dictionary<string, BundleEntryProto> entries,
        List<string> keys, TableLayout layout)
    {
        Prefix = prefix;
        Header = header;
        _entries = entries;
        Keys = keys;
        IndexLayout = layout;
    }

    public string Prefix { get; }

    public string IndexPath => BundleNaming.IndexFile(Prefix);

    public BundleHeaderProto Header { get; }

    /// <summary>Tensor names in index (bytewise) order, without the header's empty key.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>How the index table was laid out (blocks, compression, restarts).</summary>
    public TableLayout IndexLayout { get; }

    public int NumShards => Header.NumShards;

    /// <summary>Entries holding slices of partitioned variables (not listed in <see cref="Keys"/>).</summary>
    public int SliceEntryCount => _sliceEntries.Count;

    // Keyed by the hex of the binary slice key (binary keys are not valid UTF-8 names).
    private Dictionary<string, BundleEntryProto> _sliceEntries = new();

    public string DataPath(int shard) => BundleNaming.DataFile(Prefix, shard, NumShards);

    public static BundleReader Open(string prefix)
    {
        string path = BundleNaming.IndexFile(prefix);
        if (!File.Exists(path))
            throw new NotFoundException($"Checkpoint index '{path}' not found (prefix '{prefix}').");
        return Parse(prefix, TableReader.ReadFile(path));
    }

    /// <summary>Builds a reader from index bytes already in memory (tests feed mutated copies).</summary>
    internal static BundleReader Parse(string prefix, byte[] file)
    {
        string path = BundleNaming.IndexFile(prefix);
        var rows = TableReader.ReadAll(file, path, out var layout);
        if (rows.Count == 0 || rows[0].Key.Length != 0)
            throw new DataLossException($"Checkpoint index '{path}' has no bundle header entry (empty key); it is not a TensorBundle V2 index.");
        var header = ParseHeader(rows[0].Value, path);
        var entries = new Dictionary<string, BundleEntryProto>(rows.Count, StringComparer.Ordinal);
        var keys = new List<string>(rows.Count - 1);
        var sliceEntries = new Dictionary<string, BundleEntryProto>(StringComparer.Ordinal);
        for (int i = 1; i < rows.Count; i++)
        {
            // Slices of partitioned variables live under binary keys that TF's OrderedCode
            // encoding starts with a 0 byte; they are not tensor names (TF's reader hides them too).
            if (rows[i].Key[0] == 0)
            {
                sliceEntries[Convert.ToHexString(rows[i].Key)] = ParseEntry(rows[i].Value, "a slice of a partitioned tensor", path);
                continue;
            }
            string key = Encoding.UTF8.GetString(rows[i].Key);
            var entry = ParseEntry(rows[i].Value, $"tensor '{key}'", path);
            // Distinct byte keys could decode to the same string only if they are not UTF-8.
            if (!entries.TryAdd(key, entry))
                throw new DataLossException($"Checkpoint index '{path}' has two keys that decode to '{key}' (keys are not valid UTF-8).");
            keys.Add(key);
        }
        return new BundleReader(prefix, header, entries, keys, layout) { _sliceEntries = sliceEntries };
    }

    private static BundleEntryProto ParseEntry(byte[] value, string what, string path)
    {
        try { return BundleEntryProto.Parser.ParseFrom(value); }
        catch (InvalidProtocolBufferException e)
        {
            throw new DataLossException($"Entry for {what} in '{path}' is not a valid BundleEntryProto: {e.Message}", e);
        }
    }

    private static BundleHeaderProto ParseHeader(byte[] value, string path)
    {
        BundleHeaderProto header;
        try { header = BundleHeaderProto.Parser.ParseFrom(value); }
        catch (InvalidProtocolBufferException e)
        {
            throw new DataLossException($"Bundle header in '{path}' is not a valid BundleHeaderProto: {e.Message}", e);
        }
        if (header.NumShards < 1)
            throw new DataLossException($"Bundle header in '{path}' declares {header.NumShards} data shards; at least 1 is required.");
        // Like TF: refuse bundles that say they need a newer reader, or that blacklist ours.
        var v = header.Version;
        if (v != null && (v.MinConsumer > BundleWriter.FormatVersion || v.BadConsumers.Contains(BundleWriter.FormatVersion)))
            throw new InvalidArgumentException($"Bundle '{path}' has version producer={v.Producer}, min_consumer={v.MinConsumer}, bad_consumers=[{string.Join(",", v.BadConsumers)}], which this reader (version {BundleWriter.FormatVersion}) cannot read.");
        return header;
    }

    public bool Contains(string name) => _entries.ContainsKey(name);

    /// <summary>The index entry of a tensor; NotFound names the tensor and the checkpoint.</summary>
    public BundleEntryProto GetEntry(string name) =>
        _entries.TryGetValue(name, out var e) ? e
            : throw new NotFoundException($"Key {name} not found in checkpoint '{Prefix}'.");

    public DType GetDType(string name) => (DType)(int)GetEntry(name).Dtype;

    /// <summary>The declared shape; DataLoss when it is not a valid, fully defined shape.</summary>
    public TensorShape GetShape(string name) => ShapeOf(name, GetEntry(name));

    private TensorShape ShapeOf(string name, BundleEntryProto entry)
    {
        var proto = entry.Shape;
        if (proto == null) return TensorShape.Scalar;
        if (proto.UnknownRank)
            throw new DataLossException($"Tensor '{name}' in '{IndexPath}' has a shape of unknown rank.");
        var dims = new long[proto.Dim.Count];
        for (int i = 0; i < dims.Length; i++)
        {
            dims[i] = proto.Dim[i].Size;
            if (dims[i] < 0)
                throw new DataLossException($"Tensor '{name}' in '{IndexPath}' has invalid dimension {i} = {dims[i]}.");
        }
        return new TensorShape(dims);
    }

    /// <summary>Reads and verifies a tensor.</summary>
    public HostTensor Read(string name)
    {
        var entry = GetEntry(name);
        if (entry.Slices.Count == 0) return ReadStored(name, entry);
        // A partitioned variable: the entry describes the full tensor, its slices are stored apart.
        var fullShape = ShapeOf(name, entry);
        var fullType = (DType)(int)entry.Dtype;
        if ((fullType.Size() == 0 && fullType != DType.String) || fullType.IsRef() || !Enum.IsDefined(fullType))
            throw new UnimplementedException($"Partitioned tensor '{name}' in '{IndexPath}' has type {fullType.Name()} ({(int)fullType}), which cannot be read from a bundle.");
        if (CountOrMinusOne(fullShape) is < 0 or > int.MaxValue)
            throw new DataLossException($"Partitioned tensor '{name}' in '{IndexPath}' has unusable shape {fullShape}.");
        return SliceAssembler.Assemble(name, entry, fullShape,
            key => _sliceEntries.GetValueOrDefault(Convert.ToHexString(key)), ReadStored, IndexPath);
    }

    private static long CountOrMinusOne(TensorShape shape)
    {
        try { return shape.NumElements; }
        catch (OverflowException) { return -1; }
    }

    /// <summary>Reads the bytes an entry points at, checked against its dtype, shape, file and CRC.</summary>
    private HostTensor ReadStored(string name, BundleEntryProto entry)
    {
        var dtype = (DType)(int)entry.Dtype;
        var shape = ShapeOf(name, entry);
        long count;
        try { count = shape.NumElements; }
        catch (OverflowException) { throw new DataLossException($"Tensor '{name}' in '{IndexPath}' has shape {shape} whose element count overflows."); }
        if (entry.ShardId < 0 || entry.ShardId >= NumShards)
            throw new DataLossException($"Tensor '{name}' in '{IndexPath}' is in shard {entry.ShardId}, but the bundle has {NumShards} shard(s).");
        if (entry.Offset < 0 || entry.Size < 0)
            throw new DataLossException($"Tensor '{name}' in '{IndexPath}' has invalid offset {entry.Offset} / size {entry.Size}.");

        if (dtype != DType.String)
        {
            int elementSize = dtype.Size();
            if (elementSize == 0 || dtype.IsRef() || !Enum.IsDefined(dtype))
                throw new UnimplementedException($"Tensor '{name}' in '{IndexPath}' has type {dtype.Name()} ({(int)dtype}), which cannot be read from a bundle.");
            // Checked against the declared size first, so a shape lie cannot make us allocate.
            if (count > entry.Size / elementSize || count * elementSize != entry.Size)
                throw new DataLossException($"Tensor '{name}' in '{IndexPath}': shape {shape} of {dtype.Name()} needs {(count > long.MaxValue / elementSize ? "more than 2^63" : (count * elementSize).ToString(System.Globalization.CultureInfo.InvariantCulture))} bytes but the entry declares size {entry.Size}.");
        }

        string dataPath = DataPath(entry.ShardId);
        using var handle = OpenData(dataPath, name);
        long fileLength = RandomAccess.GetLength(handle);
        if (entry.Offset > fileLength || entry.Size > fileLength - entry.Offset)
            throw new DataLossException($"Tensor '{name}': bytes [{entry.Offset}, {entry.Offset + entry.Size}) declared by '{IndexPath}' lie beyond the end of '{dataPath}' ({fileLength} bytes); the data file is truncated or does not belong to this index.");

        if (dtype == DType.String)
        {
            if (entry.Size > Array.MaxLength)
                throw new ResourceExhaustedException($"String tensor '{name}' in '{dataPath}' is {entry.Size} bytes; larger than this reader supports.");
            var stored = new byte[entry.Size];
            ReadExactly(handle, stored, entry.Offset, dataPath, name);
            var (values, crc) = StringTensorCodec.Decode(stored, count, dataPath, name);
            CheckCrc(entry, crc, name, dataPath);
            return HostTensor.FromStrings(values, shape.Dims);
        }

        var tensor = HostTensor.Allocate(dtype, shape.Dims);
        var bytes = tensor.Buffer!.Bytes;
        ReadExactly(handle, bytes, entry.Offset, dataPath, name);
        CheckCrc(entry, Crc32C.Compute(bytes), name, dataPath);
        if (Header.Endianness == BundleHeaderProto.Types.Endianness.Big) ByteSwap(bytes, dtype);
        return tensor;
    }

    private SafeFileHandle OpenData(string dataPath, string name)
    {
        try { return File.OpenHandle(dataPath, FileMode.Open, FileAccess.Read, FileShare.Read); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new NotFoundException($"Data file '{dataPath}' of checkpoint '{Prefix}' is missing; it is needed to read tensor '{name}'.", e);
        }
    }

    private static void ReadExactly(SafeFileHandle handle, Span<byte> buffer, long offset, string path, string name)
    {
        while (!buffer.IsEmpty)
        {
            int n = RandomAccess.Read(handle, buffer, offset);
            if (n <= 0)
                throw new DataLossException($"Unexpected end of '{path}' at offset {offset} while reading tensor '{name}'.");
            buffer = buffer[n..];
            offset += n;
        }
    }

    private static void CheckCrc(BundleEntryProto entry, uint computed, string name, string path)
    {
        if (Crc32C.Unmask(entry.Crc32C) != computed)
            throw new DataLossException($"Checksum does not match for tensor '{name}' in '{path}' (offset {entry.Offset}, size {entry.Size}): stored 0x{Crc32C.Unmask(entry.Crc32C):x8} vs. calculated 0x{computed:x8}.");
    }

    /// <summary>Big-endian bundles store each scalar (each half of a complex) byte-reversed.</summary>
    private static void ByteSwap(Span<byte> bytes, DType dtype)
    {
        int width = dtype.IsComplex() ? dtype.Size() / 2 : dtype.Size();
        if (width <= 1) return;
        for (int i = 0; i + width <= bytes.Length; i += width) bytes.Slice(i, width).Reverse();
    }
}
