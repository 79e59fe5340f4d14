using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Math;

/// <summary>Select and SelectV2, tf.where with three arguments (TF: core/ops/math_ops.cc, kernels/cwise_op_select.cc).</summary>
public static partial class MathOps
{
    public static readonly OpDef Select = OpDef.Define("Select")
        .Input("condition: bool")
        .Input("t: T")
        .Input("e: T")
        .Output("output: T")
        .Attr("T: type")
        .Shape(SelectShape);

    public static readonly OpDef SelectV2 = OpDef.Define("SelectV2")
        .Input("condition: bool")
        .Input("t: T")
        .Input("e: T")
        .Output("output: T")
        .Attr("T: type")
        .Shape(c => c.SetOutput(0, CommonShapes.Broadcast(c.Input(0), CommonShapes.Broadcast(c.Input(1), c.Input(2)))));

    /// <summary>t and e merge; cond is a scalar, the same shape, or a vector over t's first dimension.</summary>
    private static void SelectShape(InferenceContext c)
    {
        var data = c.Input(1).MergeWith(c.Input(2));
        var cond = c.Input(0);
        if (!cond.HasRank || !data.HasRank || cond.Rank == 0)
        {
            c.SetOutput(0, data);
            return;
        }
        if (cond.Rank != 1 || data.Rank == 0)
        {
            c.SetOutput(0, data.MergeWith(cond));
            return;
        }
        cond.MergeWith(new TensorShape(data[0]));
        c.SetOutput(0, data);
    }
}

/// <summary>
/// Select (v1 rules) or SelectV2 (broadcasting) for every fixed-size dtype: v1's vector condition
/// is rewritten as a condition of shape [n, 1, …] so both run the same broadcasting select.
/// </summary>
internal sealed class SelectKernel(bool v2) : IOpKernel
{
    public void Compute(OpKernelContext ctx)
    {
        var cond = ctx.Input(0);
        var t = ctx.Input(1);
        var e = ctx.Input(2);
        long[] condDims = cond.Dims.ToArray(), outDims;
        if (v2)
        {
            if (!Broadcast.TryShape(t.Dims, e.Dims, out var te) || !Broadcast.TryShape(cond.Dims, te, out outDims))
                throw new InvalidArgumentException($"condition {cond.Shape}, then {t.Shape}, and else {e.Shape} must be broadcastable");
        }
        else
        {
            if (!t.SameShape(e))
                throw new InvalidArgumentException($"'then' and 'else' must have the same size.  but received: {t.Shape} vs. {e.Shape}");
            outDims = t.Dims.ToArray();
            if (cond.Rank == 1 && t.Rank > 1)
            {
                if (t.Dims[0] != cond.NumElements)
                    throw new InvalidArgumentException($"Number of batches of 'then' must match size of 'cond', but saw: {t.Dims[0]} vs. {cond.NumElements}");
                condDims = [cond.NumElements, .. Enumerable.Repeat(1L, t.Rank - 1)];
            }
            else if (cond.Rank != 0 && !cond.SameShape(t))
                throw new InvalidArgumentException($"'cond' and 'then' must have the same size.  but received: {cond.Shape} vs. {t.Shape}");
        }
        var z = ctx.AllocateOutput(0, outDims);
        var run = new Run(cond, condDims, t, e, z);
        KernelTypes.BySize(t.DType, ref run);
    }

    private readonly struct Run(HostTensor cond, long[] condDims, HostTensor t, HostTensor e, HostTensor z) : ISizeVisitor
    {
        public void Visit<T>() where T : unmanaged =>
            BroadcastMap.Select<T>(cond.AsReadOnlySpan<bool>(), condDims, KernelTypes.Raw<T>(t), t.Dims, KernelTypes.Raw<T>(e), e.Dims,
                KernelTypes.Raw<T>(z), z.Dims);
    }
}

internal static class SelectKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(MathOps.Select, MathOps.SelectV2);
        var v1 = new SelectKernel(v2: false);
        var v2 = new SelectKernel(v2: true);
        k.Add(MathOps.Select, KernelTypes.FixedSize, _ => v1);
        k.Add(MathOps.SelectV2, KernelTypes.FixedSize, _ => v2);
    }
}
