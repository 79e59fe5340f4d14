using GraphEngine.Ops.Compute.Random;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Random;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Random;

[TestClass]
public sealed class RandomSamplingTests
{
    private static KernelRunner UniformInt(DType t, long seed = 7, long seed2 = 11) =>
        KernelRunner.For(RandomOps.RandomUniformInt, ("Tout", t), ("T", DType.Int32), ("seed", seed), ("seed2", seed2));

    private static HostTensor Bound(DType t, long v) => t == DType.Int32 ? HostTensor.Scalar((int)v) : HostTensor.Scalar(v);

    [TestMethod]
    public void Uniform_int32_is_lo_plus_philox_word_mod_range()
    {
        var got = UniformInt(DType.Int32).Run(Tn.Vec(6), Bound(DType.Int32, -5), Bound(DType.Int32, 12))[0].ToArray<int>();
        var g = new Philox(7, 11);
        g.Next(out uint a, out uint b, out uint c, out uint d);
        g.Next(out uint e, out uint f, out _, out _);
        CollectionAssert.AreEqual(new[] { a, b, c, d, e, f }.Select(w => -5 + (int)(w % 17)).ToArray(), got);
    }

    [TestMethod]
    public void Uniform_int64_joins_two_words_low_then_high()
    {
        long lo = -(1L << 40), hi = 1L << 41;
        var got = UniformInt(DType.Int64).Run(Tn.Vec(3), Bound(DType.Int64, lo), Bound(DType.Int64, hi))[0].ToArray<long>();
        var g = new Philox(7, 11);
        g.Next(out uint a, out uint b, out uint c, out uint d);
        g.Next(out uint e, out uint f, out _, out _);
        ulong range = (ulong)(hi - lo);
        long[] want = [lo + (long)((a | (ulong)b << 32) % range), lo + (long)((c | (ulong)d << 32) % range), lo + (long)((e | (ulong)f << 32) % range)];
        CollectionAssert.AreEqual(want, got);
    }

    [TestMethod]
    [DataRow(DType.Int32)]
    [DataRow(DType.Int64)]
    public void Uniform_int_stays_in_range_covers_it_evenly_and_is_reproducible(DType t)
    {
        var k = UniformInt(t, 3, 5);
        var first = k.Run(Tn.Vec(100, 100), Bound(t, 10), Bound(t, 20))[0];
        var values = first.ToInt64Array();
        Assert.IsTrue(values.All(v => v >= 10 && v < 20), "every value in [10, 20)");
        var counts = values.GroupBy(v => v).ToDictionary(g => g.Key, g => g.Count());
        Assert.HasCount(10, counts, "all ten values occur");
        foreach (var (v, n) in counts) Assert.IsTrue(n is > 850 and < 1150, $"value {v} drawn {n} times of 10000 (expected ≈1000)");
        Assert.IsTrue(first.ContentEquals(UniformInt(t, 3, 5).Run(Tn.Vec(100, 100), Bound(t, 10), Bound(t, 20))[0]), "same seeds, same numbers");
        Assert.IsFalse(first.ContentEquals(k.Run(Tn.Vec(100, 100), Bound(t, 10), Bound(t, 20))[0]), "a second run continues the stream");
    }

    [TestMethod]
    public void Uniform_int_rejects_an_empty_range_and_non_scalar_bounds()
    {
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => UniformInt(DType.Int32).Run(Tn.Vec(2), Bound(DType.Int32, 4), Bound(DType.Int32, 4)));
        StringAssert.Contains(e.Message, "Need minval < maxval, got 4 >= 4");
        Assert.AreEqual(0, UniformInt(DType.Int32).Run(Tn.Vec(0), Bound(DType.Int32, 4), Bound(DType.Int32, 1))[0].NumElements,
            "an empty output skips the range check, as TF");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => UniformInt(DType.Int32).Run(Tn.Vec(2), Tn.I([0, 1]), Bound(DType.Int32, 4)));
        StringAssert.Contains(e.Message, "minval must be 0-D");
        ShapeDsl.Infer(RandomOps.RandomUniformInt, "[2];[];[]", ("Tout", DType.Int32), ("T", DType.Int32)).Const(0, Tn.Vec(3, 4)).Is("[3,4]");
        ShapeDsl.Infer(RandomOps.RandomUniformInt, "[2];[2];[]", ("Tout", DType.Int32), ("T", DType.Int32)).Fails("rank");
    }

    private static KernelRunner Shuffle(DType t, long seed = 7, long seed2 = 11) =>
        KernelRunner.For(RandomOps.RandomShuffle, ("T", t), ("seed", seed), ("seed2", seed2));

    [TestMethod]
    public void Shuffle_is_fisher_yates_over_philox_words()
    {
        var got = Shuffle(DType.Int32).Run(Tn.Vec(0, 1, 2, 3, 4, 5))[0].ToArray<int>();
        int[] want = [0, 1, 2, 3, 4, 5];
        var g = new Philox(7, 11);
        g.Next(out uint a, out uint b, out uint c, out uint d);
        g.Next(out uint e, out _, out _, out _);
        uint[] words = [a, b, c, d, e];
        for (int i = 0; i < 5; i++)
        {
            int j = i + (int)(words[i] % (uint)(6 - i));
            (want[i], want[j]) = (want[j], want[i]);
        }
        CollectionAssert.AreEqual(want, got);
    }

    [TestMethod]
    public void Shuffle_permutes_whole_rows_and_is_reproducible()
    {
        var rows = Enumerable.Range(0, 50 * 3).Select(i => (double)i).ToArray();
        var k = Shuffle(DType.Double, 1, 2);
        var y = k.Run(Tn.D(rows, 50, 3))[0];
        CollectionAssert.AreEqual(new long[] { 50, 3 }, y.Dims.ToArray());
        var v = y.ToArray<double>();
        var firstOfRows = new List<double>();
        for (int r = 0; r < 50; r++)
        {
            Assert.AreEqual(v[r * 3] + 1, v[r * 3 + 1], "rows move whole");
            Assert.AreEqual(v[r * 3] + 2, v[r * 3 + 2], "rows move whole");
            firstOfRows.Add(v[r * 3] / 3);
        }
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 50).Select(i => (double)i).ToList(), firstOfRows, "a permutation of the rows");
        CollectionAssert.AreNotEqual(Enumerable.Range(0, 50).Select(i => (double)i).ToList(), firstOfRows, "the order changed");
        Assert.IsTrue(y.ContentEquals(Shuffle(DType.Double, 1, 2).Run(Tn.D(rows, 50, 3))[0]), "same seeds, same order");
    }

    [TestMethod]
    public void Shuffle_handles_strings_and_passes_short_inputs_through()
    {
        var words = new[] { "a", "bb", "ccc", "dddd" }.Select(s => System.Text.Encoding.UTF8.GetBytes(s)).ToArray();
        var y = Shuffle(DType.String).Run(HostTensor.FromStrings(words, [4]))[0];
        CollectionAssert.AreEquivalent(new[] { "a", "bb", "ccc", "dddd" }, y.Strings!.Select(b => System.Text.Encoding.UTF8.GetString(b)).ToArray());
        var one = Tn.F([5f, 6f], 1, 2);
        Assert.IsTrue(one.ContentEquals(Shuffle(DType.Float).Run(one)[0]), "one row: unchanged");
        var scalar = Tn.Scalar(3.5f);
        Assert.AreEqual(3.5f, Shuffle(DType.Float).Run(scalar)[0].ScalarValue<float>());
    }

    private static KernelRunner Multinomial(DType t, DType output = DType.Int64, long seed = 7, long seed2 = 11) =>
        KernelRunner.For(RandomOps.Multinomial, ("T", t), ("output_dtype", output), ("seed", seed), ("seed2", seed2));

    [TestMethod]
    [DataRow(DType.Float)]
    [DataRow(DType.Double)]
    public void Multinomial_frequencies_follow_the_softmax_of_the_logits(DType t)
    {
        double[] p = [0.1, 0.2, 0.7];
        var logits = p.Select(v => System.Math.Log(v)).ToArray();
        var input = t == DType.Float ? Tn.F(logits.Select(v => (float)v).ToArray(), 1, 3) : Tn.D(logits, 1, 3);
        var y = Multinomial(t).Run(input, Tn.Scalar(20000))[0];
        CollectionAssert.AreEqual(new long[] { 1, 20000 }, y.Dims.ToArray());
        var samples = y.ToArray<long>();
        for (int c = 0; c < 3; c++)
        {
            double freq = samples.Count(s => s == c) / 20000.0;
            Assert.AreEqual(p[c], freq, 0.015, $"class {c}");
        }
    }

    [TestMethod]
    public void Multinomial_ignores_non_finite_logits_and_is_reproducible()
    {
        var logits = Tn.F([float.NegativeInfinity, 0f, float.NaN, float.NegativeInfinity, -1f, float.NegativeInfinity], 2, 3);
        var y = Multinomial(DType.Float, DType.Int32).Run(logits, Tn.Scalar(50))[0];
        Assert.AreEqual(DType.Int32, y.DType);
        var v = y.ToArray<int>();
        Assert.IsTrue(v.Take(50).All(s => s == 1), "row 0: only class 1 has a finite logit");
        Assert.IsTrue(v.Skip(50).All(s => s == 1), "row 1: only class 1 has a finite logit");
        var a = Multinomial(DType.Double, seed: 4).Run(Tn.D([0.0, 0.5, 1.0, 2.0, 0.0, -1.0], 2, 3), Tn.Scalar(9))[0];
        var b = Multinomial(DType.Double, seed: 4).Run(Tn.D([0.0, 0.5, 1.0, 2.0, 0.0, -1.0], 2, 3), Tn.Scalar(9))[0];
        Assert.IsTrue(a.ContentEquals(b));
    }

    [TestMethod]
    public void Multinomial_checks_its_arguments_and_infers_its_shape()
    {
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => Multinomial(DType.Float).Run(Tn.F([1f, 2f], 1, 2), Tn.Scalar(-1)));
        StringAssert.Contains(e.Message, "num_samples should be nonnegative, got -1");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => Multinomial(DType.Float).Run(HostTensor.Zeros(DType.Float, [2, 0]), Tn.Scalar(3)));
        StringAssert.Contains(e.Message, "num_classes should be positive, got 0");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => Multinomial(DType.Float).Run(Tn.F([1f, 2f]), Tn.Scalar(3)));
        StringAssert.Contains(e.Message, "logits should be a matrix");
        Assert.AreEqual(0, Multinomial(DType.Float).Run(Tn.F([1f, 2f], 1, 2), Tn.Scalar(0))[0].NumElements);
        ShapeDsl.Infer(RandomOps.Multinomial, "[5,3];[]", ("T", DType.Float)).Const(1, Tn.Scalar(4)).Is("[5,4]");
        ShapeDsl.Infer(RandomOps.Multinomial, "[5,3];[]", ("T", DType.Float)).Is("[5,?]");
        ShapeDsl.Infer(RandomOps.Multinomial, "[5];[]", ("T", DType.Float)).Fails("rank");
    }
}
