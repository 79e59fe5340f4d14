using System.Buffers.Binary;

namespace GraphEngine.Runtime.Io.TensorBundle;

/// <summary>
/// Builds one table block: prefix-compressed entries, then the restart array. Every
/// <c>restartInterval</c>-th entry stores its full key and is listed in the restart array so
/// readers can binary-search; TF uses 16 for data blocks and 1 for the index block.
/// </summary>
internal sealed class BlockBuilder
{
    private readonly int _restartInterval;
    private readonly List<byte> _buffer = new();
    private readonly List<uint> _restarts = new() { 0 };
    private byte[] _lastKey = [];
    private int _counter;
    private bool _finished;

    public BlockBuilder(int restartInterval)
    {
        if (restartInterval < 1) throw new ArgumentOutOfRangeException(nameof(restartInterval));
        _restartInterval = restartInterval;
    }

    public bool IsEmpty => _buffer.Count == 0;

    public int EntryCount { get; private set; }

    /// <summary>Size of the block if finished now; TF's writer compares this with the block size.</summary>
    public int CurrentSizeEstimate => _buffer.Count + 4 * _restarts.Count + 4;

    /// <summary>Appends an entry. Keys must arrive in strictly increasing bytewise order.</summary>
    public void Add(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (_finished) throw new InvalidOperationException("Block already finished.");
        if (EntryCount > 0 && key.SequenceCompareTo(_lastKey) <= 0)
            throw new InvalidOperationException("Block keys must be added in strictly increasing order.");
        int shared = 0;
        if (_counter < _restartInterval)
        {
            int max = Math.Min(_lastKey.Length, key.Length);
            while (shared < max && _lastKey[shared] == key[shared]) shared++;
        }
        else
        {
            _restarts.Add((uint)_buffer.Count);
            _counter = 0;
        }
        Coding.PutVarint64(_buffer, (ulong)shared);
        Coding.PutVarint64(_buffer, (ulong)(key.Length - shared));
        Coding.PutVarint64(_buffer, (ulong)value.Length);
        _buffer.AddRange(key[shared..]);
        _buffer.AddRange(value);
        _lastKey = key.ToArray();
        _counter++;
        EntryCount++;
    }

    /// <summary>The finished block contents (entries + restart array + restart count).</summary>
    public byte[] Finish()
    {
        _finished = true;
        var result = new byte[CurrentSizeEstimate];
        _buffer.CopyTo(result);
        int pos = _buffer.Count;
        foreach (uint r in _restarts)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(pos), r);
            pos += 4;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(pos), (uint)_restarts.Count);
        return result;
    }

    public void Reset()
    {
        _buffer.Clear();
        _restarts.Clear();
        _restarts.Add(0);
        _lastKey = [];
        _counter = 0;
        EntryCount = 0;
        _finished = false;
    }
}
