using GraphEngine.Ops.Array;
using GraphEngine.Ops.ControlFlow;
using GraphEngine.Ops.Random;
using GraphEngine.Ops.State;

namespace GraphEngine;

/// <summary>Gradients of array ops (TF: python/ops/array_grad.py).</summary>
internal static class ArrayGradients
{
    public static void Register(GradientRegistry g)
    {
        g.Add(ArrayOps.Identity, static (op, grads) => [grads[0]]);
        g.Add(ArrayOps.PlaceholderWithDefault, static (op, grads) => [grads[0]]);
        g.Add(ArrayOps.Reshape, static (op, grads) =>
            [new OpBuilder(ArrayOps.Reshape).Input(grads[0]!).Input(BroadcastGradients.Shape(op.inputs[0])).Build().outputs[0], null]);
        // TF _FillGrad: the value is broadcast to every element, so its gradient is the sum.
        g.Add(ArrayOps.Fill, static (op, grads) => [null, tf.reduce_sum(grads[0]!)]);
    }
}

/// <summary>Ops gradients stop at quietly (TF's NotDifferentiable registrations).</summary>
internal static class NotDifferentiableOps
{
    public static void Register(GradientRegistry g) => g.NoGradient(
        ArrayOps.StopGradient, ArrayOps.Shape, ArrayOps.ZerosLike, ArrayOps.OnesLike, ArrayOps.BroadcastGradientArgs,
        ArrayOps.Placeholder, ArrayOps.Const, ControlFlowOps.NoOp,
        RandomOps.RandomStandardNormal, RandomOps.TruncatedNormal, RandomOps.RandomUniform,
        StateOps.VariableV2, StateOps.Variable, StateOps.Assign, StateOps.AssignAdd, StateOps.AssignSub, StateOps.IsVariableInitialized,
        Ops.Training.TrainingOps.ApplyGradientDescent, Ops.Io.IoOps.SaveV2, Ops.Io.IoOps.RestoreV2, Ops.Io.IoOps.MergeV2Checkpoints,
        Ops.Io.ShardedFilenameOps.ShardedFilename, Ops.Io.ShardedFilenameOps.ShardedFilespec, Ops.Strings.StringOps.StringJoin,
        Ops.Training.TrainingOps.ApplyMomentum, Ops.Training.TrainingOps.ApplyAdagrad, Ops.Training.TrainingOps.ApplyAdadelta,
        Ops.Training.TrainingOps.ApplyRMSProp, Ops.Training.TrainingOps.ApplyCenteredRMSProp, Ops.Training.TrainingOps.ApplyAdam,
        Ops.Training.TrainingOps.ApplyFtrl, Ops.Training.TrainingOps.ApplyFtrlV2);
}
