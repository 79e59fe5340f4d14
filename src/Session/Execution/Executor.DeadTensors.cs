using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Runtime.Planning;

namespace GraphEngine.Runtime.Execution;

/// <summary>
/// The dead-aware loop for plans with Switch/Merge (TF's dead tensors, without frames: conditionals
/// only). A Switch leaves its untaken output empty; an empty slot read by a later node is a dead
/// tensor. A node with a dead data input, or a control input from a dead node, is dead: its kernel
/// never runs and its outputs stay empty, so the untaken branch costs nothing and its side effects
/// never happen. Merge is the exception: it forwards its first live input and is dead only when all
/// its data inputs are. The plan's order is topological, so every producer has run (or died) before
/// its readers; the slots are empty at the start of each step, which makes "empty" mean "dead".
/// </summary>
internal static partial class Executor
{
    private static void RunStepsDeadAware<THooks>(ExecutionPlan plan, Entry[] slots, bool[] dead, OpKernelContext ctx, RunControl control, THooks hooks)
        where THooks : IStepHooks
    {
        var steps = plan.Steps;
        var cancel = control.Cancel;
        System.Array.Clear(dead);
        for (int n = 0; n < steps.Length; n++)
        {
            var step = steps[n];
            if (cancel.IsCancellationRequested) throw control.Cancelled(n == 0 ? null : steps[n - 1].Node.Name, n, steps.Length);
            if (IsDead(step, slots, dead)) dead[n] = true;
            else ComputeStep(step, slots, ctx, n, steps.Length, hooks);
            ReleaseAfter(step, slots);
        }
    }

    private static bool IsDead(PlanStep step, Entry[] slots, bool[] dead)
    {
        var inputs = step.InputSlots;
        if (step.IsMerge)
        {
            // TF's Merge waits for its control inputs but is dead only when every data input is.
            foreach (var s in inputs)
                if (slots[s].Tensor != null || slots[s].Ref != null) return false;
            return true;
        }
        foreach (var s in inputs)
            if (slots[s].Tensor == null && slots[s].Ref == null) return true;
        foreach (var c in step.ControlInputSteps)
            if (dead[c]) return true;
        return false;
    }

    /// <summary>A fetch with no value: dead in a control-flow plan (TF's "Retval[i] does not have value"), a bug otherwise.</summary>
    private static GraphEngineException NotComputed(ExecutionPlan plan, int fetch)
    {
        if (!plan.HasControlFlow) return new InternalException("A fetched tensor was not computed.");
        string name = fetch < plan.FetchNames.Length ? plan.FetchNames[fetch] : "?";
        return new InvalidArgumentException(
            $"Retval[{fetch}] does not have value: the fetched tensor '{name}' is dead in this run (it lies on the untaken side of a Switch).");
    }
}
