using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Math;

[TestClass]
public sealed class AggregatesTests
{
    [TestMethod]
    public void AddN_sums_every_input_for_each_dtype()
    {
        foreach (var len in new[] { 1, 7, 67 })
        {
            var a = Enumerable.Range(0, len).Select(i => i * 0.5).ToArray();
            var b = Enumerable.Range(0, len).Select(i => 3.0 - i).ToArray();
            var c = Enumerable.Range(0, len).Select(i => (double)(i % 5)).ToArray();
            var want = a.Zip(b, (x, y) => x + y).Zip(c, (x, y) => x + y).ToArray();
            var d = KernelRunner.Run1(MathOps.AddN, [Tn.D(a, len), Tn.D(b, len), Tn.D(c, len)], ("N", 3));
            CollectionAssert.AreEqual(want, d.ToArray<double>());
            var f = KernelRunner.Run1(MathOps.AddN, [Tn.F(a.Select(v => (float)v).ToArray(), len), Tn.F(b.Select(v => (float)v).ToArray(), len)], ("N", 2));
            CollectionAssert.AreEqual(a.Zip(b, (x, y) => (float)(x + y)).ToArray(), f.ToArray<float>());
        }
        var i32 = KernelRunner.Run1(MathOps.AddN, [Tn.I([1, 2, 3, 4], 2, 2), Tn.I([10, 20, 30, 40], 2, 2)], ("N", 2));
        CollectionAssert.AreEqual(new[] { 11, 22, 33, 44 }, i32.ToArray<int>());
        CollectionAssert.AreEqual(new long[] { 2, 2 }, i32.Dims.ToArray());
        var i64 = KernelRunner.Run1(MathOps.AddN, [Tn.L([5, -6], 2)], ("N", 1));
        CollectionAssert.AreEqual(new long[] { 5, -6 }, i64.ToArray<long>());
    }

    [TestMethod]
    public void AddN_leaves_its_inputs_unchanged_when_not_forwardable()
    {
        var a = Tn.F([1, 2, 3]);
        var b = Tn.F([4, 5, 6]);
        var y = KernelRunner.Run1(MathOps.AddN, [a, b], ("N", 2));
        CollectionAssert.AreEqual(new float[] { 5, 7, 9 }, y.ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 1, 2, 3 }, a.ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 4, 5, 6 }, b.ToArray<float>());
    }

    [TestMethod]
    public void AddN_rejects_different_shapes()
    {
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(MathOps.AddN, [Tn.F([1, 2]), Tn.F([1, 2, 3])], ("N", 2)));
        StringAssert.Contains(e.Message, "must have the same size and shape.  Input 0: [2] != input 1: [3]");
    }

    [TestMethod]
    public void AddN_shape_merges_all_inputs()
    {
        ShapeDsl.Infer(MathOps.AddN, "[?,3];[2,?];?", ("N", 3)).Is("[2,3]");
        ShapeDsl.Infer(MathOps.AddN, "?;?", ("N", 2)).Is("?");
        ShapeDsl.Infer(MathOps.AddN, "[2];[3]", ("N", 2)).Fails("Dimension 0 in both shapes must be equal, but are 2 and 3");
        Assert.IsTrue(MathOps.AddN.IsAggregate && MathOps.AddN.IsCommutative);
    }
}

[TestClass]
public sealed class AddNForwardingTests
{
    /// <summary>With input 1 forwardable (last use, sole holder), the sum lands in its buffer.</summary>
    [TestMethod]
    public void AddN_accumulates_into_a_forwardable_input()
    {
        var op = MathOps.AddN;
        var node = new GraphEngine.Ops.Model.NodeDef("sum", op.Name);
        node.Attr["T"] = AttrValue.Of(DType.Float);
        node.Attr["N"] = AttrValue.Of(3L);
        var inTypes = op.ResolveTypes(op.InputArgs, node.Attr, node.Name);
        var outTypes = op.ResolveTypes(op.OutputArgs, node.Attr, node.Name);
        var kernel = KernelRunner.Kernels.Create(new GraphEngine.Ops.Framework.OpKernelConstruction(node, op, inTypes, outTypes));
        var inputs = new[] { Tn.F([1, 2, 3]), Tn.F([10, 20, 30]), Tn.F([100, 200, 300]) };
        var slots = new GraphEngine.Ops.Framework.Entry[4];
        for (int i = 0; i < 3; i++) { slots[i].Tensor = inputs[i]; inputs[i].Buffer!.Retain(); }
        var ctx = new GraphEngine.Ops.Framework.OpKernelContext(null!) { ForwardableInputs = [false, true, false] };
        ctx.Bind(node, slots, [0, 1, 2], 3, inTypes, outTypes);
        kernel.Compute(ctx);
        Assert.AreSame(inputs[1], slots[3].Tensor);
        CollectionAssert.AreEqual(new float[] { 111, 222, 333 }, slots[3].Tensor!.ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 1, 2, 3 }, inputs[0].ToArray<float>());
    }
}
