using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Array;

[TestClass]
public sealed class PlaceholdersTests
{
    [TestMethod]
    public void Unfed_placeholder_raises_tf_error_text()
    {
        var k = KernelRunner.Named(ArrayOps.Placeholder, "x", ("dtype", DType.Float), ("shape", new TensorShape(-1, 784)));
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => k.Run());
        Assert.AreEqual("You must feed a value for placeholder tensor 'x' with dtype float and shape [?,784]", e.Message);

        k = KernelRunner.Named(ArrayOps.Placeholder, "scope/y", ("dtype", DType.Int64));   // default shape: unknown rank
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => k.Run());
        Assert.AreEqual("You must feed a value for placeholder tensor 'scope/y' with dtype int64", e.Message);

        k = KernelRunner.Named(ArrayOps.Placeholder, "s", ("dtype", DType.Bool), ("shape", TensorShape.Scalar));
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => k.Run());
        Assert.AreEqual("You must feed a value for placeholder tensor 's' with dtype bool and shape []", e.Message);
    }

    [TestMethod]
    public void Placeholder_shape_is_the_attr()
    {
        ShapeDsl.Infer(ArrayOps.Placeholder, "", ("dtype", DType.Float), ("shape", new TensorShape(-1, 784))).Is("[?,784]");
        ShapeDsl.Infer(ArrayOps.Placeholder, "", ("dtype", DType.Float)).Is("?");
        Assert.IsFalse(ArrayOps.Placeholder.FindAttr("shape")!.DefaultValue!.Shape.HasRank);
    }

    [TestMethod]
    public void PlaceholderWithDefault_forwards_and_checks_compatibility()
    {
        var x = Tn.F([1, 2], 1, 2);
        var y = KernelRunner.Run1(ArrayOps.PlaceholderWithDefault, [x], ("dtype", DType.Float), ("shape", new TensorShape(-1, 2)));
        Assert.AreSame(x, y);
        ShapeDsl.Infer(ArrayOps.PlaceholderWithDefault, "[1,2]", ("dtype", DType.Float), ("shape", new TensorShape(-1, 2))).Is("[?,2]");
        ShapeDsl.Infer(ArrayOps.PlaceholderWithDefault, "[1,3]", ("dtype", DType.Float), ("shape", new TensorShape(-1, 2)))
            .Fails("Dimension 1 in both shapes must be equal, but are 3 and 2");
    }
}
