using System.Text;
using System.Text.RegularExpressions;
using GraphEngine.Ops.Core;
using GraphEngine.Runtime.Io.TensorBundle;

namespace GraphEngine.Runtime.Io;

/// <summary>
/// TF's CheckpointReader over a V2 checkpoint prefix (<c>P.index</c> + <c>P.data-*</c>): names,
/// dtypes and shapes from the index, values read and CRC-checked on demand. Holds no open files
/// (each read opens, reads by offset and closes), so there is nothing to dispose. A legacy V1
/// checkpoint (TF ≤ 0.12 <c>export-00000-of-00001</c>) is recognised and refused with a clear error.
/// </summary>
public sealed partial class CheckpointReader
{
    private readonly BundleReader _bundle;

    internal CheckpointReader(BundleReader bundle) => _bundle = bundle;

    /// <summary>Opens the checkpoint with this prefix (a trailing ".index" is accepted too).</summary>
    public static CheckpointReader Open(string prefix)
    {
        if (prefix.EndsWith(".index", StringComparison.Ordinal) && File.Exists(prefix)) prefix = prefix[..^".index".Length];
        if (!File.Exists(BundleNaming.IndexFile(prefix)))
        {
            if (LooksLikeV1(prefix, out var v1File))
                throw new UnimplementedException($"'{v1File}' is a V1 (legacy, TF <= 0.12) checkpoint; only TensorBundle V2 checkpoints (prefix.index + prefix.data-*) are supported. Re-save it with a V2 saver.");
            throw new NotFoundException($"Unsuccessful TensorSliceReader constructor: failed to find any matching files for '{prefix}' (no '{BundleNaming.IndexFile(prefix)}').");
        }
        return new CheckpointReader(BundleReader.Open(prefix));
    }

    // V1 files are named "P" itself or "P-00000-of-00001" and are tables with the same magic.
    private static bool LooksLikeV1(string prefix, out string file)
    {
        file = prefix;
        var candidates = new List<string>();
        if (File.Exists(prefix)) candidates.Add(prefix);
        var dir = Path.GetDirectoryName(Path.GetFullPath(prefix));
        var name = Path.GetFileName(prefix);
        if (dir != null && Directory.Exists(dir) && name.Length > 0)
            candidates.AddRange(Directory.EnumerateFiles(dir, name + "-?????-of-?????").Where(f => ShardSuffix().IsMatch(f)).Order(StringComparer.Ordinal));
        foreach (var candidate in candidates)
        {
            if (IsTableFile(candidate)) { file = candidate; return true; }
        }
        return false;
    }

    private static bool IsTableFile(string path)
    {
        try
        {
            using var handle = File.OpenHandle(path);
            long length = RandomAccess.GetLength(handle);
            if (length < TableFormat.FooterLength) return false;
            Span<byte> magic = stackalloc byte[8];
            RandomAccess.Read(handle, magic, length - 8);
            return System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(magic) == TableFormat.Magic;
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    [GeneratedRegex(@"-\d{5}-of-\d{5}$")]
    private static partial Regex ShardSuffix();

    public string Prefix => _bundle.Prefix;

    /// <summary>The underlying bundle (entries with shard/offset/size/crc, header, index layout).</summary>
    public BundleReader Bundle => _bundle;

    /// <summary>Tensor names in checkpoint order (bytewise sorted).</summary>
    public IReadOnlyList<string> Keys => _bundle.Keys;

    public bool HasTensor(string name) => _bundle.Contains(name);

    /// <summary>The tensor's value; NotFound names the tensor and the checkpoint, DataLoss a corrupt file.</summary>
    public HostTensor GetTensor(string name) => _bundle.Read(name);

    /// <summary>TF's <c>reader.get_tensor</c>.</summary>
    public HostTensor get_tensor(string name) => GetTensor(name);

    /// <summary>A DT_STRING tensor's elements as byte strings (NumSharp has no string arrays).</summary>
    public byte[][] GetTensorStrings(string name)
    {
        var t = GetTensor(name);
        return t.Strings ?? throw new InvalidArgumentException($"Tensor '{name}' in checkpoint '{Prefix}' has type {t.DType.Name()}, not string.");
    }

    public Dictionary<string, TensorShape> GetVariableToShapeMap() =>
        _bundle.Keys.ToDictionary(k => k, _bundle.GetShape, StringComparer.Ordinal);

    public Dictionary<string, DType> GetVariableToDTypeMap() =>
        _bundle.Keys.ToDictionary(k => k, _bundle.GetDType, StringComparer.Ordinal);

    public Dictionary<string, TensorShape> get_variable_to_shape_map() => GetVariableToShapeMap();

    public Dictionary<string, DType> get_variable_to_dtype_map() => GetVariableToDTypeMap();

    public bool has_tensor(string name) => HasTensor(name);

    /// <summary>One line per tensor, as TF's CheckpointReader::DebugString: <c>name (float) [8,100]</c>.</summary>
    public string DebugString()
    {
        var sb = new StringBuilder();
        foreach (var key in _bundle.Keys)
            sb.Append(key).Append(" (").Append(_bundle.GetDType(key).Name()).Append(") ").Append(_bundle.GetShape(key)).Append('\n');
        return sb.ToString();
    }
}
