using GraphEngine.Ops.Array;
using GraphEngine.Ops.ControlFlow;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Array;

[TestClass]
public sealed class IdentityTests
{
    [TestMethod]
    public void Identity_and_StopGradient_forward_the_same_tensor_for_any_dtype()
    {
        HostTensor[] inputs = [Tn.F([1, 2]), Tn.D([3]), Tn.I([4]), Tn.L([5]), HostTensor.FromArray(new[] { true }, 1),
            HostTensor.FromStrings([[1, 2]], [1])];
        foreach (var x in inputs)
        {
            Assert.AreSame(x, KernelRunner.Run1(ArrayOps.Identity, [x]));
            Assert.AreSame(x, KernelRunner.Run1(ArrayOps.StopGradient, [x]));
        }
        ShapeDsl.Infer(ArrayOps.Identity, "[?,3]").Is("[?,3]");
        ShapeDsl.Infer(ArrayOps.StopGradient, "?").Is("?");
    }

    [TestMethod]
    public void NoOp_does_nothing()
    {
        Assert.AreEqual(0, KernelRunner.For(ControlFlowOps.NoOp).Run().Length);
        ShapeDsl.Infer(ControlFlowOps.NoOp, "").Is("");
    }
}
