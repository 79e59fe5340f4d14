namespace GraphEngine.Runtime;

/// <summary>
/// Lets runs in while a session is open and shuts them out when it closes: closing cancels the
/// runs in flight (they stop at their next node boundary with a CancelledException) and waits for
/// them to leave before the session frees its variables and buffers, so a run never touches freed
/// memory and close never returns while a kernel still works on the session's state.
/// </summary>
internal sealed class SessionLifetime
{
    private readonly CancellationTokenSource _closing = new();
    private readonly object _drained = new();
    private int _inFlight;
    private int _closed;

    /// <summary>Fires when the session starts closing.</summary>
    public CancellationToken Closing => _closing.Token;

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Registers a run; false once the session is closing (the caller must not run).</summary>
    public bool TryEnter()
    {
        Interlocked.Increment(ref _inFlight);
        if (!IsClosed) return true;
        Exit();
        return false;
    }

    public void Exit()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && IsClosed)
            lock (_drained) Monitor.PulseAll(_drained);
    }

    /// <summary>Cancels the runs in flight and waits until all have left. False if already closed.</summary>
    public bool Close()
    {
        // Interlocked (a full fence) before reading _inFlight pairs with TryEnter's increment-then-check:
        // either the run sees the session closed, or the close sees the run in flight.
        if (Interlocked.Exchange(ref _closed, 1) != 0) return false;
        _closing.Cancel();
        lock (_drained)
            while (Volatile.Read(ref _inFlight) > 0)
                Monitor.Wait(_drained, 20);
        return true;
    }
}
