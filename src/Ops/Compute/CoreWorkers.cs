using System.Diagnostics;

namespace GraphEngine.Ops.Compute;

/// <summary>
/// Work split into chunks and participants: participant 0 is the calling thread, participants 1 … n-1
/// are offered to <see cref="CoreWorkers"/>. Each participant owns a fixed home range of chunks (a
/// stable split: participant i always gets the same columns, so its slice of a weight matrix stays in
/// that core's caches call after call) and, once its home range is claimed, steals unclaimed chunks
/// from the others, so a worker that starts late or is descheduled holds up at most the chunk it is in.
/// </summary>
internal abstract class CoreJob
{
    private Participant[] _participants = [];
    // Per participant (stride 8: a cache line each): generation << 32 | next chunk << 16 | end of its home range.
    // A claim is a compare-and-swap on this one word, decided from the word alone, so a worker that takes its offer
    // only after the call has ended finds its generation gone and touches nothing: the caller never waits for a
    // thread that is not working, and a late worker can never claim a chunk of a later call by an earlier one's bounds.
    private long[] _state = [];
    private int _chunks, _done, _generation;
    private Exception? _error;

    /// <summary>Most chunks one call may have (16 bits of the claim word).</summary>
    internal const int MaxChunks = 0xFFFF;

    /// <summary>Computes chunk <paramref name="chunk"/>; chunks are independent and write disjoint output.</summary>
    protected abstract void RunChunk(int chunk);

    /// <summary>Opens chunks 0 … chunks-1 to count participants; returns the generation to claim them with.</summary>
    internal int Prepare(int chunks, int count)
    {
        if (_participants.Length < count)
        {
            int old = _participants.Length;
            System.Array.Resize(ref _participants, count);
            for (int i = old; i < count; i++) _participants[i] = new Participant(this, i);
            System.Array.Resize(ref _state, count * 8);
        }
        _chunks = chunks;
        _done = 0;
        _error = null;
        int generation = ++_generation;
        // Every word gets the new generation (unused participants an empty range). Volatile writes after the fields
        // above and the job's own parameters (set before this call): a claim of the new generation sees them.
        for (int i = 0; i < _state.Length / 8; i++)
        {
            long next = i < count ? chunks * (long)i / count : 0, end = i < count ? chunks * (long)(i + 1) / count : 0;
            Volatile.Write(ref _state[i * 8], (long)generation << 32 | next << 16 | end);
        }
        return generation;
    }

    internal Participant Get(int index) => _participants[index];

    internal bool AllDone => Volatile.Read(ref _done) == _chunks;

    internal Exception? Error => _error;

    /// <summary>Participant index's home range first, then whatever the others have left, all of this generation.</summary>
    internal void Work(int index, int generation)
    {
        long[] states = _state;   // a late worker may see an older (shorter) array: it then holds no claimable word
        int owners = states.Length / 8;
        for (int r = 0; r < owners; r++)
        {
            ref long state = ref states[(index + r) % owners * 8];
            while (true)
            {
                long s = Volatile.Read(ref state);
                if ((int)(s >> 32) != generation) return;   // a later call owns the job now
                int next = (int)(s >> 16) & 0xFFFF, end = (int)s & 0xFFFF;
                if (next >= end) break;
                if (Interlocked.CompareExchange(ref state, s + (1L << 16), s) != s) continue;
                try
                {
                    RunChunk(next);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref _error, e, null);
                }
                Interlocked.Increment(ref _done);
            }
        }
    }

    /// <summary>One offered participant: what a worker's slot holds, with the generation it was offered for.</summary>
    internal sealed class Participant(CoreJob job, int index)
    {
        public readonly CoreJob Job = job;
        public readonly int Index = index;
        public volatile int Generation;
    }
}

/// <summary>
/// One dedicated background thread per core beyond the caller's, for short parallel kernels (batch-1
/// GEMV takes 2–7 µs; waking a sleeping thread-pool thread costs about as much). A worker that finishes
/// keeps polling its slot for <see cref="SpinTime"/> before it blocks, so back-to-back calls (the layers
/// of one inference, run after run) find it awake. The offer is a compare-and-swap into the worker's
/// slot; when the caller has finished its own share it takes back every offer a worker has not taken
/// yet (a busy or descheduled worker costs nothing but the lost parallelism) and waits only for shares
/// a worker is already running. Nothing is allocated per call.
/// </summary>
internal static class CoreWorkers
{
    /// <summary>How long an idle worker polls before blocking: covers the gaps between a run's kernels.</summary>
    internal static readonly TimeSpan SpinTime = TimeSpan.FromMicroseconds(100);

    /// <summary>How long splits are skipped after a worker held a caller up (see <see cref="Run"/>).</summary>
    internal static readonly TimeSpan SerialTime = TimeSpan.FromMilliseconds(5);

    private static readonly long s_serialTicks = (long)(SerialTime.TotalSeconds * Stopwatch.Frequency);
    private static readonly long s_congestionSlack = Stopwatch.Frequency / 5_000;   // 200 µs: a descheduled thread, not a slow chunk
    private static long s_serialUntil;
    private static Worker[]? s_workers;

    [ThreadStatic] private static bool t_isWorker;

    /// <summary>
    /// Runs chunks 0 … chunks-1 of <paramref name="job"/> with up to <paramref name="participants"/>
    /// threads: this one (home range first) and workers. Returns when every chunk is done and no worker
    /// still holds the job (so it can be reused at once); rethrows the first failure.
    /// </summary>
    public static void Run(CoreJob job, int chunks, int participants)
    {
        if (chunks <= 0) return;
        if (chunks > CoreJob.MaxChunks) throw new ArgumentOutOfRangeException(nameof(chunks), $"A core job has at most {CoreJob.MaxChunks} chunks, got {chunks}.");
        participants = System.Math.Clamp(participants, 1, chunks);
        if (t_isWorker) participants = 1;   // no nesting: the other workers may be busy with this worker's caller
        long start = Stopwatch.GetTimestamp();
        if (start < Volatile.Read(ref s_serialUntil)) participants = 1;
        var workers = participants > 1 ? s_workers ?? CreateWorkers() : [];
        participants = System.Math.Min(participants, workers.Length + 1);
        int generation = job.Prepare(chunks, participants);
        for (int w = 0; w < participants - 1; w++)
        {
            var p = job.Get(w + 1);
            p.Generation = generation;
            workers[w].Offer(p);   // a busy worker (another caller's share) declines: its home range is stolen below
        }
        job.Work(0, generation);
        // Every chunk is claimed now. Offers not yet taken are withdrawn (the worker need not wake for nothing);
        // wait only for chunks a worker is computing.
        for (int w = 0; w < participants - 1; w++) workers[w].Retract(job.Get(w + 1));
        if (!job.AllDone)
        {
            long waitFrom = Stopwatch.GetTimestamp();
            var spin = new SpinWait();
            while (!job.AllDone) spin.SpinOnce(sleep1Threshold: -1);
            // A worker descheduled in the middle of a chunk (other processes want the cores) held this thread up for
            // longer than its own share took: on such a machine splitting loses, so run alone for a while.
            long end = Stopwatch.GetTimestamp();
            if (end - waitFrom > waitFrom - start + s_congestionSlack) Volatile.Write(ref s_serialUntil, end + s_serialTicks);
        }
        if (job.Error is { } error) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
    }

    private static Worker[] CreateWorkers()
    {
        var made = new Worker[System.Math.Max(0, Environment.ProcessorCount - 1)];
        for (int i = 0; i < made.Length; i++) made[i] = new Worker(i);
        var won = Interlocked.CompareExchange(ref s_workers, made, null);
        if (won is not null) return won;
        foreach (var w in made) w.Start();
        return made;
    }

    /// <summary>A dedicated background thread with one slot; a participant in the slot is taken by exactly one of worker and caller.</summary>
    private sealed class Worker(int index)
    {
        private CoreJob.Participant? _slot;
        private int _sleeping;
        private readonly SemaphoreSlim _wake = new(0);
        private readonly Thread _thread = new(static state => ((Worker)state!).Loop())
        {
            IsBackground = true,
            Name = $"GraphEngine core worker {index + 1}",
        };

        public void Start() => _thread.Start(this);

        public void Offer(CoreJob.Participant p)
        {
            if (Interlocked.CompareExchange(ref _slot, p, null) is not null) return;   // busy with another caller's share
            // Full fences on both sides (the exchange above, the worker's exchange of _sleeping) so either the worker
            // sees the slot before it blocks or this thread sees it sleeping and wakes it.
            if (Volatile.Read(ref _sleeping) == 1 && Interlocked.CompareExchange(ref _sleeping, 0, 1) == 1) _wake.Release();
        }

        public void Retract(CoreJob.Participant p) => Interlocked.CompareExchange(ref _slot, null, p);

        private void Loop()
        {
            t_isWorker = true;
            long spinTicks = (long)(SpinTime.TotalSeconds * Stopwatch.Frequency);
            while (true)
            {
                long idleSince = Stopwatch.GetTimestamp();
                CoreJob.Participant? p;
                while ((p = Volatile.Read(ref _slot)) is null || Interlocked.CompareExchange(ref _slot, null, p) != p)
                {
                    // A plain polling loop, no pause instruction: in a virtual machine a pause loop can make the
                    // hypervisor deschedule this vCPU, which is exactly what the spin is there to avoid.
                    if (Stopwatch.GetTimestamp() - idleSince < spinTicks) continue;
                    Interlocked.Exchange(ref _sleeping, 1);
                    if (Volatile.Read(ref _slot) is null) _wake.Wait();
                    Interlocked.Exchange(ref _sleeping, 0);
                    idleSince = Stopwatch.GetTimestamp();
                }
                p.Job.Work(p.Index, p.Generation);   // never throws: chunk failures are kept in the job
            }
        }
    }
}
