using GraphEngine.Ops.Core;
using GraphEngine.Ops.Random;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Random;

[TestClass]
public sealed class RandomOpsTests
{
    private static KernelRunner Kernel(GraphEngine.Ops.Model.OpDef op, DType dtype, long seed, long seed2) =>
        KernelRunner.For(op, ("dtype", dtype), ("T", DType.Int32), ("seed", seed), ("seed2", seed2));

    private static double[] Draw(GraphEngine.Ops.Model.OpDef op, DType dtype, int n, long seed = 7, long seed2 = 11)
    {
        var t = Kernel(op, dtype, seed, seed2).Run(Tn.Vec(n))[0];
        Assert.AreEqual(dtype, t.DType);
        return dtype == DType.Float ? t.ToArray<float>().Select(v => (double)v).ToArray() : t.ToArray<double>();
    }

    public static IEnumerable<object[]> OpsAndTypes =>
        from op in new[] { nameof(RandomOps.RandomUniform), nameof(RandomOps.RandomStandardNormal), nameof(RandomOps.TruncatedNormal) }
        from t in new[] { DType.Float, DType.Double }
        select new object[] { op, t };

    private static GraphEngine.Ops.Model.OpDef Op(string name) => name switch
    {
        nameof(RandomOps.RandomUniform) => RandomOps.RandomUniform,
        nameof(RandomOps.RandomStandardNormal) => RandomOps.RandomStandardNormal,
        _ => RandomOps.TruncatedNormal,
    };

    [TestMethod]
    [DynamicData(nameof(OpsAndTypes))]
    public void Same_seeds_give_same_numbers_and_consecutive_runs_differ(string name, DType dtype)
    {
        var op = Op(name);
        var a = Kernel(op, dtype, 3, 5);
        var b = Kernel(op, dtype, 3, 5);
        var shape = HostTensor.FromArray(new long[] { 3, 7 }, 2);
        var a1 = a.Run(shape)[0];
        var b1 = b.Run(shape)[0];
        CollectionAssert.AreEqual(new long[] { 3, 7 }, a1.Dims.ToArray());
        Assert.IsTrue(a1.ContentEquals(b1), "same seeds, same numbers");
        var a2 = a.Run(shape)[0];
        Assert.IsFalse(a1.ContentEquals(a2), "a second run of one kernel continues the stream");
        Assert.IsTrue(a2.ContentEquals(b.Run(shape)[0]), "the stream is reproducible run by run");
        var other = Kernel(op, dtype, 3, 6).Run(shape)[0];
        Assert.IsFalse(a1.ContentEquals(other), "seed2 changes the numbers");
    }

    [TestMethod]
    public void Zero_seeds_seed_randomly()
    {
        var a = Draw(RandomOps.RandomUniform, DType.Float, 16, 0, 0);
        var b = Draw(RandomOps.RandomUniform, DType.Float, 16, 0, 0);
        CollectionAssert.AreNotEqual(a, b);
    }

    [TestMethod]
    public void Uniform_float_is_philox_words_in_order()
    {
        // RandomUniform's first group is the first Philox output of PhiloxRandom(seed, seed2).
        var g = new Ops.Compute.Random.Philox(7, 11);
        g.Next(out uint w0, out uint w1, out uint w2, out uint w3);
        var got = Draw(RandomOps.RandomUniform, DType.Float, 5);
        var want = new[] { w0, w1, w2, w3 }.Select(w => (double)Ops.Compute.Random.Distributions.Uint32ToFloat(w)).ToArray();
        CollectionAssert.AreEqual(want, got.Take(4).ToArray());
    }

    [TestMethod]
    public void Each_run_reserves_256_philox_outputs_per_element()
    {
        // TF's GuardedPhiloxRandom::ReserveRandomOutputs(n, 256): run 2 starts 5 * 256 outputs later.
        var k = Kernel(RandomOps.RandomUniform, DType.Float, 7, 11);
        k.Run(Tn.Vec(5));
        var second = k.Run(Tn.Vec(4))[0].ToArray<float>();
        var g = new Ops.Compute.Random.Philox(7, 11);
        g.Skip(5 * 256);
        g.Next(out uint w0, out uint w1, out uint w2, out uint w3);
        CollectionAssert.AreEqual(new[] { w0, w1, w2, w3 }.Select(Ops.Compute.Random.Distributions.Uint32ToFloat).ToArray(), second);
    }

    [TestMethod]
    public void Truncated_normal_groups_start_256_outputs_apart()
    {
        // TF's FillPhiloxRandomTask for variable-count distributions: group i (4 floats) draws from
        // the base generator skipped by i * 4 * 256 / 4 outputs, one 32-bit word at a time.
        var got = Draw(RandomOps.TruncatedNormal, DType.Float, 8);
        var g = new Ops.Compute.Random.Philox(7, 11);
        g.Skip(256);
        var words = new List<uint>();
        var want = new List<float>();
        while (want.Count < 4)
        {
            if (words.Count < 2) { g.Next(out uint a, out uint b, out uint c, out uint d); words.AddRange([a, b, c, d]); }
            Ops.Compute.Random.Distributions.BoxMullerFloat(words[0], words[1], out float f0, out float f1);
            words.RemoveRange(0, 2);
            foreach (var f in new[] { f0, f1 })
                if (MathF.Abs(f) < 2 && want.Count < 4) want.Add(f);
        }
        CollectionAssert.AreEqual(want.Select(v => (double)v).ToArray(), got.Skip(4).ToArray());
    }

    [TestMethod]
    [DataRow(DType.Float)]
    [DataRow(DType.Double)]
    public void Uniform_is_in_unit_interval_with_mean_one_half(DType dtype)
    {
        var v = Draw(RandomOps.RandomUniform, dtype, 100_000);
        Assert.IsTrue(v.All(x => x >= 0 && x < 1), "values in [0, 1)");
        Assert.AreEqual(0.5, v.Average(), 0.005);
        Assert.AreEqual(1.0 / 12, Variance(v), 0.002);
    }

    [TestMethod]
    [DataRow(DType.Float)]
    [DataRow(DType.Double)]
    public void Normal_has_mean_zero_and_unit_std(DType dtype)
    {
        var v = Draw(RandomOps.RandomStandardNormal, dtype, 100_000);
        Assert.AreEqual(0.0, v.Average(), 0.01);
        Assert.AreEqual(1.0, System.Math.Sqrt(Variance(v)), 0.01);
        Assert.IsTrue(v.Any(x => System.Math.Abs(x) > 3), "tails are present");
    }

    [TestMethod]
    [DataRow(DType.Float)]
    [DataRow(DType.Double)]
    public void Truncated_normal_stays_within_two_stddevs(DType dtype)
    {
        var v = Draw(RandomOps.TruncatedNormal, dtype, 100_001);
        Assert.IsTrue(v.All(x => x > -2 && x < 2), "|x| < 2");
        Assert.AreEqual(0.0, v.Average(), 0.01);
        // Std of N(0,1) truncated to [-2, 2] is 0.8796.
        Assert.AreEqual(0.8796, System.Math.Sqrt(Variance(v)), 0.01);
    }

    [TestMethod]
    public void Empty_shape_gives_empty_output_and_bad_shape_is_rejected()
    {
        var empty = Kernel(RandomOps.RandomUniform, DType.Float, 1, 2).Run(Tn.Vec(0, 3))[0];
        Assert.AreEqual(0L, empty.NumElements);
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => Kernel(RandomOps.RandomUniform, DType.Float, 1, 2).Run(HostTensor.Scalar(3)));
        StringAssert.Contains(e.Message, "shape must be a vector");
    }

    [TestMethod]
    public void Shape_function_reads_the_shape_input()
    {
        ShapeDsl.Infer(RandomOps.RandomUniform, "[2]", ("dtype", DType.Float), ("T", DType.Int32)).Const(0, Tn.Vec(4, 5)).Is("[4,5]");
        ShapeDsl.Infer(RandomOps.RandomUniform, "[3]", ("dtype", DType.Float), ("T", DType.Int32)).Is("[?,?,?]");
        ShapeDsl.Infer(RandomOps.RandomUniform, "[?]", ("dtype", DType.Float), ("T", DType.Int32)).Is("?");
    }

    private static double Variance(double[] v)
    {
        double m = v.Average();
        return v.Sum(x => (x - m) * (x - m)) / v.Length;
    }
}
