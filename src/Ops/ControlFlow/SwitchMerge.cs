using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.ControlFlow;

/// <summary>
/// TF1 dataflow conditionals (TF: core/ops/control_flow_ops.cc, kernels/control_flow_ops.cc).
/// Switch forwards its data to one output and leaves the other dead; Merge forwards its first
/// live input. Deadness itself is the executor's business: a kernel that does not set an output
/// leaves it dead, and Merge runs with only some inputs present.
/// </summary>
public static partial class ControlFlowOps
{
    public static readonly OpDef Switch = OpDef.Define("Switch")
        .Input("data: T")
        .Input("pred: bool")
        .Output("output_false: T")
        .Output("output_true: T")
        .Attr("T: type")
        .Shape(SwitchShape);

    public static readonly OpDef RefSwitch = OpDef.Define("RefSwitch")
        .Input("data: Ref(T)")
        .Input("pred: bool")
        .Output("output_false: Ref(T)")
        .Output("output_true: Ref(T)")
        .Attr("T: type")
        .SetAllowsUninitializedInput()
        .Shape(SwitchShape);

    public static readonly OpDef Merge = OpDef.Define("Merge")
        .Input("inputs: N * T")
        .Output("output: T")
        .Output("value_index: int32")
        .Attr("T: type")
        .Attr("N: int >= 1")
        .Shape(MergeShape);

    public static readonly OpDef RefMerge = OpDef.Define("RefMerge")
        .Input("inputs: Ref(N * T)")
        .Output("output: Ref(T)")
        .Output("value_index: int32")
        .Attr("T: type")
        .Attr("N: int >= 1")
        .Shape(MergeShape);

    /// <summary>Both outputs have the data's shape; pred must be a scalar (TF's SwitchShape).</summary>
    private static void SwitchShape(InferenceContext c)
    {
        c.WithRank(1, 0);
        c.SetOutput(0, c.Input(0));
        c.SetOutput(1, c.Input(0));
    }

    /// <summary>
    /// The output is whichever input fires, so only what all inputs share is known: the common rank
    /// and the dimensions on which they agree (TF's MergeShape); value_index is a scalar.
    /// </summary>
    private static void MergeShape(InferenceContext c)
    {
        var first = c.Input(0);
        TensorShape result = first;
        if (!first.HasRank) result = TensorShape.Unknown;
        else
        {
            var dims = first.Dims.ToArray();
            for (int i = 1; i < c.NumInputs && result.HasRank; i++)
            {
                var s = c.Input(i);
                if (!s.HasRank || s.Rank != dims.Length) { result = TensorShape.Unknown; break; }
                for (int d = 0; d < dims.Length; d++)
                    if (dims[d] != s.Dims[d]) dims[d] = TensorShape.UnknownDim;
                result = new TensorShape(dims);
            }
        }
        c.SetOutput(0, result);
        c.SetOutput(1, TensorShape.Scalar);
    }
}

internal static class SwitchMergeKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(ControlFlowOps.Switch, ControlFlowOps.RefSwitch, ControlFlowOps.Merge, ControlFlowOps.RefMerge);
        // Both kernels only move tensors (or variable cells), so one kernel serves every dtype.
        var sw = new LambdaKernel(SwitchCompute);
        var merge = new LambdaKernel(MergeCompute);
        k.Add(ControlFlowOps.Switch, _ => sw);
        k.Add(ControlFlowOps.RefSwitch, _ => sw);
        k.Add(ControlFlowOps.Merge, _ => merge);
        k.Add(ControlFlowOps.RefMerge, _ => merge);
    }

    private static void SwitchCompute(OpKernelContext ctx)
    {
        var pred = ctx.Input(1);
        if (pred.Rank != 0)
            throw new InvalidArgumentException(
                $"The second input must be a scalar, but it has shape [{string.Join(",", pred.Dims.ToArray())}] (node '{ctx.Node.Name}', op: {ctx.Node.Op}).");
        int port = pred.ScalarValue<bool>() ? 1 : 0;
        Forward(ctx, 0, port);
    }

    /// <summary>Forwards the first input that is live; the executor runs Merge only when one is.</summary>
    private static void MergeCompute(OpKernelContext ctx)
    {
        for (int i = 0; i < ctx.NumInputs; i++)
        {
            if (!ctx.HasInput(i)) continue;
            Forward(ctx, i, 0);
            ctx.SetOutput(1, HostTensor.Scalar(i));
            return;
        }
        throw new InternalException($"Merge node '{ctx.Node.Name}' ran with no live input.");
    }

    /// <summary>Passes a tensor through without copying; a variable stays a ref (read where it is used, as Identity does).</summary>
    private static void Forward(OpKernelContext ctx, int input, int output)
    {
        if (ctx.IsRefInput(input)) ctx.SetOutputRef(output, ctx.InputRef(input));
        else ctx.SetOutput(output, ctx.Input(input));
    }
}
