using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Tests.Helpers;
using GraphEngine.Ops.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Training;

[TestClass]
public sealed class ApplyGradientDescentTests
{
    /// <summary>Runs the kernel with input 0 bound to a variable cell (an Entry holding a ref), as the executor does.</summary>
    private static Entry[] Run(RefCell cell, HostTensor alpha, HostTensor delta, DType t)
    {
        var op = TrainingOps.ApplyGradientDescent;
        var node = new NodeDef("apply", op.Name);
        node.Attr["T"] = AttrValue.Of(t);
        op.AddDefaults(node);
        var inTypes = op.ResolveTypes(op.InputArgs, node.Attr, node.Name);
        var outTypes = op.ResolveTypes(op.OutputArgs, node.Attr, node.Name);
        var kernel = KernelRunner.Kernels.Create(new OpKernelConstruction(node, op, inTypes, outTypes));
        var slots = new Entry[4];
        slots[0].Ref = cell;
        slots[1].Tensor = alpha;
        slots[2].Tensor = delta;
        var ctx = new OpKernelContext(null!);
        ctx.Bind(node, slots, [0, 1, 2], 3, inTypes, outTypes);
        kernel.Compute(ctx);
        return slots;
    }

    [TestMethod]
    public void Updates_the_variable_buffer_in_place()
    {
        foreach (var n in new[] { 1, 7, 67 })
        {
            var v0 = Enumerable.Range(0, n).Select(i => (float)i).ToArray();
            var d = Enumerable.Range(0, n).Select(i => 0.5f - i).ToArray();
            var cell = new RefCell("v", DType.Float, new TensorShape(n));
            var value = HostTensor.FromArray(v0, n);
            cell.Set(value);
            var slots = Run(cell, HostTensor.Scalar(0.1f), HostTensor.FromArray(d, n), DType.Float);
            Assert.AreSame(value, cell.Read(), "the cell keeps its tensor object");
            Assert.AreSame(cell, slots[3].Ref, "the output is the ref");
            var got = cell.Read().ToArray<float>();
            for (int i = 0; i < n; i++) Assert.AreEqual(v0[i] - 0.1f * d[i], got[i], 1e-6f);
        }
        var dc = new RefCell("w", DType.Double, new TensorShape(2, 2));
        dc.Set(HostTensor.FromArray(new[] { 1.0, 2, 3, 4 }, 2, 2));
        Run(dc, HostTensor.Scalar(2.0), HostTensor.FromArray(new[] { 1.0, -1, 0.5, 0 }, 2, 2), DType.Double);
        CollectionAssert.AreEqual(new[] { -1.0, 4, 2, 4 }, dc.Read().ToArray<double>());
    }

    [TestMethod]
    public void Errors()
    {
        var cell = new RefCell("v", DType.Float, new TensorShape(2));
        var e = Assert.ThrowsExactly<FailedPreconditionException>(() => Run(cell, HostTensor.Scalar(0.1f), Tn.F([1, 2]), DType.Float));
        StringAssert.Contains(e.Message, "Attempting to use uninitialized value v");
        cell.Set(Tn.F([1, 2]));
        var ia = Assert.ThrowsExactly<InvalidArgumentException>(() => Run(cell, HostTensor.Scalar(0.1f), Tn.F([1, 2, 3]), DType.Float));
        StringAssert.Contains(ia.Message, "var and delta do not have the same shape[2] [3]");
        ia = Assert.ThrowsExactly<InvalidArgumentException>(() => Run(cell, Tn.F([0.1f, 0.2f]), Tn.F([1, 2]), DType.Float));
        StringAssert.Contains(ia.Message, "alpha is not a scalar: [2]");
        CollectionAssert.AreEqual(new float[] { 1, 2 }, cell.Read().ToArray<float>(), "failed updates leave the variable alone");
    }

    [TestMethod]
    public void Definition_and_shape()
    {
        var op = TrainingOps.ApplyGradientDescent;
        Assert.IsTrue(op.InputArgs[0].IsRef && op.OutputArgs[0].IsRef && !op.InputArgs[1].IsRef);
        Assert.IsFalse(op.FindAttr("use_locking")!.DefaultValue!.B);
        ShapeDsl.Infer(op, "[2,?];[];[?,3]").Is("[2,3]");
        ShapeDsl.Infer(op, "[2];[1];[2]").Fails("Shape must be rank 0 but is rank 1");
        ShapeDsl.Infer(op, "[2];[];[3]").Fails("Dimension 0 in both shapes must be equal, but are 2 and 3");
    }
}
