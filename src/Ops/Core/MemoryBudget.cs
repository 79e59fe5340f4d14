namespace GraphEngine.Ops.Core;

/// <summary>
/// A cap on the bytes of kernel output buffers a session's runs hold at once (the host-memory
/// analogue of TF's per-device allocator limit). Output allocations charge it before any memory is
/// taken; a buffer credits it back when its last holder releases it, or when a fetched result is
/// handed to the caller (what the caller keeps is no longer the session's working memory).
/// </summary>
public sealed class MemoryBudget
{
    private long _inUse;
    private long _peak;

    public MemoryBudget(long limitBytes)
    {
        if (limitBytes <= 0) throw new InvalidArgumentException($"memory_limit_bytes must be positive, got {limitBytes}.");
        LimitBytes = limitBytes;
    }

    public long LimitBytes { get; }

    /// <summary>Bytes currently charged.</summary>
    public long InUseBytes => Volatile.Read(ref _inUse);

    /// <summary>The most bytes ever charged at once.</summary>
    public long PeakBytes => Volatile.Read(ref _peak);

    /// <summary>
    /// Reserves <paramref name="bytes"/>, or throws ResourceExhausted naming what was asked for
    /// (<paramref name="what"/>: e.g. "tensor with shape [1000,1000] and type float") without reserving anything.
    /// </summary>
    public void Charge(long bytes, string what)
    {
        while (true)
        {
            long current = Volatile.Read(ref _inUse);
            long next = current + bytes;
            if (next > LimitBytes || next < current)
                throw new ResourceExhaustedException(
                    $"OOM when allocating {what}: {bytes} bytes requested, {current} of the session's {LimitBytes}-byte memory budget "
                    + "(ConfigProto.memory_limit_bytes) in use.");
            if (Interlocked.CompareExchange(ref _inUse, next, current) != current) continue;
            long peak;
            while (next > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, next, peak) != peak) { }
            return;
        }
    }

    public void Credit(long bytes) => Interlocked.Add(ref _inUse, -bytes);
}
