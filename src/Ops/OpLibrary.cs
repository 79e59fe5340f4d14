using GraphEngine.Ops.Framework;

namespace GraphEngine.Ops;

/// <summary>
/// The one list of op families of this layer. Each family registers its OpDefs and pure CPU
/// kernels; the runtime adds the effectful kernels on top.
/// </summary>
public static class OpLibrary
{
    public static void RegisterAll(OpRegistry ops, KernelRegistry kernels)
    {
        State.StateOps.Register(ops);
        Io.IoOps.Register(ops);
        Array.ConstantKernels.Register(ops, kernels);
        Array.PlaceholderKernels.Register(ops, kernels);
        Array.IdentityKernels.Register(ops, kernels);
        Array.ShapeKernels.Register(ops, kernels);
        ControlFlow.NoOpKernels.Register(ops, kernels);
        Math.ArithmeticKernels.Register(ops, kernels);
        Math.MatMulKernels.Register(ops, kernels);
        Math.ReductionKernels.Register(ops, kernels);
        Math.CastKernels.Register(ops, kernels);
        Nn.ActivationKernels.Register(ops, kernels);
        Random.RandomKernels.Register(ops, kernels);
    }
}
