using System.Diagnostics;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Runtime.Planning;

namespace GraphEngine.Runtime.Execution;

/// <summary>
/// Runs a compiled plan for one step: walks the nodes in order over integer slots, releases each
/// buffer after its last reader, and annotates kernel errors with the node that raised them.
/// The node loop is generic over its per-node hooks: a plain run gets the empty hooks and the JIT
/// removes them, so tracing and deadlines cost nothing unless a run asks for them.
/// </summary>
internal static partial class Executor
{
    public static HostTensor[] Run(ExecutionPlan plan, IReadOnlyList<HostTensor> feeds, IResourceManager resources, long stepId,
        CancellationToken cancel = default) =>
        Run(plan, feeds, resources, stepId, cancel.CanBeCanceled ? new RunControl { Cancel = cancel } : RunControl.None);

    public static HostTensor[] Run(ExecutionPlan plan, IReadOnlyList<HostTensor> feeds, IResourceManager resources, long stepId, RunControl control)
    {
        var results = plan.FetchSlots.Length == 0 ? [] : new HostTensor[plan.FetchSlots.Length];
        Run(plan, new FeedValues(feeds), resources, stepId, control, results);
        return results;
    }

    /// <summary>
    /// Runs one step with the session's (name, value) feeds, writing one tensor per fetch into
    /// <paramref name="results"/> (plan.FetchSlots.Length long), so a steady-state run allocates nothing here.
    /// </summary>
    public static void Run(ExecutionPlan plan, IReadOnlyList<(string Name, HostTensor Value)> feeds, IResourceManager resources, long stepId,
        RunControl control, Span<HostTensor> results) =>
        Run(plan, new NamedFeedValues(feeds), resources, stepId, control, results);

    /// <summary>The fed values by position, without copying them into an array first.</summary>
    private interface IFeedValues
    {
        int Count { get; }
        HostTensor this[int i] { get; }
    }

    private readonly struct FeedValues(IReadOnlyList<HostTensor> list) : IFeedValues
    {
        public int Count => list.Count;
        public HostTensor this[int i] => list[i];
    }

    private readonly struct NamedFeedValues(IReadOnlyList<(string Name, HostTensor Value)> list) : IFeedValues
    {
        public int Count => list.Count;
        public HostTensor this[int i] => list[i].Value;
    }

    private static void Run<TFeeds>(ExecutionPlan plan, TFeeds feeds, IResourceManager resources, long stepId, RunControl control,
        Span<HostTensor> results) where TFeeds : struct, IFeedValues
    {
        if (results.Length != plan.FetchSlots.Length)
            throw new InternalException($"{results.Length} result places for a plan with {plan.FetchSlots.Length} fetches.");
        var state = plan.RentState();
        var slots = state.Slots;
        // The context is reused across runs of this plan state: every per-run field is set here.
        var ctx = state.ContextFor(resources);
        ctx.StepId = stepId;
        ctx.Budget = control.Budget;
        ctx.Cancellation = control.Cancel;
        ctx.DeadlineTimestamp = control.DeadlineTimestamp;
        ctx.DeadlineTimeoutMs = control.TimeoutMs;
        try
        {
            for (int i = 0; i < feeds.Count; i++)
            {
                // A feed nobody holds is the caller's through the GC (it may feed it again): it gets a hold
                // that is never given back, so this step's release cannot hand the caller's memory to the pool.
                if (feeds[i].Buffer is { RefCount: 0 } unheld) unheld.Retain();
                feeds[i].Buffer?.Retain();
                slots[plan.FeedSlots[i]].Tensor = feeds[i];
            }
            if (plan.Frames != null)
            {
                if (control.NeedsInstrumentedLoop) RunStepsWithFrames(plan, slots, ctx, control, new InstrumentedHooks(control, InLoops: true));
                else RunStepsWithFrames(plan, slots, ctx, control, default(NoHooks));
            }
            else if (plan.HasControlFlow)
            {
                var dead = state.DeadNodes ??= new bool[plan.Steps.Length];
                if (control.NeedsInstrumentedLoop) RunStepsDeadAware(plan, slots, dead, ctx, control, new InstrumentedHooks(control));
                else RunStepsDeadAware(plan, slots, dead, ctx, control, default(NoHooks));
            }
            else if (control.NeedsInstrumentedLoop) RunSteps(plan, slots, ctx, control, new InstrumentedHooks(control));
            else RunSteps(plan, slots, ctx, control, default(NoHooks));
            for (int i = 0; i < results.Length; i++)
            {
                ref var e = ref slots[plan.FetchSlots[i]];
                // A fetched ref is a snapshot taken under the variable's lock: the variable may change in place after the run.
                var t = e.Ref != null ? Snapshot(e.Ref) : e.Tensor ?? throw NotComputed(plan, i);
                t.Buffer?.Retain();
                // What the caller keeps is no longer the session's working memory.
                t.Buffer?.DetachBudget();
                results[i] = t;
            }
        }
        finally
        {
            ctx.ReleaseSnapshots();
            state.Clear();
            plan.ReturnState(state);
        }
    }

    private static HostTensor Snapshot(RefCell cell)
    {
        lock (cell.Lock) return cell.Read().Clone();
    }

    private static void RunSteps<THooks>(ExecutionPlan plan, Entry[] slots, OpKernelContext ctx, RunControl control, THooks hooks)
        where THooks : IStepHooks
    {
        var steps = plan.Steps;
        var cancel = control.Cancel;
        for (int n = 0; n < steps.Length; n++)
        {
            var step = steps[n];
            if (cancel.IsCancellationRequested) throw control.Cancelled(n == 0 ? null : steps[n - 1].Node.Name, n, steps.Length);
            ComputeStep(step, slots, ctx, n, steps.Length, hooks);
            ReleaseAfter(step, slots);
        }
    }

    /// <summary>Runs one node's kernel between the hooks, annotating its errors with the node.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void ComputeStep<THooks>(PlanStep step, Entry[] slots, OpKernelContext ctx, int index, int count, THooks hooks)
        where THooks : IStepHooks
    {
        ctx.Bind(step.Node, slots, step.InputSlots, step.OutputBase, step.InputTypes, step.OutputTypes);
        ctx.ForwardableInputs = step.Forwardable;
        hooks.Before(step);
        bool computed = false;
        try
        {
            step.Kernel.Compute(ctx);
            computed = true;
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
        finally
        {
            hooks.After(step, slots, index, count, computed);
        }
    }

    /// <summary>Returns the buffers whose last reader this step was.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void ReleaseAfter(PlanStep step, Entry[] slots)
    {
        foreach (var s in step.ReleaseAfter)
        {
            slots[s].Tensor?.Buffer?.Release();
            slots[s] = default;
        }
    }

    private interface IStepHooks
    {
        void Before(PlanStep step);

        /// <summary>Runs after the kernel, even when it threw (so a trace closes the failing node).</summary>
        void After(PlanStep step, Entry[] slots, int index, int count, bool computed);
    }

    private readonly struct NoHooks : IStepHooks
    {
        public void Before(PlanStep step) { }

        public void After(PlanStep step, Entry[] slots, int index, int count, bool computed) { }
    }

    /// <summary>Step stats and the deadline, checked between nodes (a kernel is never interrupted mid-way).</summary>
    private readonly struct InstrumentedHooks(RunControl control, bool InLoops = false) : IStepHooks
    {
        public void Before(PlanStep step) => control.Tracer?.NodeStarting(step);

        public void After(PlanStep step, Entry[] slots, int index, int count, bool computed)
        {
            control.Tracer?.NodeFinished(step, slots);
            // A kernel's own error wins over the deadline.
            if (computed && control.DeadlineTimestamp != 0 && Stopwatch.GetTimestamp() > control.DeadlineTimestamp)
                throw control.Expired(step.Node.Name, step.Node.Op, index + 1L, count, InLoops).WithNode(step.Node.Name, step.Node.Op, step.Node.DefinedAt);
        }
    }
}
