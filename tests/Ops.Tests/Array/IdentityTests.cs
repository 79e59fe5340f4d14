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
    public void Identity_of_a_ref_input_passes_the_variable_through()
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
        // The output is the variable itself: its value is copied under the lock where it is used.
        Assert.AreSame(cell, slots[1].Ref);
        Assert.IsNull(slots[1].Tensor);
    }

    [TestMethod]
    public void A_plain_input_fed_by_a_variable_is_a_copy_taken_under_its_lock()
    {
        var cell = new Framework.RefCell("v", DType.Float, new TensorShape(2));
        var value = Tn.F([1, 2], 2);
        cell.Set(value);
        var node = new GraphEngine.Ops.Model.NodeDef("y", "Neg");
        var slots = new Framework.Entry[2];
        slots[0].Ref = cell;
        var ctx = new Framework.OpKernelContext(null!);
        ctx.Bind(node, slots, [0], 1, [DType.Float], [DType.Float]);
        var copy = ctx.Input(0);
        Assert.AreNotSame(value, copy);
        Assert.AreNotEqual(value.Buffer!.Address, copy.Buffer!.Address);
        CollectionAssert.AreEqual(new float[] { 1, 2 }, copy.ToArray<float>());
        Assert.AreSame(copy, ctx.Input(0), "one copy per node, however often the kernel reads the input");
        // While another thread holds the variable's lock (an update in progress), the read waits for it.
        var gate = new ManualResetEventSlim();
        var writer = new Thread(() =>
        {
            lock (cell.Lock)
            {
                gate.Set();
                Thread.Sleep(50);
                value.AsSpan<float>().Fill(7);
            }
        });
        writer.Start();
        gate.Wait();
        Assert.AreEqual(1, copy.Buffer.RefCount, "the node's copy is held until the context moves on");
        ctx.Bind(node, slots, [0], 1, [DType.Float], [DType.Float]);
        Assert.AreEqual(0, copy.Buffer.RefCount, "binding the next node releases the previous node's copies");
        CollectionAssert.AreEqual(new float[] { 7, 7 }, ctx.Input(0).ToArray<float>());
        writer.Join();
        ctx.ReleaseSnapshots();
    }

    [TestMethod]
    public void NoOp_does_nothing()
    {
        Assert.AreEqual(0, KernelRunner.For(ControlFlowOps.NoOp).Run().Length);
        ShapeDsl.Infer(ControlFlowOps.NoOp, "").Is("");
    }
}
