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
    }
}
