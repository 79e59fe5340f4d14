using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Math;

[TestClass]
public sealed class ArithmeticTests
{
    private static readonly (OpDef Op, Func<double, double, double> Ref)[] BinaryOps =
    [
        (MathOps.Add, (x, y) => x + y),
        (MathOps.AddV2, (x, y) => x + y),
        (MathOps.Sub, (x, y) => x - y),
        (MathOps.Mul, (x, y) => x * y),
        (MathOps.RealDiv, (x, y) => x / y),
    ];

    private static double[] Values(int seed, int n, bool nonZero = false)
    {
        var r = new System.Random(seed);
        return Enumerable.Range(0, n).Select(_ =>
        {
            double v = r.NextDouble() * 8 - 4;
            return nonZero && System.Math.Abs(v) < 0.25 ? 1.5 : v;
        }).ToArray();
    }

    [TestMethod]
    public void Binary_float_and_double_match_double_reference_for_lengths_0_to_67()
    {
        foreach (var (op, reference) in BinaryOps)
            for (int n = 0; n <= 67; n++)
            {
                var x = Values(n, n);
                var y = Values(1000 + n, n, nonZero: true);
                var zf = KernelRunner.Run1(op, [Tn.F(x.Select(v => (float)v).ToArray(), n), Tn.F(y.Select(v => (float)v).ToArray(), n)]).ToArray<float>();
                var zd = KernelRunner.Run1(op, [Tn.D(x, n), Tn.D(y, n)]).ToArray<double>();
                Assert.AreEqual(n, zf.Length);
                for (int i = 0; i < n; i++)
                {
                    double rf = reference((float)x[i], (float)y[i]);
                    Assert.AreEqual(rf, zf[i], 1e-6 * System.Math.Max(1, System.Math.Abs(rf)), $"{op.Name} float n={n} i={i}");
                    Assert.AreEqual(reference(x[i], y[i]), zd[i], 1e-14 * System.Math.Max(1, System.Math.Abs(zd[i])), $"{op.Name} double n={n} i={i}");
                }
            }
    }

    [TestMethod]
    public void Binary_integers_are_exact_and_wrap()
    {
        var x = Tn.I([7, -7, 7, -7, int.MaxValue, int.MinValue]);
        var y = Tn.I([2, 2, -2, -2, 1, -1]);
        CollectionAssert.AreEqual(new[] { 9, -5, 5, -9, int.MinValue, int.MaxValue }, KernelRunner.Run1(MathOps.AddV2, [x, y]).ToArray<int>());
        CollectionAssert.AreEqual(new[] { 5, -9, 9, -5, int.MaxValue - 1, int.MinValue + 1 }, KernelRunner.Run1(MathOps.Sub, [x, y]).ToArray<int>());
        CollectionAssert.AreEqual(new[] { 14, -14, -14, 14, int.MaxValue, int.MinValue }, KernelRunner.Run1(MathOps.Mul, [x, y]).ToArray<int>());
        // Integer RealDiv truncates toward zero like C++; MinValue / -1 wraps instead of trapping.
        CollectionAssert.AreEqual(new[] { 3, -3, -3, 3, int.MaxValue, int.MinValue }, KernelRunner.Run1(MathOps.RealDiv, [x, y]).ToArray<int>());
        CollectionAssert.AreEqual(new long[] { 3, -3 }, KernelRunner.Run1(MathOps.RealDiv, [Tn.L([7, -7]), Tn.L([2, 2])]).ToArray<long>());
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.Run1(MathOps.RealDiv, [Tn.I([1, 2]), Tn.I([1, 0])]));
        StringAssert.Contains(e.Message, "Integer division by zero");
    }

    [TestMethod]
    public void Float_division_follows_ieee()
    {
        var z = KernelRunner.Run1(MathOps.RealDiv, [Tn.F([1, -1, 0, 1]), Tn.F([0, 0, 0, float.PositiveInfinity])]).ToArray<float>();
        Assert.AreEqual(float.PositiveInfinity, z[0]);
        Assert.AreEqual(float.NegativeInfinity, z[1]);
        Assert.IsTrue(float.IsNaN(z[2]));
        Assert.AreEqual(0f, z[3]);
    }

    [TestMethod]
    [DataRow(new long[] { 2, 1, 3 }, new long[] { 4, 1 }, new long[] { 2, 4, 3 })]
    [DataRow(new long[] { }, new long[] { 2, 3 }, new long[] { 2, 3 })]
    [DataRow(new long[] { 2, 3 }, new long[] { }, new long[] { 2, 3 })]
    [DataRow(new long[] { 5, 3 }, new long[] { 3 }, new long[] { 5, 3 })]
    [DataRow(new long[] { 5, 1 }, new long[] { 1, 4 }, new long[] { 5, 4 })]
    [DataRow(new long[] { 3, 1, 2, 1 }, new long[] { 1, 4, 1, 5 }, new long[] { 3, 4, 2, 5 })]
    [DataRow(new long[] { 1 }, new long[] { 0, 3 }, new long[] { 0, 3 })]
    [DataRow(new long[] { 300, 300 }, new long[] { 300 }, new long[] { 300, 300 })]
    [DataRow(new long[] { 70000 }, new long[] { 1 }, new long[] { 70000 })]
    public void Broadcasting_matches_indexwise_reference(long[] xs, long[] ys, long[] zs)
    {
        var x = Tn.RandomD(1, xs);
        var y = Tn.RandomD(2, ys);
        foreach (var (op, reference) in BinaryOps.Where(p => p.Op != MathOps.RealDiv))
        {
            var z = KernelRunner.Run1(op, [x, y]);
            CollectionAssert.AreEqual(zs, z.Dims.ToArray(), op.Name);
            var got = z.ToArray<double>();
            var xv = x.ToArray<double>();
            var yv = y.ToArray<double>();
            for (long i = 0; i < got.Length; i++)
            {
                double want = reference(xv[Index(i, zs, xs)], yv[Index(i, zs, ys)]);
                Assert.AreEqual(want, got[i], 1e-12, $"{op.Name} element {i}");
            }
        }
    }

    // Flat index into a broadcast operand of the output element with flat index i.
    private static long Index(long i, long[] zs, long[] s)
    {
        long idx = 0, stride = 1;
        for (int d = zs.Length - 1; d >= 0; d--)
        {
            long coord = i % zs[d];
            i /= zs[d];
            int sd = d - (zs.Length - s.Length);
            if (sd < 0) continue;
            if (s[sd] != 1) idx += coord * stride;
            stride *= s[sd];
        }
        return idx;
    }

    [TestMethod]
    public void Incompatible_shapes_are_invalid_argument_with_tf_text()
    {
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() =>
            KernelRunner.Run1(MathOps.AddV2, [Tn.F(new float[6], 2, 3), Tn.F(new float[4], 4)]));
        Assert.AreEqual("Incompatible shapes: [2,3] vs. [4]", e.Message);
    }

    [TestMethod]
    public void Unary_ops_match_reference_for_lengths_0_to_67()
    {
        for (int n = 0; n <= 67; n++)
        {
            var x = Values(n, n);
            var xf = x.Select(v => (float)v).ToArray();
            CollectionAssert.AreEqual(xf.Select(v => -v).ToArray(), KernelRunner.Run1(MathOps.Neg, [Tn.F(xf, n)]).ToArray<float>());
            CollectionAssert.AreEqual(xf.Select(v => v * v).ToArray(), KernelRunner.Run1(MathOps.Square, [Tn.F(xf, n)]).ToArray<float>());
            CollectionAssert.AreEqual(x.Select(v => v * v).ToArray(), KernelRunner.Run1(MathOps.Square, [Tn.D(x, n)]).ToArray<double>());
            var xi = x.Select(v => (long)(v * 1000)).ToArray();
            CollectionAssert.AreEqual(xi.Select(v => -v).ToArray(), KernelRunner.Run1(MathOps.Neg, [Tn.L(xi, n)]).ToArray<long>());
            CollectionAssert.AreEqual(xi.Select(v => (int)v * (int)v).ToArray(),
                KernelRunner.Run1(MathOps.Square, [Tn.I(xi.Select(v => (int)v).ToArray(), n)]).ToArray<int>());
        }
    }

    [TestMethod]
    public void Kernels_write_in_place_only_into_forwardable_inputs()
    {
        var k = KernelRunner.For(MathOps.AddV2, ("T", DType.Float));
        var x = Tn.F([1, 2, 3], 3);
        var y = Tn.F([10f], 1);
        var z = k.Run(x, y)[0];
        Assert.AreNotSame(x.Buffer, z.Buffer, "not forwardable: a fresh buffer");
        CollectionAssert.AreEqual(new[] { 1f, 2, 3 }, x.ToArray<float>());
        k.Forwardable = [false, true];
        var x2 = Tn.F([1, 2, 3], 3);
        var big = Tn.F([5, 5, 5], 3);
        z = k.Run(x2, big)[0];
        Assert.AreSame(big.Buffer, z.Buffer, "y has the output shape and is forwardable");
        CollectionAssert.AreEqual(new[] { 6f, 7, 8 }, z.ToArray<float>());

        var neg = KernelRunner.For(MathOps.Neg, ("T", DType.Double));
        neg.Forwardable = [true];
        var v = Tn.D([1, -2]);
        Assert.AreSame(v.Buffer, neg.Run(v)[0].Buffer);
        CollectionAssert.AreEqual(new[] { -1.0, 2 }, v.ToArray<double>());
    }

    [TestMethod]
    public void Large_unary_and_binary_inputs_split_across_cores_correctly()
    {
        const int n = 100_003;
        var x = Tn.RandomF(9, [n]);
        var xv = x.ToArray<float>();
        CollectionAssert.AreEqual(xv.Select(v => v * v).ToArray(), KernelRunner.Run1(MathOps.Square, [x]).ToArray<float>());
        var y = Tn.RandomF(10, [7, n / 7 + 1]);
        var row = Tn.RandomF(11, [n / 7 + 1]);
        var z = KernelRunner.Run1(MathOps.Sub, [y, row]).ToArray<float>();
        var yv = y.ToArray<float>();
        var rv = row.ToArray<float>();
        for (int i = 0; i < z.Length; i++) Assert.AreEqual(yv[i] - rv[i % rv.Length], z[i]);
    }

    [TestMethod]
    public void Add_concatenates_strings_with_broadcasting()
    {
        static byte[] B(string s) => System.Text.Encoding.UTF8.GetBytes(s);
        var x = HostTensor.FromStrings([B("a"), B("b")], [2, 1]);
        var y = HostTensor.FromStrings([B("1"), B("2"), B("3")], [3]);
        var z = KernelRunner.Run1(MathOps.Add, [x, y]);
        CollectionAssert.AreEqual(new long[] { 2, 3 }, z.Dims.ToArray());
        CollectionAssert.AreEqual(new[] { "a1", "a2", "a3", "b1", "b2", "b3" }, z.Strings!.Select(v => System.Text.Encoding.UTF8.GetString(v)).ToArray());
    }

    [TestMethod]
    public void Special_values_propagate()
    {
        float[] x = [0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, float.Epsilon];
        var neg = KernelRunner.Run1(MathOps.Neg, [Tn.F(x)]).ToArray<float>();
        Assert.IsTrue(float.IsNegative(neg[0]) && neg[0] == 0 && float.IsPositive(neg[1]));
        Assert.AreEqual(float.NegativeInfinity, neg[2]);
        Assert.IsTrue(float.IsNaN(neg[4]));
        Assert.AreEqual(-float.Epsilon, neg[5]);
        var sum = KernelRunner.Run1(MathOps.AddV2, [Tn.F(x), Tn.F([1, 1, float.NegativeInfinity, 1, 1, 0])]).ToArray<float>();
        Assert.IsTrue(float.IsNaN(sum[2]) && float.IsNaN(sum[4]));
        Assert.AreEqual(float.Epsilon, sum[5]);
    }

    [TestMethod]
    public void Shapes_broadcast_with_partial_information()
    {
        ShapeDsl.Infer(MathOps.AddV2, "[2,1,3];[4,1]").Is("[2,4,3]");
        ShapeDsl.Infer(MathOps.Mul, "[?,3];[3]").Is("[?,3]");
        ShapeDsl.Infer(MathOps.Sub, "[?,1];[1,5]").Is("[?,5]");
        ShapeDsl.Infer(MathOps.RealDiv, "?;[2]").Is("?");
        ShapeDsl.Infer(MathOps.Add, "[];[7]").Is("[7]");
        ShapeDsl.Infer(MathOps.AddV2, "[2,3];[4]").Fails("Dimensions must be equal, but are 3 and 4 for 'n' (op: 'AddV2') with input shapes: [2,3], [4].");
        ShapeDsl.Infer(MathOps.Neg, "[1,?,3]").Is("[1,?,3]");
        ShapeDsl.Infer(MathOps.Square, "?").Is("?");
    }

    [TestMethod]
    public void OpDef_flags_follow_tf()
    {
        Assert.IsTrue(MathOps.AddV2.IsCommutative && MathOps.AddV2.IsAggregate);
        Assert.IsFalse(MathOps.Add.IsCommutative || MathOps.Add.IsAggregate);
        Assert.IsTrue(MathOps.Mul.IsCommutative && !MathOps.Mul.IsAggregate);
        CollectionAssert.Contains(MathOps.Add.FindAttr("T")!.AllowedValues!.ListType, DType.String);
        CollectionAssert.DoesNotContain(MathOps.AddV2.FindAttr("T")!.AllowedValues!.ListType, DType.String);
    }
}
