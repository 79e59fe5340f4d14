using GraphEngine.Ops.Core;

namespace GraphEngine.Runtime.Io.TensorBundle;

/// <summary>Layout facts of a table that was read, for diagnostics and tests.</summary>
public sealed record TableLayout(
    int DataBlockCount,
    IReadOnlyList<BlockCompression> DataBlockCompression,
    IReadOnlyList<int> DataBlockRestartCounts,
    IReadOnlyList<byte[]> IndexKeys);

/// <summary>
/// Reads a whole leveldb-format table into memory (index files are small: ~45 bytes per
/// tensor) and returns its entries in key order. Every block CRC is checked, every handle is
/// bounds-checked against the file, and keys must be strictly increasing across the table.
/// </summary>
internal static class TableReader
{
    /// <summary>Index files beyond this are not plausible (≈ 40 million tensors) and are refused before reading.</summary>
    public const long MaxTableBytes = 2L << 30;

    public static byte[] ReadFile(string path)
    {
        long length;
        try { length = new FileInfo(path).Length; }
        catch (FileNotFoundException e) { throw new NotFoundException($"Table file '{path}' not found.", e); }
        if (length > MaxTableBytes || length > Array.MaxLength)
            throw new InvalidArgumentException($"Table file '{path}' is {length} bytes; larger than the {MaxTableBytes} bytes an index file can plausibly have.");
        try { return File.ReadAllBytes(path); }
        catch (FileNotFoundException e) { throw new NotFoundException($"Table file '{path}' not found.", e); }
        catch (DirectoryNotFoundException e) { throw new NotFoundException($"Table file '{path}' not found.", e); }
    }

    public static List<(byte[] Key, byte[] Value)> ReadAll(byte[] file, string path, out TableLayout layout)
    {
        var (metaHandle, indexHandle) = TableFormat.DecodeFooter(file, path);
        // The metaindex is empty in TF tables; reading it still verifies its checksum.
        var (metaContents, _) = TableFormat.ReadBlock(file, metaHandle, path, "metaindex block");
        new BlockReader(metaContents, path, "metaindex block").Entries();

        var (indexContents, _) = TableFormat.ReadBlock(file, indexHandle, path, "index block");
        var indexEntries = new BlockReader(indexContents, path, "index block").Entries();

        var entries = new List<(byte[] Key, byte[] Value)>();
        var compression = new List<BlockCompression>();
        var restarts = new List<int>();
        byte[]? previous = null;
        for (int b = 0; b < indexEntries.Count; b++)
        {
            var (indexKey, handleBytes) = indexEntries[b];
            int pos = 0;
            var handle = BlockHandle.Decode(handleBytes, ref pos, path, $"index entry {b} block handle");
            string what = $"data block {b}";
            var (contents, type) = TableFormat.ReadBlock(file, handle, path, what);
            var block = new BlockReader(contents, path, what);
            compression.Add(type);
            restarts.Add(block.RestartPoints.Length);
            foreach (var (key, value) in block.Entries())
            {
                if (previous != null && key.AsSpan().SequenceCompareTo(previous) <= 0)
                    throw new DataLossException($"Keys out of order in {what} of '{path}': '{Show(key)}' follows '{Show(previous)}'.");
                // An index key is ≥ every key of its block; a key beyond it means a corrupt index.
                if (key.AsSpan().SequenceCompareTo(indexKey) > 0)
                    throw new DataLossException($"Key '{Show(key)}' in {what} of '{path}' is beyond that block's index key '{Show(indexKey)}'.");
                entries.Add((key, value));
                previous = key;
            }
        }
        layout = new TableLayout(indexEntries.Count, compression, restarts, indexEntries.ConvertAll(e => e.Key));
        return entries;
    }

    internal static string Show(byte[] key) => System.Text.Encoding.UTF8.GetString(key);
}
