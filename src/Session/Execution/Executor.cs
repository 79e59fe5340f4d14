using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Runtime.Planning;

namespace GraphEngine.Runtime.Execution;

/// <summary>
/// Runs a compiled plan for one step: walks the nodes in order over integer slots, releases each
/// buffer after its last reader, and annotates kernel errors with the node that raised them.
/// </summary>
internal static class Executor
{
    public static HostTensor[] Run(ExecutionPlan plan, IReadOnlyList<HostTensor> feeds, IResourceManager resources, long stepId,
        CancellationToken cancel = default)
    {
        var state = plan.RentState();
        var slots = state.Slots;
        try
        {
            for (int i = 0; i < feeds.Count; i++)
            {
                feeds[i].Buffer?.Retain();
                slots[plan.FeedSlots[i]].Tensor = feeds[i];
            }
            var ctx = new OpKernelContext(resources) { StepId = stepId };
            foreach (var step in plan.Steps)
            {
                cancel.ThrowIfCancellationRequested();
                ctx.Bind(step.Node, slots, step.InputSlots, step.OutputBase, step.InputTypes, step.OutputTypes);
                ctx.ForwardableInputs = step.Forwardable;
                try
                {
                    step.Kernel.Compute(ctx);
                }
                catch (GraphEngineException e)
                {
                    throw e.WithNode(step.Node.Name, step.Node.Op, step.Node.DefinedAt);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A kernel bug must still surface as an engine error naming the node, never as a bare crash.
                    throw new InternalException($"Kernel for node '{step.Node.Name}' failed: {e.GetType().Name}: {e.Message}", e)
                        .WithNode(step.Node.Name, step.Node.Op, step.Node.DefinedAt);
                }
                foreach (var s in step.ReleaseAfter)
                {
                    slots[s].Tensor?.Buffer?.Release();
                    slots[s] = default;
                }
            }
            var results = new HostTensor[plan.FetchSlots.Length];
            for (int i = 0; i < results.Length; i++)
            {
                ref var e = ref slots[plan.FetchSlots[i]];
                // A fetched ref is a snapshot: the variable may change in place after the run.
                var t = e.Ref != null ? e.Ref.Read().Clone() : e.Tensor ?? throw new InternalException("A fetched tensor was not computed.");
                t.Buffer?.Retain();
                results[i] = t;
            }
            return results;
        }
        finally
        {
            state.Clear();
            plan.ReturnState(state);
        }
    }
}
