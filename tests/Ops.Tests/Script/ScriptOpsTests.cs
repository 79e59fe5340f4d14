using GraphEngine.Ops.Core;
using GraphEngine.Ops.Script;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Script;

[TestClass]
public sealed class ScriptOpsTests
{
    private static KernelRunner PyFunc(string token, params DType[] tout) =>
        KernelRunner.Named(ScriptOps.PyFunc, "host", ("token", token), ("Tin", AttrValue.Of(new[] { DType.Float })), ("Tout", AttrValue.Of(tout)));

    [TestMethod]
    public void PyFunc_calls_the_registered_function_by_token()
    {
        var token = HostFunctionRegistry.Register(xs => [HostTensor.Scalar((long)xs[0].NumElements), xs[0]]);
        try
        {
            var outs = PyFunc(token, DType.Int64, DType.Float).Run(Tn.F([1f, 2f, 3f]));
            Assert.AreEqual(3L, outs[0].ScalarValue<long>());
            CollectionAssert.AreEqual(new[] { 1f, 2f, 3f }, outs[1].ToArray<float>());
        }
        finally
        {
            Assert.IsTrue(HostFunctionRegistry.Remove(token));
        }
        var e = Assert.ThrowsExactly<NotFoundException>(() => PyFunc(token, DType.Int64, DType.Float).Run(Tn.F([1f])));
        StringAssert.Contains(e.Message, token);
    }

    [TestMethod]
    public void PyFunc_rejects_results_that_do_not_match_Tout()
    {
        var token = HostFunctionRegistry.Register(xs => [xs[0]]);
        try
        {
            var e = Assert.ThrowsExactly<InvalidArgumentException>(() => PyFunc(token, DType.Double).Run(Tn.F([1f])));
            StringAssert.Contains(e.Message, "returned float for output 0, but Tout[0] is double");
            e = Assert.ThrowsExactly<InvalidArgumentException>(() => PyFunc(token, DType.Float, DType.Float).Run(Tn.F([1f])));
            StringAssert.Contains(e.Message, "returned 1 value(s), but Tout declares 2");
        }
        finally
        {
            HostFunctionRegistry.Remove(token);
        }
    }

    [TestMethod]
    public void PyFunc_op_defs_are_tfs()
    {
        Assert.IsTrue(ScriptOps.PyFunc.IsStateful);
        Assert.IsFalse(ScriptOps.PyFuncStateless.IsStateful);
        ShapeDsl.Infer(ScriptOps.PyFunc, "[2]", ("token", "t"), ("Tin", AttrValue.Of(new[] { DType.Float })),
            ("Tout", AttrValue.Of(new[] { DType.Float, DType.Int32 }))).Is("?;?");
    }
}
