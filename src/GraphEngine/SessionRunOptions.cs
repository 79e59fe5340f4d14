using GraphEngine.Ops.Proto;
using NumSharp;

namespace GraphEngine;

/// <summary>
/// <c>sess.run(fetches, feed_dict, options, run_metadata)</c>: TF1's run with RunOptions (trace_level,
/// timeout_in_ms, output_partition_graphs) and a RunMetadata that receives the step stats.
/// </summary>
public sealed partial class Session
{
    public NDArray run(Tensor fetch, FeedDict? feed_dict, RunOptions options, RunMetadata? run_metadata = null) =>
        Execute([fetch], Feeds(feed_dict ?? new FeedDict()), options, run_metadata)[0]!;

    public void run(Operation fetch, FeedDict? feed_dict, RunOptions options, RunMetadata? run_metadata = null) =>
        Execute([fetch], Feeds(feed_dict ?? new FeedDict()), options, run_metadata);

    public NDArray[] run(Tensor[] fetches, FeedDict? feed_dict, RunOptions options, RunMetadata? run_metadata = null) =>
        Execute(fetches, Feeds(feed_dict ?? new FeedDict()), options, run_metadata)!;

    /// <summary>Mixed tensors and operations; operations give null.</summary>
    public NDArray?[] run(ITensorOrOperation[] fetches, FeedDict? feed_dict, RunOptions options, RunMetadata? run_metadata = null) =>
        Execute(fetches, Feeds(feed_dict ?? new FeedDict()), options, run_metadata);

    public (NDArray, NDArray) run((ITensorOrOperation, ITensorOrOperation) f, FeedDict? feed_dict, RunOptions options, RunMetadata? run_metadata = null) =>
        Two(Execute([f.Item1, f.Item2], Feeds(feed_dict ?? new FeedDict()), options, run_metadata));

    public (NDArray, NDArray, NDArray) run((ITensorOrOperation, ITensorOrOperation, ITensorOrOperation) f, FeedDict? feed_dict, RunOptions options,
        RunMetadata? run_metadata = null) =>
        Three(Execute([f.Item1, f.Item2, f.Item3], Feeds(feed_dict ?? new FeedDict()), options, run_metadata));

    public Dictionary<string, NDArray?> run(IReadOnlyDictionary<string, ITensorOrOperation> fetches, FeedDict? feed_dict, RunOptions options,
        RunMetadata? run_metadata = null)
    {
        var keys = fetches.Keys.ToArray();
        var values = Execute(keys.Select(k => fetches[k]).ToArray(), Feeds(feed_dict ?? new FeedDict()), options, run_metadata);
        return keys.Select((k, i) => (k, values[i])).ToDictionary(p => p.k, p => p.Item2);
    }

    /// <summary>The session's output-memory budget (ConfigProto.memory_limit_bytes), or null when unlimited.</summary>
    public GraphEngine.Ops.Core.MemoryBudget? memory_budget => _runtime.Budget;
}

public static partial class tf
{
    /// <summary>TF's <c>tf.RunOptions(trace_level=..., timeout_in_ms=...)</c>.</summary>
    public static RunOptions RunOptions(RunOptions.Types.TraceLevel trace_level = GraphEngine.Ops.Proto.RunOptions.Types.TraceLevel.NoTrace,
        long timeout_in_ms = 0, bool output_partition_graphs = false) =>
        new() { TraceLevel = trace_level, TimeoutInMs = timeout_in_ms, OutputPartitionGraphs = output_partition_graphs };

    /// <summary>TF's <c>tf.RunMetadata()</c>: filled by a traced run (step_stats, partition_graphs).</summary>
    public static RunMetadata RunMetadata() => new();

    /// <summary>TF's <c>tf.ConfigProto(...)</c>, with GraphEngine's <paramref name="memory_limit_bytes"/> (0 = unlimited).</summary>
    public static ConfigProto ConfigProto(long operation_timeout_in_ms = 0, long memory_limit_bytes = 0,
        int intra_op_parallelism_threads = 0, int inter_op_parallelism_threads = 0, bool allow_soft_placement = false,
        bool log_device_placement = false) =>
        new()
        {
            OperationTimeoutInMs = operation_timeout_in_ms,
            MemoryLimitBytes = memory_limit_bytes,
            IntraOpParallelismThreads = intra_op_parallelism_threads,
            InterOpParallelismThreads = inter_op_parallelism_threads,
            AllowSoftPlacement = allow_soft_placement,
            LogDevicePlacement = log_device_placement,
        };
}
