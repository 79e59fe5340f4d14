using System.Diagnostics;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Proto;
using GraphEngine.Runtime.Planning;

namespace GraphEngine.Runtime.Execution;

/// <summary>
/// Records TF's per-node step statistics for a traced run (RunOptions.trace_level): wall-clock start,
/// op start/end and end relative to it, the timeline label and each output's dtype, shape and bytes.
/// One tracer per run, so concurrent traced runs never share it.
/// </summary>
internal sealed class StepTracer
{
    /// <summary>The only device the engine runs on, named as TF names its CPU.</summary>
    public const string CpuDevice = "/job:localhost/replica:0/task:0/device:CPU:0";

    private readonly long _epochMicros;
    private readonly long _originTimestamp;
    private readonly DeviceStepStats _device = new() { Device = CpuDevice };
    private NodeExecStats? _current;
    private long _startTimestamp;

    public StepTracer()
    {
        // One wall-clock reading per run; node times come from the monotonic Stopwatch.
        _originTimestamp = Stopwatch.GetTimestamp();
        _epochMicros = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10;
    }

    private long Micros(long timestamp) => _epochMicros + (long)((timestamp - _originTimestamp) * 1_000_000.0 / Stopwatch.Frequency);

    private static long RelMicros(long from, long to) => (long)((to - from) * 1_000_000.0 / Stopwatch.Frequency);

    private static long RelNanos(long from, long to) => (long)((to - from) * 1_000_000_000.0 / Stopwatch.Frequency);

    public void NodeStarting(PlanStep step)
    {
        _startTimestamp = Stopwatch.GetTimestamp();
        var micros = Micros(_startTimestamp);
        _current = new NodeExecStats
        {
            NodeName = step.Node.Name,
            AllStartMicros = micros,
            AllStartNanos = micros * 1000,
            TimelineLabel = step.TimelineLabel,
            ThreadId = (uint)Environment.CurrentManagedThreadId,
        };
    }

    /// <summary>Called right after the kernel returned (or threw): closes the op interval and records the outputs.</summary>
    public void NodeFinished(PlanStep step, Entry[] slots)
    {
        var s = _current!;
        long opEnd = Stopwatch.GetTimestamp();
        s.OpEndRelMicros = RelMicros(_startTimestamp, opEnd);
        s.OpEndRelNanos = RelNanos(_startTimestamp, opEnd);
        for (int o = 0; o < step.OutputTypes.Length; o++)
        {
            ref var e = ref slots[step.OutputBase + o];
            var tensor = e.Tensor ?? e.Ref?.TryRead();
            if (tensor == null) continue;
            s.Output.Add(new NodeOutput { Slot = o, TensorDescription = Describe(tensor, step.OutputTypes[o]) });
        }
        long end = Stopwatch.GetTimestamp();
        s.AllEndRelMicros = RelMicros(_startTimestamp, end);
        s.AllEndRelNanos = RelNanos(_startTimestamp, end);
        _device.NodeStats.Add(s);
        _current = null;
    }

    private static TensorDescription Describe(HostTensor t, DType declared)
    {
        var shape = new TensorShapeProto();
        foreach (var d in t.Dims) shape.Dim.Add(new TensorShapeProto.Types.Dim { Size = d });
        return new TensorDescription
        {
            Dtype = (DataType)(int)declared,
            Shape = shape,
            AllocationDescription = new AllocationDescription
            {
                RequestedBytes = t.ByteSize,
                AllocatedBytes = t.ByteSize,
                AllocatorName = "cpu",
                HasSingleReference = t.Buffer is { RefCount: 1 },
            },
        };
    }

    /// <summary>The recorded stats; a node that failed mid-run is still closed and included.</summary>
    public StepStats Finish()
    {
        var stats = new StepStats();
        stats.DevStats.Add(_device);
        return stats;
    }

    /// <summary>TF's timeline label: <c>name = Op(input, input)</c>.</summary>
    public static string LabelFor(GraphEngine.Ops.Model.NodeDef node) => $"{node.Name} = {node.Op}({string.Join(", ", node.Input)})";
}
