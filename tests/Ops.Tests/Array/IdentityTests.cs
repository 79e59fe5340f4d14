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
    public void Identity_of_a_ref_input_reads_the_variable()
    {
        var cell = new Framework.RefCell("v", DType.Float, new TensorShape(2));
        var node = new GraphEngine.Ops.Model.NodeDef("v/read", ArrayOps.Identity.Name);
        node.Attr["T"] = DType.Float;
        var kernel = KernelRunner.Kernels.Create(new Framework.OpKernelConstruction(node, ArrayOps.Identity, [DType.FloatRef], [DType.Float]));
        var slots = new Framework.Entry[2];
        slots[0].Ref = cell;
        var ctx = new Framework.OpKernelContext(null!);
        ctx.Bind(node, slots, [0], 1, [DType.FloatRef], [DType.Float]);
        var e = Assert.ThrowsExactly<FailedPreconditionException>(() => kernel.Compute(ctx));
        Assert.AreEqual("Attempting to use uninitialized value v", e.Message);
        var value = Tn.F([1, 2], 2);
        cell.Set(value);
        kernel.Compute(ctx);
        Assert.AreSame(value, slots[1].Tensor);
    }

    [TestMethod]
    public void NoOp_does_nothing()
    {
        Assert.AreEqual(0, KernelRunner.For(ControlFlowOps.NoOp).Run().Length);
        ShapeDsl.Infer(ControlFlowOps.NoOp, "").Is("");
    }
}
