using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.ControlFlow;

/// <summary>Control-flow ops (TF: core/ops/no_op.cc, control_flow_ops.cc).</summary>
public static partial class ControlFlowOps
{
    /// <summary>Does nothing; used as a grouping target for control dependencies (tf.group, train_op).</summary>
    public static readonly OpDef NoOp = OpDef.Define("NoOp")
        .Shape(CommonShapes.NoOutputs);
}

internal static class NoOpKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(ControlFlowOps.NoOp);
        var nothing = new LambdaKernel(_ => { });
        k.Add(ControlFlowOps.NoOp, _ => nothing);
    }
}
