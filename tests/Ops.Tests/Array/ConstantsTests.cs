using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Array;

[TestClass]
public sealed class ConstantsTests
{
    [TestMethod]
    public void Const_outputs_its_value_every_run_and_holds_the_buffer()
    {
        var value = Tn.F([1, 2, 3], 3);
        var k = KernelRunner.For(ArrayOps.Const, ("value", value), ("dtype", DType.Float));
        Assert.AreEqual(1, value.Buffer!.RefCount, "the kernel holds one permanent reference");
        var a = k.Run()[0];
        // What an executor does after the last use: release its hold. The buffer must stay owned.
        a.Buffer!.Release();
        Assert.AreSame(value, k.Run()[0]);
        Assert.IsTrue(value.Buffer.RefCount >= 1);
        CollectionAssert.AreEqual(new[] { 1f, 2, 3 }, value.ToArray<float>());
    }

    [TestMethod]
    public void Const_checks_dtype_and_shape_function_uses_value()
    {
        Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.For(ArrayOps.Const, ("value", Tn.F([1f])), ("dtype", DType.Int32)));
        ShapeDsl.Infer(ArrayOps.Const, "", ("value", Tn.F(new float[6], 2, 3)), ("dtype", DType.Float)).Is("[2,3]");
        ShapeDsl.Infer(ArrayOps.Const, "", ("value", HostTensor.Scalar(true)), ("dtype", DType.Bool)).Is("[]");
    }

    [TestMethod]
    public void Fill_for_each_type()
    {
        var f = KernelRunner.Run1(ArrayOps.Fill, [Tn.Vec(2, 3), HostTensor.Scalar(1.5f)], ("T", DType.Float));
        CollectionAssert.AreEqual(new long[] { 2, 3 }, f.Dims.ToArray());
        Assert.IsTrue(f.ToArray<float>().All(v => v == 1.5f));
        var l = KernelRunner.Run1(ArrayOps.Fill, [HostTensor.FromArray(new long[] { 4 }, 1), HostTensor.Scalar(-7L)], ("T", DType.Int64), ("index_type", DType.Int64));
        CollectionAssert.AreEqual(new long[] { -7, -7, -7, -7 }, l.ToArray<long>());
        var b = KernelRunner.Run1(ArrayOps.Fill, [Tn.Vec(3), HostTensor.Scalar(true)], ("T", DType.Bool));
        CollectionAssert.AreEqual(new[] { true, true, true }, b.ToArray<bool>());
        var d = KernelRunner.Run1(ArrayOps.Fill, [Tn.Vec(0, 5), HostTensor.Scalar(2.0)], ("T", DType.Double));
        Assert.AreEqual(0L, d.NumElements);
    }

    [TestMethod]
    public void Fill_errors_and_shapes()
    {
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() =>
            KernelRunner.Run1(ArrayOps.Fill, [Tn.Vec(2), Tn.F([1, 2], 2)], ("T", DType.Float)));
        Assert.AreEqual("value must be a scalar, got shape [2]", e.Message);
        e = Assert.ThrowsExactly<InvalidArgumentException>(() =>
            KernelRunner.Run1(ArrayOps.Fill, [HostTensor.Scalar(2), HostTensor.Scalar(1f)], ("T", DType.Float)));
        Assert.AreEqual("dims must be a vector, got shape []", e.Message);
        ShapeDsl.Infer(ArrayOps.Fill, "[2];[]").Const(0, Tn.Vec(4, 5)).Is("[4,5]");
        ShapeDsl.Infer(ArrayOps.Fill, "[3];[]").Is("[?,?,?]");
        ShapeDsl.Infer(ArrayOps.Fill, "[2];[1]").Fails("Shape must be rank 0 but is rank 1");
        ShapeDsl.Infer(ArrayOps.Fill, "[2];[]").Const(0, Tn.Vec(4, -1)).Fails("Fill dimensions must be >= 0");
    }

    [TestMethod]
    public void ZerosLike_and_OnesLike()
    {
        var x = Tn.RandomF(3, [3, 5]);
        var z = KernelRunner.Run1(ArrayOps.ZerosLike, [x]);
        CollectionAssert.AreEqual(x.Dims.ToArray(), z.Dims.ToArray());
        Assert.IsTrue(z.ToArray<float>().All(v => v == 0));
        Assert.IsTrue(KernelRunner.Run1(ArrayOps.OnesLike, [x]).ToArray<float>().All(v => v == 1));
        CollectionAssert.AreEqual(new[] { 1.0, 1.0 }, KernelRunner.Run1(ArrayOps.OnesLike, [Tn.D([5, 6])]).ToArray<double>());
        CollectionAssert.AreEqual(new[] { 1, 1 }, KernelRunner.Run1(ArrayOps.OnesLike, [Tn.I([5, 6])]).ToArray<int>());
        CollectionAssert.AreEqual(new long[] { 1 }, KernelRunner.Run1(ArrayOps.OnesLike, [Tn.L([9])]).ToArray<long>());
        CollectionAssert.AreEqual(new[] { true, true }, KernelRunner.Run1(ArrayOps.OnesLike, [HostTensor.FromArray(new[] { false, true }, 2)]).ToArray<bool>());
        CollectionAssert.AreEqual(new[] { false, false }, KernelRunner.Run1(ArrayOps.ZerosLike, [HostTensor.FromArray(new[] { true, true }, 2)]).ToArray<bool>());
        CollectionAssert.AreEqual(new long[] { 0, 0 }, KernelRunner.Run1(ArrayOps.ZerosLike, [Tn.L([3, 4])]).ToArray<long>());
        ShapeDsl.Infer(ArrayOps.ZerosLike, "[?,2]").Is("[?,2]");
        ShapeDsl.Infer(ArrayOps.OnesLike, "?").Is("?");
    }
}
