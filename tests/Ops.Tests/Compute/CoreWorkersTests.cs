using GraphEngine.Ops.Compute;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Compute;

[TestClass]
public sealed class CoreWorkersTests
{
    /// <summary>Counts how often each chunk ran, optionally failing one chunk or splitting again inside a chunk.</summary>
    private sealed class Counting(int chunks, int throwAt = -1, bool nested = false) : CoreJob
    {
        public readonly int[] Runs = new int[chunks];

        protected override void RunChunk(int chunk)
        {
            Interlocked.Increment(ref Runs[chunk]);
            Thread.SpinWait(200 + 50 * (chunk % 7));
            if (chunk == throwAt) throw new InvalidOperationException($"chunk {chunk} failed");
            if (nested)
            {
                // A split started inside a chunk (on a worker it runs on that worker alone) must complete too.
                var inner = new Counting(5);
                CoreWorkers.Run(inner, 5, 4);
                CollectionAssert.AreEqual(new[] { 1, 1, 1, 1, 1 }, inner.Runs, "nested split");
            }
        }
    }

    [TestMethod]
    public void Every_chunk_runs_exactly_once_whatever_the_participant_count()
    {
        foreach (var participants in new[] { 1, 2, 3, 16 })
            foreach (var chunks in new[] { 1, 2, 7, 64 })
            {
                var job = new Counting(chunks);
                CoreWorkers.Run(job, chunks, participants);
                CollectionAssert.AreEqual(Enumerable.Repeat(1, chunks).ToArray(), job.Runs, $"participants={participants} chunks={chunks}");
            }
    }

    [TestMethod]
    public void A_job_object_is_reusable_at_once_call_after_call()
    {
        // Workers that take an offer late must not run chunks of a later call twice or skip them.
        var job = new Counting(6);
        for (int call = 1; call <= 2000; call++)
        {
            CoreWorkers.Run(job, 6, 2);
            for (int c = 0; c < 6; c++) Assert.AreEqual(call, job.Runs[c], $"chunk {c} after call {call}");
        }
    }

    /// <summary>Fails if a chunk index outside the current call's range is ever run (a late worker using old bounds).</summary>
    private sealed class Bounded : CoreJob
    {
        public int Chunks, Bad;
        public int[] Runs = new int[64];

        protected override void RunChunk(int chunk)
        {
            if (chunk >= Chunks) Interlocked.Increment(ref Bad);
            else Interlocked.Increment(ref Runs[chunk]);
        }
    }

    [TestMethod]
    public void Calls_with_changing_chunk_and_participant_counts_never_run_a_chunk_of_another_call()
    {
        var job = new Bounded();
        var r = new System.Random(5);
        for (int call = 0; call < 20000; call++)
        {
            job.Chunks = r.Next(1, 64);
            System.Array.Clear(job.Runs);
            CoreWorkers.Run(job, job.Chunks, r.Next(1, 4));
            Assert.AreEqual(0, job.Bad, $"call {call}: a chunk beyond {job.Chunks} ran");
            for (int c = 0; c < job.Chunks; c++) Assert.AreEqual(1, job.Runs[c], $"call {call}: chunk {c}");
        }
    }

    [TestMethod]
    public void Too_many_chunks_are_refused()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => CoreWorkers.Run(new Bounded(), CoreJob.MaxChunks + 1, 2));
    }

    [TestMethod]
    public void Zero_chunks_do_nothing()
    {
        var job = new Counting(1);
        CoreWorkers.Run(job, 0, 2);
        Assert.AreEqual(0, job.Runs[0]);
    }

    [TestMethod]
    public void A_failing_chunk_is_rethrown_after_the_others_finish()
    {
        var job = new Counting(16, throwAt: 11);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => CoreWorkers.Run(job, 16, 2));
        Assert.AreEqual("chunk 11 failed", e.Message);
        CollectionAssert.AreEqual(Enumerable.Repeat(1, 16).ToArray(), job.Runs);
        // The job is clean for the next call.
        var again = new Counting(4);
        CoreWorkers.Run(again, 4, 2);
        CollectionAssert.AreEqual(new[] { 1, 1, 1, 1 }, again.Runs);
    }

    [TestMethod]
    public void Splits_inside_a_chunk_complete()
    {
        var job = new Counting(8, nested: true);
        CoreWorkers.Run(job, 8, 2);
        CollectionAssert.AreEqual(Enumerable.Repeat(1, 8).ToArray(), job.Runs);
    }

    [TestMethod]
    public void Concurrent_callers_each_get_all_their_chunks()
    {
        // More callers than workers: offers to a busy worker are declined and the caller does the work itself.
        var jobs = Enumerable.Range(0, 6).Select(_ => new Counting(9)).ToArray();
        Parallel.For(0, jobs.Length, new ParallelOptions { MaxDegreeOfParallelism = 6 }, i =>
        {
            for (int call = 0; call < 300; call++) CoreWorkers.Run(jobs[i], 9, 3);
        });
        foreach (var job in jobs) CollectionAssert.AreEqual(Enumerable.Repeat(300, 9).ToArray(), job.Runs);
    }
}
