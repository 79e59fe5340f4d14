using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Runtime.Planning;

/// <summary>One original node inside a fused step, with the kernel it would have run alone.</summary>
internal sealed record FusedPart(NodeDef Node, IOpKernel Kernel, DType[] InputTypes, DType[] OutputTypes);

/// <summary>
/// The kernel of a fused step (see <see cref="FusionPass"/>): [MatMul or Conv2D →] bias add (AddV2, Add
/// or NHWC BiasAdd) [→ Relu]. The producer runs its own kernel; then, when the bias is a vector along
/// the result's last dimension (the case fusion is for), one pass adds it and applies ReLU in place on
/// the producer's fresh output, with exactly the unfused arithmetic. Any other shape or dtype runs the
/// original kernels one after another on private slots, so results and errors are the unfused ones
/// (errors name the original node). Per-run state comes from a reused scratch object, so concurrent
/// runs of one plan are safe and a steady-state run allocates nothing.
/// </summary>
internal sealed class FusedBiasKernel(FusedPart? producer, FusedPart add, int zIndex, FusedPart? relu, bool publishProducerShape = false) : IOpKernel
{
    // Private slots: 0, 1 producer inputs (or the add's inputs without producer); 2 producer output;
    // 3 the add's other operand; 4 add output; 5 relu output.
    private static readonly int[] ProducerIns = [0, 1], AddInsZ0 = [2, 3], AddInsZ1 = [3, 2], PlainAddIns = [0, 1], ReluIns = [4];
    private static readonly bool[] ForwardZ0 = [true, false], ForwardZ1 = [false, true], NoForward = [false, false], ForwardOne = [true];

    private readonly bool _isBiasAdd = add.Node.Op == "BiasAdd";

    private FusedScratch? _cached;

    public void Compute(OpKernelContext ctx)
    {
        var s = Interlocked.Exchange(ref _cached, null) ?? new FusedScratch();
        try
        {
            var sub = s.ContextLike(ctx);
            if (producer != null) ComputeWithProducer(ctx, sub, s.Slots, producer);
            else ComputeBiasActivation(ctx, sub, s.Slots);
        }
        finally
        {
            s.Clear();
            Volatile.Write(ref _cached, s);
        }
    }

    private void ComputeWithProducer(OpKernelContext ctx, OpKernelContext sub, Entry[] slots, FusedPart p)
    {
        FusedScratch.Hold(slots, 0, ctx.Input(0));
        FusedScratch.Hold(slots, 1, ctx.Input(1));
        FusedScratch.RunPart(p, sub, slots, ProducerIns, 2, null);
        var z = slots[2].Tensor!;
        var bias = ctx.Input(2);
        // The producer's output is fresh: held only by slot 2, so the epilogue may overwrite it.
        if (FitsBias(z, bias) && z.Buffer is { RefCount: 1 })
        {
            Epilogue(z, bias, z);
            ctx.SetOutput(0, z);
            // Output 1 is read only by Shape/Size/Rank of the producer's output, and the result has its shape.
            if (publishProducerShape) ctx.SetOutput(1, z);
            return;
        }
        FusedScratch.Hold(slots, 3, bias);
        // The add may overwrite the product in place, unless the product is still published as output 1.
        var forwardable = publishProducerShape ? NoForward : zIndex == 0 ? ForwardZ0 : ForwardZ1;
        ctx.SetOutput(0, RunRest(sub, slots, zIndex == 0 ? AddInsZ0 : AddInsZ1, forwardable));
        if (publishProducerShape) ctx.SetOutput(1, slots[2].Tensor!);
    }


    private void ComputeBiasActivation(OpKernelContext ctx, OpKernelContext sub, Entry[] slots)
    {
        var a = ctx.Input(0);
        var b = ctx.Input(1);
        // AddV2 is commutative (one IEEE add per element), so the vector may be either operand; BiasAdd's is input 1.
        int x = FitsBias(a, b) ? 0 : !_isBiasAdd && FitsBias(b, a) ? 1 : -1;
        if (x >= 0)
        {
            var input = x == 0 ? a : b;
            var y = ctx.ForwardInputOrAllocateOutput(x, 0, input.Dims);
            Epilogue(input, x == 0 ? b : a, y);
            return;
        }
        FusedScratch.Hold(slots, 0, a);
        FusedScratch.Hold(slots, 1, b);
        ctx.SetOutput(0, RunRest(sub, slots, PlainAddIns, null));
    }

    /// <summary>The unfused path: the add's own kernel, then Relu's; returns the last output (held by a private slot).</summary>
    private HostTensor RunRest(OpKernelContext sub, Entry[] slots, int[] addIns, bool[]? addForwardable)
    {
        FusedScratch.RunPart(add, sub, slots, addIns, 4, addForwardable);
        if (relu == null) return slots[4].Tensor!;
        FusedScratch.RunPart(relu, sub, slots, ReluIns, 5, ForwardOne);
        return slots[5].Tensor!;
    }

    /// <summary>Whether the fast path applies: same float dtype, vector bias matching x's last dim (BiasAdd also needs rank ≥ 2).</summary>
    private bool FitsBias(HostTensor x, HostTensor bias) =>
        x.DType == bias.DType && (x.DType is DType.Float or DType.Double) && bias.Rank == 1
        && x.Rank >= (_isBiasAdd ? 2 : 1) && x.Dims[^1] == bias.Dims[0] && bias.Dims[0] > 0;

    private void Epilogue(HostTensor x, HostTensor bias, HostTensor y)
    {
        if (x.DType == DType.Float) BiasActivation.Apply(x.AsReadOnlySpan<float>(), bias.AsReadOnlySpan<float>(), y.AsSpan<float>(), relu != null);
        else BiasActivation.Apply(x.AsReadOnlySpan<double>(), bias.AsReadOnlySpan<double>(), y.AsSpan<double>(), relu != null);
    }
}

/// <summary>
/// Per-run state of a fused kernel: private slots for the original nodes and a kernel context bound to
/// them. A kernel keeps one cached and makes another only for a concurrent run of the same plan.
/// </summary>
internal sealed class FusedScratch
{
    public readonly Entry[] Slots = new Entry[6];
    private OpKernelContext? _context;

    /// <summary>A context for the original nodes, carrying this run's step id, budget, cancellation and deadline.</summary>
    public OpKernelContext ContextLike(OpKernelContext ctx)
    {
        var sub = _context is { } c && ReferenceEquals(c.Resources, ctx.Resources) ? c : _context = new OpKernelContext(ctx.Resources);
        sub.StepId = ctx.StepId;
        sub.Budget = ctx.Budget;
        sub.Cancellation = ctx.Cancellation;
        sub.DeadlineTimestamp = ctx.DeadlineTimestamp;
        sub.DeadlineTimeoutMs = ctx.DeadlineTimeoutMs;
        return sub;
    }

    /// <summary>Gives back every hold of the private slots.</summary>
    public void Clear()
    {
        for (int i = 0; i < Slots.Length; i++)
        {
            Slots[i].Tensor?.Buffer?.Release();
            Slots[i] = default;
        }
    }

    public static void Hold(Entry[] slots, int i, HostTensor t)
    {
        t.Buffer?.Retain();
        slots[i].Tensor = t;
    }

    /// <summary>Runs one original node's kernel on the private slots; its errors name that node.</summary>
    public static void RunPart(FusedPart part, OpKernelContext sub, Entry[] slots, int[] inputs, int outputBase, bool[]? forwardable)
    {
        sub.Bind(part.Node, slots, inputs, outputBase, part.InputTypes, part.OutputTypes);
        sub.ForwardableInputs = forwardable;
        try
        {
            part.Kernel.Compute(sub);
        }
        catch (GraphEngineException e)
        {
            throw e.WithNode(part.Node.Name, part.Node.Op, part.Node.DefinedAt);
        }
    }
}
