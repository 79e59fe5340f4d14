using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Nn;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Nn;

/// <summary>
/// The new elementwise kernels forward a last-use input buffer as their output: each must then
/// give the same values as with a fresh buffer (no element read after it was overwritten), and
/// large inputs split across cores must match too.
/// </summary>
[TestClass]
public sealed class InPlaceTests
{
    private static void Check(OpDef op, int forwarded, params HostTensor[] inputs)
    {
        var fresh = KernelRunner.Run1(op, inputs.Select(t => t.Clone()).ToArray()).ToArray<double>();
        var k = KernelRunner.For(op, ("T", DType.Double));
        k.Forwardable = inputs.Select((_, i) => i == forwarded).ToArray();
        var copies = inputs.Select(t => t.Clone()).ToArray();
        var z = k.Run(copies)[0];
        Assert.AreSame(copies[forwarded].Buffer, z.Buffer, $"{op.Name} writes into input {forwarded}");
        CollectionAssert.AreEqual(fresh, z.ToArray<double>(), $"{op.Name} in place");
    }

    [TestMethod]
    public void Unary_grad_and_bias_kernels_run_in_place()
    {
        var x = Tn.RandomD(1, [3, 5]);
        var g = Tn.RandomD(2, [3, 5]);
        foreach (var op in new[] { MathOps.Exp, MathOps.Tanh, MathOps.Rsqrt, MathOps.Erf, NnOps.Softplus, NnOps.Elu, NnOps.Softmax, NnOps.LogSoftmax })
            Check(op, 0, op == MathOps.Rsqrt ? Tn.RandomD(3, [3, 5], 0.1, 4) : x);
        Check(MathOps.TanhGrad, 1, x, g);
        Check(MathOps.TanhGrad, 0, x, g);
        Check(NnOps.SoftplusGrad, 0, g, x);
        Check(NnOps.BiasAdd, 0, x, Tn.RandomD(4, [5]));
        Check(MathOps.SquaredDifference, 0, x, g);
    }

    [TestMethod]
    public void Large_inputs_split_across_cores_match_the_scalar_reference()
    {
        const int n = 100_003;
        var x = Tn.RandomD(9, [n], -30, 30);
        var y = KernelRunner.Run1(NnOps.Softplus, [x]).ToArray<double>();
        var xs = x.ToArray<double>();
        for (int i = 0; i < n; i += 997)
            Assert.AreEqual(xs[i] > 0 ? xs[i] + System.Math.Log(1 + System.Math.Exp(-xs[i])) : System.Math.Log(1 + System.Math.Exp(xs[i])), y[i], 1e-12);
        var t = KernelRunner.Run1(MathOps.Tanh, [x]).ToArray<double>();
        for (int i = 0; i < n; i += 991) Assert.AreEqual(System.Math.Tanh(xs[i]), t[i], 0.0);
    }
}
