using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Randomness;

[TestClass]
public sealed class RandomSamplingTests
{
    private static int[] RunInts(Func<Tensor> build, int graphSeed)
    {
        using var _ = new GraphEngine.Graph().as_default();
        tf.set_random_seed(graphSeed);
        var t = build();
        using var s = tf.Session();
        return s.run(t).ToArray<int>();
    }

    [TestMethod]
    public void Random_uniform_int32_builds_RandomUniformInt_and_is_deterministic_under_a_graph_seed()
    {
        using (new GraphEngine.Graph().as_default())
        {
            var u = tf.random_uniform(new[] { 3, 4 }, minval: -3, maxval: 7, dtype: tf.int32, seed: 5);
            Assert.AreEqual("RandomUniformInt", u.op.type);
            Assert.AreEqual("random_uniform", u.op.name);
            Assert.AreEqual(DType.Int32, u.dtype);
            Assert.AreEqual("[3,4]", u.shape.ToString());
            CollectionAssert.AreEqual(new[] { "random_uniform/shape", "random_uniform/min", "random_uniform/max" }, u.op.NodeDef.Input.ToArray());
            Assert.AreEqual(tf.DefaultGraphSeed, u.op.get_attr("seed").I, "op seed alone pairs with TF1's DEFAULT_GRAPH_SEED");
            Assert.AreEqual(5, u.op.get_attr("seed2").I);
        }
        var a = RunInts(() => tf.random_uniform(new[] { 1000 }, minval: -3, maxval: 7, dtype: tf.int32), 42);
        var b = RunInts(() => tf.random_uniform(new[] { 1000 }, minval: -3, maxval: 7, dtype: tf.int32), 42);
        var c = RunInts(() => tf.random_uniform(new[] { 1000 }, minval: -3, maxval: 7, dtype: tf.int32), 43);
        CollectionAssert.AreEqual(a, b, "same graph seed, same numbers in a new graph and session");
        CollectionAssert.AreNotEqual(a, c, "another graph seed, other numbers");
        Assert.IsTrue(a.All(v => v >= -3 && v < 7));
        Assert.AreEqual(1.5, a.Average(), 0.4, "mean of U{-3..6}");
    }

    [TestMethod]
    public void Random_uniform_int64_and_its_argument_errors()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var u = tf.random_uniform(new[] { 500 }, minval: 1e12, maxval: 1e12 + 10, dtype: tf.int64, seed: 1);
        using var s = tf.Session();
        var v = s.run(u).ToArray<long>();
        Assert.IsTrue(v.All(x => x >= 1_000_000_000_000L && x < 1_000_000_000_010L));
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.random_uniform(new[] { 2 }, dtype: tf.int32));
        StringAssert.Contains(e.Message, "Must specify maxval for integer dtype int32");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.random_uniform(new[] { 2 }, minval: 0.5, maxval: 3, dtype: tf.int32));
        StringAssert.Contains(e.Message, "minval = 0.5");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.random_uniform(new[] { 2 }, maxval: 3e9, dtype: tf.int32));
        StringAssert.Contains(e.Message, "does not fit in int32");
        var empty = tf.random_uniform(new[] { 2 }, minval: 3, maxval: 3, dtype: tf.int32, name: "empty_range");
        var run = Assert.ThrowsExactly<InvalidArgumentException>(() => s.run(empty));
        StringAssert.Contains(run.Message, "Need minval < maxval, got 3 >= 3");
        StringAssert.Contains(run.Message, "empty_range");
        var f = tf.random_uniform(new[] { 4 }, maxval: 2.0, seed: 3);
        Assert.IsTrue(s.run(f).ToArray<float>().All(x => x >= 0 && x < 2), "floats keep maxval's meaning");
    }

    [TestMethod]
    public void Random_shuffle_permutes_the_first_dimension_reproducibly()
    {
        int[] Shuffled(int seed)
        {
            using var _ = new GraphEngine.Graph().as_default();
            var x = tf.constant(Enumerable.Range(0, 40).ToArray());
            var y = tf.random_shuffle(x, seed: seed);
            Assert.AreEqual("RandomShuffle", y.op.name);
            Assert.AreEqual("[40]", y.shape.ToString());
            using var s = tf.Session();
            return s.run(y).ToArray<int>();
        }
        var a = Shuffled(7);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 40).ToArray(), a);
        CollectionAssert.AreNotEqual(Enumerable.Range(0, 40).ToArray(), a);
        CollectionAssert.AreEqual(a, Shuffled(7));
        CollectionAssert.AreNotEqual(a, Shuffled(8));
    }

    [TestMethod]
    public void Multinomial_draws_indices_by_probability_with_tf1_naming()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var logits = tf.constant(new[,] { { 0.0, 0.0, 0.0, 0.0 }, { 3.0, -20.0, -20.0, -20.0 } });
        var m = tf.multinomial(logits, 4000, seed: 9);
        Assert.AreEqual("multinomial/Multinomial", m.op.name);
        Assert.AreEqual(DType.Int64, m.dtype);
        Assert.AreEqual("[2,4000]", m.shape.ToString());
        using var s = tf.Session();
        var v = s.run(m).ToArray<long>();
        for (int c = 0; c < 4; c++)
            Assert.AreEqual(0.25, v.Take(4000).Count(x => x == c) / 4000.0, 0.03, $"uniform row, class {c}");
        Assert.IsTrue(v.Skip(4000).All(x => x == 0), "row 1 puts all its mass on class 0");
        var n = tf.placeholder(tf.int32, name: "n");
        var m32 = tf.multinomial(logits, n, seed: 9, output_dtype: tf.int32);
        Assert.AreEqual(DType.Int32, m32.dtype);
        Assert.AreEqual(2, m32.shape[0]);
        Assert.AreEqual(-1, m32.shape[1], "num_samples known only at run time");
        CollectionAssert.AreEqual(new long[] { 2, 3 }, s.run(m32, (n, 3)).shape);
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.multinomial(logits, 2, output_dtype: tf.float32));
    }

    [TestMethod]
    public void Random_sampling_ops_stop_gradients()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var x = tf.placeholder(tf.float32, new[] { 3, 2 });
        var y = tf.reduce_sum(tf.random_shuffle(x));
        Assert.IsNull(tf.gradients(y, x)[0], "RandomShuffle is not differentiable in TF");
    }
}
