using GraphEngine.Ops.Core;
using GraphEngine.Ops.Nn;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using M = System.Math;

namespace GraphEngine.Ops.Tests.Nn;

[TestClass]
public sealed class Activations2Tests
{
    private const double Scale = 1.0507009873554804934193349852946, Alpha = 1.6732632423543772848170429916717;

    private static double SoftplusRef(double x) => x > 0 ? x + UnaryCheck.Log1pRef(M.Exp(-x)) : UnaryCheck.Log1pRef(M.Exp(x));

    [TestMethod] public void Relu6_matches_reference() => UnaryCheck.Run(NnOps.Relu6, x => double.IsNaN(x) ? x : x < 0 ? 0 : x > 6 ? 6 : x, -3, 9, 0, 0);
    [TestMethod] public void Elu_matches_reference() => UnaryCheck.Run(NnOps.Elu, x => x < 0 ? UnaryCheck.Expm1Ref(x) : x, doubleRtol: 1e-11);
    [TestMethod] public void Selu_matches_reference() => UnaryCheck.Run(NnOps.Selu, x => x < 0 ? Scale * Alpha * UnaryCheck.Expm1Ref(x) : Scale * x, doubleRtol: 1e-11);
    [TestMethod] public void Softsign_matches_reference() => UnaryCheck.Run(NnOps.Softsign, x => x / (M.Abs(x) + 1));

    [TestMethod]
    public void Softplus_matches_reference_including_overflow_ranges()
    {
        UnaryCheck.Run(NnOps.Softplus, SoftplusRef, -2, 2, doubleRtol: 1e-11);
        UnaryCheck.Run(NnOps.Softplus, SoftplusRef, 300, 400, specials: false);
        UnaryCheck.Run(NnOps.Softplus, SoftplusRef, -400, -300, doubleRtol: 1e-11, specials: false);
        UnaryCheck.Run(NnOps.Softplus, SoftplusRef, -30, 30, doubleRtol: 1e-11, specials: false);
        // TF's float threshold log(eps) + 2 ≈ −13.94: above 13.94 the result is x itself.
        Assert.AreEqual(20f, KernelRunner.Run1(NnOps.Softplus, [Tn.F([20f])]).ToArray<float>()[0]);
    }

    [TestMethod]
    public void Relu6_integers_and_grad()
    {
        CollectionAssert.AreEqual(new[] { 0, 3, 6 }, KernelRunner.Run1(NnOps.Relu6, [Tn.I([-2, 3, 9])]).ToArray<int>());
        CollectionAssert.AreEqual(new[] { 0f, 2f, 0f, 0f, 0f }, KernelRunner.Run1(NnOps.Relu6Grad, [Tn.F([2, 2, 2, 2, 2]), Tn.F([-1, 3, 0, 6, 7])]).ToArray<float>());
    }

    [TestMethod]
    public void LeakyRelu_uses_its_alpha_attr()
    {
        var y = KernelRunner.Run1(NnOps.LeakyRelu, [Tn.D([-2.0, 0.0, 3.0])]).ToArray<double>();
        CollectionAssert.AreEqual(new[] { -2.0 * (double)0.2f, 0.0, 3.0 }, y);   // the float attr widened, as TF's static_cast
        var y5 = KernelRunner.Run1(NnOps.LeakyRelu, [Tn.F([-2f, 4f])], ("alpha", 0.5f)).ToArray<float>();
        CollectionAssert.AreEqual(new[] { -1f, 4f }, y5);
        var g = KernelRunner.Run1(NnOps.LeakyReluGrad, [Tn.F([1f, 1f]), Tn.F([-3f, 3f])], ("alpha", 0.5f)).ToArray<float>();
        CollectionAssert.AreEqual(new[] { 0.5f, 1f }, g);
    }

    [TestMethod]
    public void Grad_ops_match_their_formulas_for_all_lengths()
    {
        (Ops.Model.OpDef Op, Func<double, double, double> Ref)[] cases =
        [
            (NnOps.EluGrad, (g, y) => y < 0 ? g * (y + 1) : g),
            (NnOps.SeluGrad, (g, y) => y < 0 ? g * (y + Scale * Alpha) : g * Scale),
            (NnOps.SoftplusGrad, (g, x) => g / (M.Exp(-x) + 1)),
            (NnOps.SoftsignGrad, (g, x) => g / ((M.Abs(x) + 1) * (M.Abs(x) + 1))),
            (NnOps.Relu6Grad, (g, x) => x > 0 && x < 6 ? g : 0),
        ];
        foreach (var (op, reference) in cases)
            for (int n = 0; n <= 67; n++)
            {
                var g = Tn.RandomD(n, [n]).ToArray<double>();
                var x = Tn.RandomD(300 + n, [n], -3, 8).ToArray<double>();
                var zd = KernelRunner.Run1(op, [Tn.D(g, n), Tn.D(x, n)]).ToArray<double>();
                var zf = KernelRunner.Run1(op, [Tn.F(g.Select(v => (float)v).ToArray(), n), Tn.F(x.Select(v => (float)v).ToArray(), n)]).ToArray<float>();
                for (int i = 0; i < n; i++)
                {
                    UnaryCheck.Close(reference(g[i], x[i]), zd[i], 1e-14, $"{op.Name} double n={n}");
                    Assert.AreEqual(reference((float)g[i], (float)x[i]), zf[i], 1e-5 * M.Max(1, M.Abs(zf[i])), $"{op.Name} float n={n}");
                }
            }
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(NnOps.SoftplusGrad, [Tn.D([1, 2]), Tn.D([1, 2, 3])]));
        StringAssert.Contains(e.Message, "must have the same size and shape");
    }

    [TestMethod]
    public void Shapes()
    {
        ShapeDsl.Infer(NnOps.Softplus, "[1,?,3]").Is("[1,?,3]");
        ShapeDsl.Infer(NnOps.SoftplusGrad, "[1,?];[?,2]").Is("[1,2]");
        ShapeDsl.Infer(NnOps.SoftplusGrad, "[1,3];[?,2]").Fails("Dimension 1 in both shapes must be equal, but are 3 and 2");
        ShapeDsl.Infer(NnOps.EluGrad, "[2];[2]").Is("[2]");
        Assert.AreEqual(DType.Float, NnOps.LeakyRelu.FindAttr("T")!.DefaultValue!.Type);
    }
}
