using System.Buffers.Binary;
using GraphEngine.Ops.Core;

namespace GraphEngine.Runtime.Io.TensorBundle;

/// <summary>
/// Reads the entries of one (decompressed) table block. Every length and offset is checked
/// against the block bounds, so a corrupt block is a DataLoss naming the file, never an
/// out-of-range read. Entries are decoded sequentially; restart points are validated and exposed
/// (they let a reader seek, and our tests check TF's restart layout).
/// </summary>
internal sealed class BlockReader
{
    private readonly byte[] _data;
    private readonly int _restartsStart;
    private readonly string _path;
    private readonly string _what;

    public BlockReader(byte[] data, string path, string what)
    {
        _data = data;
        _path = path;
        _what = what;
        if (data.Length < 4)
            throw new DataLossException($"{what} in '{path}' is {data.Length} bytes, too short for a restart count.");
        uint numRestarts = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(data.Length - 4));
        // Every block has at least the restart at offset 0, and the array must fit in the block.
        if (numRestarts == 0 || numRestarts > (uint)(data.Length - 4) / 4)
            throw new DataLossException($"{what} in '{path}' declares {numRestarts} restart points, which do not fit its {data.Length} bytes.");
        _restartsStart = data.Length - 4 - 4 * (int)numRestarts;
        RestartPoints = new int[numRestarts];
        for (int i = 0; i < RestartPoints.Length; i++)
        {
            uint r = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(_restartsStart + 4 * i));
            if (r > (uint)_restartsStart || (i > 0 && r <= (uint)RestartPoints[i - 1]))
                throw new DataLossException($"{what} in '{path}' has invalid restart point {i} = {r} (entries end at {_restartsStart}).");
            RestartPoints[i] = (int)r;
        }
        if (RestartPoints[0] != 0 && _restartsStart > 0)
            throw new DataLossException($"{what} in '{path}' has first restart point {RestartPoints[0]}, expected 0.");
    }

    /// <summary>Offsets of the restart entries within the block.</summary>
    public int[] RestartPoints { get; }

    /// <summary>All entries in stored order, with full keys; restart entries must not share a prefix.</summary>
    public List<(byte[] Key, byte[] Value)> Entries()
    {
        var entries = new List<(byte[] Key, byte[] Value)>();
        byte[] lastKey = [];
        int pos = 0, nextRestart = 0;
        while (pos < _restartsStart)
        {
            bool isRestart = nextRestart < RestartPoints.Length && RestartPoints[nextRestart] == pos;
            if (isRestart) nextRestart++;
            int start = pos;
            var (key, value) = DecodeEntry(ref pos, lastKey, isRestart, start);
            lastKey = key;
            entries.Add((key, value));
        }
        if (_restartsStart > 0 && nextRestart != RestartPoints.Length)
            throw new DataLossException($"{_what} in '{_path}': restart point {RestartPoints[nextRestart]} does not fall on an entry boundary.");
        return entries;
    }

    private (byte[] Key, byte[] Value) DecodeEntry(ref int pos, byte[] lastKey, bool isRestart, int start)
    {
        var span = _data.AsSpan(0, _restartsStart);
        uint shared = Coding.GetVarint32(span, ref pos, _path, _what + " entry shared length");
        uint unshared = Coding.GetVarint32(span, ref pos, _path, _what + " entry key length");
        uint valueLength = Coding.GetVarint32(span, ref pos, _path, _what + " entry value length");
        if (shared > (uint)lastKey.Length || (isRestart && shared != 0))
            throw new DataLossException($"{_what} in '{_path}': entry at offset {start} shares {shared} key bytes but the previous key has {lastKey.Length}{(isRestart ? " (and restart entries share none)" : "")}.");
        if ((ulong)unshared + valueLength > (ulong)(_restartsStart - pos))
            throw new DataLossException($"{_what} in '{_path}': entry at offset {start} needs {unshared}+{valueLength} bytes but only {_restartsStart - pos} remain before the restart array.");
        var key = new byte[shared + unshared];
        lastKey.AsSpan(0, (int)shared).CopyTo(key);
        _data.AsSpan(pos, (int)unshared).CopyTo(key.AsSpan((int)shared));
        pos += (int)unshared;
        var value = _data.AsSpan(pos, (int)valueLength).ToArray();
        pos += (int)valueLength;
        return (key, value);
    }
}
