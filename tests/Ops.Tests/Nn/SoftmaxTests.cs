using GraphEngine.Ops.Core;
using GraphEngine.Ops.Nn;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using M = System.Math;

namespace GraphEngine.Ops.Tests.Nn;

[TestClass]
public sealed class SoftmaxTests
{
    private static double[] SoftmaxRef(double[] row)
    {
        double max = row.Max();
        var e = row.Select(v => M.Exp(v - max)).ToArray();
        double s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }

    [TestMethod]
    public void Softmax_and_LogSoftmax_match_reference_for_row_lengths_1_to_67()
    {
        for (int n = 1; n <= 67; n++)
        {
            var x = Tn.RandomD(n, [2, n], -5, 5).ToArray<double>();
            var y = KernelRunner.Run1(NnOps.Softmax, [Tn.D(x, 2, n)]).ToArray<double>();
            var ly = KernelRunner.Run1(NnOps.LogSoftmax, [Tn.D(x, 2, n)]).ToArray<double>();
            var yf = KernelRunner.Run1(NnOps.Softmax, [Tn.F(x.Select(v => (float)v).ToArray(), 2, n)]).ToArray<float>();
            for (int r = 0; r < 2; r++)
            {
                var want = SoftmaxRef(x.Skip(r * n).Take(n).ToArray());
                for (int j = 0; j < n; j++)
                {
                    Assert.AreEqual(want[j], y[r * n + j], 1e-15 + 1e-13 * want[j], $"softmax n={n}");
                    Assert.AreEqual(M.Log(want[j]), ly[r * n + j], 1e-12 * M.Max(1, M.Abs(ly[r * n + j])), $"log_softmax n={n}");
                    Assert.AreEqual(want[j], yf[r * n + j], 1e-6, $"softmax float n={n}");
                }
            }
        }
    }

    [TestMethod]
    public void Softmax_is_stable_for_huge_logits()
    {
        var y = KernelRunner.Run1(NnOps.Softmax, [Tn.F([1000f, 1000f, -1000f])]).ToArray<float>();
        CollectionAssert.AreEqual(new[] { 0.5f, 0.5f, 0f }, y);
        var ly = KernelRunner.Run1(NnOps.LogSoftmax, [Tn.D([1000.0, 0.0])]).ToArray<double>();
        Assert.AreEqual(0.0, ly[0], 1e-300);
        Assert.AreEqual(-1000.0, ly[1], 1e-9);
        Assert.AreEqual(0, KernelRunner.Run1(NnOps.Softmax, [Tn.F([], 0, 3)]).NumElements);
    }

    [TestMethod]
    public void Xent_loss_and_backprop()
    {
        double[] logits = [1.0, 2.0, 3.0, -1.0, 0.0, 1000.0];
        double[] labels = [0.2, 0.3, 0.5, 1.0, 0.0, 0.0];
        var outs = KernelRunner.Run(NnOps.SoftmaxCrossEntropyWithLogits, [Tn.D(logits, 2, 3), Tn.D(labels, 2, 3)]);
        var loss = outs[0].ToArray<double>();
        var back = outs[1].ToArray<double>();
        for (int r = 0; r < 2; r++)
        {
            var p = SoftmaxRef(logits.Skip(3 * r).Take(3).ToArray());
            double max = logits.Skip(3 * r).Take(3).Max();
            double lse = max + M.Log(logits.Skip(3 * r).Take(3).Sum(v => M.Exp(v - max)));
            double want = Enumerable.Range(0, 3).Sum(j => labels[3 * r + j] * (lse - logits[3 * r + j]));
            Assert.AreEqual(want, loss[r], 1e-12 * M.Max(1, want));
            for (int j = 0; j < 3; j++) Assert.AreEqual(p[j] - labels[3 * r + j], back[3 * r + j], 1e-14);
        }
        Assert.AreEqual(1001.0, loss[1], 1e-9);   // no overflow at logit 1000
    }

    [TestMethod]
    public void Sparse_xent_matches_dense_with_one_hot_labels()
    {
        var logits = Tn.RandomD(3, [4, 5]);
        var sparse = KernelRunner.Run(NnOps.SparseSoftmaxCrossEntropyWithLogits, [logits, Tn.I([0, 4, 2, 2])], ("Tlabels", DType.Int32));
        var sparse64 = KernelRunner.Run(NnOps.SparseSoftmaxCrossEntropyWithLogits, [logits, Tn.L([0, 4, 2, 2])]);
        var oneHot = new double[20];
        foreach (var (r, c) in new[] { (0, 0), (1, 4), (2, 2), (3, 2) }) oneHot[r * 5 + c] = 1;
        var dense = KernelRunner.Run(NnOps.SoftmaxCrossEntropyWithLogits, [logits, Tn.D(oneHot, 4, 5)]);
        for (int k = 0; k < 2; k++)
        {
            var a = sparse[k].ToArray<double>();
            var b = dense[k].ToArray<double>();
            for (int i = 0; i < a.Length; i++) Assert.AreEqual(b[i], a[i], 1e-14);
            CollectionAssert.AreEqual(a, sparse64[k].ToArray<double>());
        }
    }

    [TestMethod]
    public void Sparse_xent_rejects_out_of_range_labels_with_tf_text()
    {
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() =>
            KernelRunner.Run(NnOps.SparseSoftmaxCrossEntropyWithLogits, [Tn.RandomF(1, [2, 10]), Tn.I([3, 10])], ("Tlabels", DType.Int32)));
        StringAssert.Contains(e.Message, "Received a label value of 10 which is outside the valid range of [0, 10)");
        var neg = Assert.ThrowsExactly<InvalidArgumentException>(() =>
            KernelRunner.Run(NnOps.SparseSoftmaxCrossEntropyWithLogits, [Tn.RandomF(1, [1, 3]), Tn.L([-1], 1)]));
        StringAssert.Contains(neg.Message, "Received a label value of -1 which is outside the valid range of [0, 3)");
    }

    [TestMethod]
    public void Shapes()
    {
        ShapeDsl.Infer(NnOps.Softmax, "[2,?]").Is("[2,?]");
        ShapeDsl.Infer(NnOps.Softmax, "[]").Fails("Shape must be at least rank 1 but is rank 0");
        ShapeDsl.Infer(NnOps.SoftmaxCrossEntropyWithLogits, "[?,3];[2,?]").Is("[2];[2,3]");
        ShapeDsl.Infer(NnOps.SoftmaxCrossEntropyWithLogits, "[1,3];[4,3]").Is("[4];[4,3]");
        ShapeDsl.Infer(NnOps.SoftmaxCrossEntropyWithLogits, "[2,3,4];[2,3,4]").Fails("Shape must be broadcasted with rank 2, but is rank 3");
        ShapeDsl.Infer(NnOps.SparseSoftmaxCrossEntropyWithLogits, "[?,5];[3]", ("Tlabels", DType.Int32)).Is("[3];[3,5]");
        ShapeDsl.Infer(NnOps.SparseSoftmaxCrossEntropyWithLogits, "[2,5];[3]", ("Tlabels", DType.Int32)).Fails("Dimensions must be equal, but are 2 and 3");
        ShapeDsl.Infer(NnOps.SparseSoftmaxCrossEntropyWithLogits, "[5];[3]", ("Tlabels", DType.Int32)).Fails("Shape must be rank 2 but is rank 1");
    }
}
