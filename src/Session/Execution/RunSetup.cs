using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Model.Serialization;
using GraphEngine.Ops.Proto;
using GraphEngine.Runtime.Planning;
using PGraphDef = GraphEngine.Ops.Proto.GraphDef;

namespace GraphEngine.Runtime.Execution;

/// <summary>Turns a run's RunOptions and the session's ConfigProto into what the executor watches.</summary>
internal static class RunSetup
{
    public static RunControl Control(RunOptions? options, RunMetadata? metadata, ConfigProto config, MemoryBudget? budget,
        CancellationToken cancel, Func<bool> sessionClosed)
    {
        long timeout = options?.TimeoutInMs ?? 0;
        if (timeout < 0) throw new InvalidArgumentException($"RunOptions.timeout_in_ms must be >= 0, got {timeout}.");
        if (timeout == 0) timeout = config.OperationTimeoutInMs;
        // TF records step stats only when the caller gives a RunMetadata to put them in.
        bool trace = options != null && options.TraceLevel != RunOptions.Types.TraceLevel.NoTrace && metadata != null;
        return new RunControl
        {
            Cancel = cancel,
            SessionClosed = sessionClosed,
            TimeoutMs = timeout,
            DeadlineTimestamp = RunControl.DeadlineFor(timeout),
            Tracer = trace ? new StepTracer() : null,
            Budget = budget,
        };
    }

    /// <summary>The nodes the plan runs, as a GraphDef (RunOptions.output_partition_graphs; we run one CPU partition).</summary>
    public static PGraphDef PartitionGraph(GraphEngine.Ops.Model.GraphDef graph, ExecutionPlan plan)
    {
        var g = new GraphEngine.Ops.Model.GraphDef { Producer = graph.Producer, MinConsumer = graph.MinConsumer };
        foreach (var step in plan.Steps)
        {
            var node = step.Node.Clone();
            node.Device = StepTracer.CpuDevice;
            g.Add(node);
        }
        return GraphDefConverter.ToProto(g);
    }
}
