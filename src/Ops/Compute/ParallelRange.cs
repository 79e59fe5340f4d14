namespace GraphEngine.Ops.Compute;

/// <summary>The body of a split loop: handles elements [start, end). A struct, so the split allocates nothing.</summary>
public interface IRangeBody
{
    void Run(int start, int end);
}

/// <summary>
/// Splits [0, n) into one part per core and runs them on the thread pool and the calling thread,
/// without allocating in steady state (unlike Parallel.For, whose closures and loop state cost a few
/// hundred bytes per call): the work item is a cached object per body type, queued as an
/// IThreadPoolWorkItem. The caller takes parts itself, so the loop finishes even when no pool thread
/// ever comes (and a call from a pool thread cannot starve itself).
/// </summary>
public static class ParallelRange
{
    /// <summary>Runs <paramref name="body"/> over [0, n), split when n ≥ 2·<paramref name="minPerPart"/> and there are several cores.</summary>
    public static void Run<TBody>(in TBody body, int n, int minPerPart) where TBody : struct, IRangeBody
    {
        int cores = Environment.ProcessorCount;
        int parts = cores < 2 ? 1 : (int)System.Math.Min(cores, n / (long)System.Math.Max(1, minPerPart));
        if (parts < 2)
        {
            body.Run(0, n);
            return;
        }
        var work = Work<TBody>.Rent();
        try
        {
            work.Execute(body, n, parts);
        }
        finally
        {
            Work<TBody>.Return(work);
        }
    }

    /// <summary>
    /// One split loop's state, reused call after call. Parts are claimed by compare-and-swap on
    /// (generation, next part): a queued ticket claims only parts of the call it was queued for, so
    /// the caller returns as soon as every part is done, without waiting for queued tickets that a
    /// busy pool has not started yet (such a late ticket finds its generation gone and does nothing).
    /// </summary>
    private sealed class Work<TBody> where TBody : struct, IRangeBody
    {
        private static Work<TBody>? _cached;

        public static Work<TBody> Rent() => Interlocked.Exchange(ref _cached, null) ?? new Work<TBody>();

        public static void Return(Work<TBody> work) => Volatile.Write(ref _cached, work);

        private readonly ManualResetEventSlim _allDone = new(false);
        private Ticket[] _tickets = [];
        private TBody _body;
        private int _n, _parts, _partsLeft;
        private long _state; // generation << 32 | next part
        private Exception? _error;

        public void Execute(in TBody body, int n, int parts)
        {
            _body = body;
            _n = n;
            _parts = parts;
            _error = null;
            _partsLeft = parts;
            _allDone.Reset();
            int generation = (int)(Volatile.Read(ref _state) >> 32) + 1;
            // Publishing the new generation (after the fields above) opens its parts to claims.
            Volatile.Write(ref _state, (long)generation << 32);
            // A ticket still queued from an earlier call is left to expire: an idle one is queued instead,
            // and only when none is idle is one added, so the set stops growing once the pool keeps up.
            int queued = 0;
            for (int i = 0; i < _tickets.Length && queued < parts - 1; i++)
                if (!_tickets[i].IsQueued)
                {
                    _tickets[i].Queue(generation);
                    queued++;
                }
            for (; queued < parts - 1; queued++)
            {
                var ticket = new Ticket(this);
                System.Array.Resize(ref _tickets, _tickets.Length + 1);
                _tickets[^1] = ticket;
                ticket.Queue(generation);
            }
            RunParts(generation);
            _allDone.Wait();
            _body = default;
            if (_error is { } e) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e).Throw();
        }

        private void RunParts(int generation)
        {
            while (true)
            {
                long s = Volatile.Read(ref _state);
                int p = (int)s;
                if ((int)(s >> 32) != generation || p >= _parts) return;
                if (Interlocked.CompareExchange(ref _state, s + 1, s) != s) continue;
                try
                {
                    _body.Run((int)((long)_n * p / _parts), (int)((long)_n * (p + 1) / _parts));
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref _error, e, null);
                }
                if (Interlocked.Decrement(ref _partsLeft) == 0) _allDone.Set();
            }
        }

        private sealed class Ticket(Work<TBody> work) : IThreadPoolWorkItem
        {
            private int _generation;
            private int _queued;

            public bool IsQueued => Volatile.Read(ref _queued) != 0;

            public void Queue(int generation)
            {
                _generation = generation;
                Volatile.Write(ref _queued, 1);
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }

            public void Execute()
            {
                work.RunParts(_generation);
                Volatile.Write(ref _queued, 0);
            }
        }
    }
}
