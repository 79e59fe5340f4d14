using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Variables;

[TestClass]
public sealed class VariableScopeTests
{
    private static IDisposable NewGraph() => new GraphEngine.Graph().as_default();

    [TestMethod]
    public void Get_variable_names_follow_variable_scopes_not_name_scopes()
    {
        using var _ = NewGraph();
        Variable v, w;
        using (tf.variable_scope("foo"))
        {
            using (tf.name_scope("bar"))
            {
                v = tf.get_variable("v", new[] { 2, 3 });
                w = tf.get_variable("w", new[] { 1 });
            }
            using (tf.variable_scope("inner"))
                Assert.AreEqual("foo/inner/x:0", tf.get_variable("x", new[] { 1 }).name);
            Assert.AreEqual("foo", tf.get_variable_scope().name);
        }
        Assert.AreEqual("", tf.get_variable_scope().name);
        Assert.AreEqual("foo/v:0", v.name, "the name scope 'bar' does not prefix get_variable names");
        Assert.AreEqual("foo/w:0", w.name);
        Assert.AreEqual(DType.FloatRef, v.dtype);
        Assert.AreEqual("[2,3]", v.shape.ToString().Replace(" ", ""));
        // The default initializer is glorot_uniform: a RandomUniform under "<var>/Initializer/random_uniform".
        Assert.AreEqual("foo/v/Initializer/random_uniform:0", v.initial_value.name);
        Assert.AreEqual("RandomUniform", tf.get_default_graph().get_operation_by_name("foo/v/Initializer/random_uniform/RandomUniform").type);
        CollectionAssert.AreEqual(new[] { "foo/v:0", "foo/w:0", "foo/inner/x:0" }, tf.trainable_variables().Select(x => x.name).ToArray());
    }

    [TestMethod]
    public void Ops_in_a_reopened_scope_get_a_fresh_name_scope_but_variables_share_the_prefix()
    {
        using var _ = NewGraph();
        using (tf.variable_scope("s")) tf.get_variable("a", new[] { 1 });
        using (var scope = tf.variable_scope("s", reuse: true))
        {
            Assert.AreEqual("s_1/", scope.original_name_scope);
            Assert.AreEqual("s_1/Const", tf.constant(1f).op.name);
            Assert.AreEqual("s/a:0", tf.get_variable("a", new[] { 1 }).name);
        }
    }

    [TestMethod]
    public void Reuse_true_returns_the_same_variable_and_errors_name_the_variable()
    {
        using var _ = NewGraph();
        Variable first;
        using (tf.variable_scope("x")) first = tf.get_variable("w", new[] { 3 });
        using (tf.variable_scope("x", reuse: true))
        {
            Assert.AreSame(first, tf.get_variable("w", new[] { 3 }));
            Assert.AreSame(first, tf.get_variable("w"), "the shape may be left out when reusing");
            var missing = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.get_variable("v", new[] { 1 }));
            StringAssert.Contains(missing.Message, "Variable x/v does not exist, or was not created with tf.get_variable()");
            var badShape = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.get_variable("w", new[] { 4 }));
            StringAssert.Contains(badShape.Message, "Trying to share variable x/w, but specified shape");
            var badType = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.get_variable("w", new[] { 3 }, tf.float64));
            StringAssert.Contains(badType.Message, "Trying to share variable x/w, but specified dtype float64 and found dtype float32");
        }
        using (tf.variable_scope("x"))
        {
            var exists = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.get_variable("w", new[] { 3 }));
            StringAssert.Contains(exists.Message, "Variable x/w already exists, disallowed. Did you mean to set reuse=True or reuse=tf.AUTO_REUSE in VarScope?");
        }
        Assert.AreEqual(1, tf.global_variables().Count, "failed calls create nothing");
    }

    [TestMethod]
    public void Auto_reuse_creates_once_then_shares_and_reuse_is_inherited()
    {
        using var _ = NewGraph();
        Variable Make()
        {
            using (tf.variable_scope("auto", reuse: tf.AUTO_REUSE)) return tf.get_variable("k", new[] { 2 });
        }
        var a = Make();
        var b = Make();
        Assert.AreSame(a, b);
        Assert.AreEqual(1, tf.global_variables().Count);
        using (tf.variable_scope("outer", reuse: true))
        using (var inner = tf.variable_scope("inner", reuse: false))
        {
            Assert.AreEqual(VariableReuse.True, inner.reuse, "reuse=False under a reusing scope still reuses (TF1)");
            Assert.ThrowsExactly<InvalidArgumentException>(() => tf.get_variable("z", new[] { 1 }));
        }
        using (var s = tf.variable_scope("late"))
        {
            tf.get_variable("p", new[] { 1 });
            s.reuse_variables();
            Assert.AreEqual("late/p:0", tf.get_variable("p", new[] { 1 }).name);
        }
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.variable_scope(null, default_name: "d", reuse: true));
    }

    [TestMethod]
    public void Default_names_are_made_unique_per_enclosing_scope_and_reset_when_it_closes()
    {
        using var _ = NewGraph();
        var names = new List<string>();
        for (int i = 0; i < 3; i++)
            using (var s = tf.variable_scope(null, default_name: "layer")) names.Add(s.name);
        CollectionAssert.AreEqual(new[] { "layer", "layer_1", "layer_2" }, names);
        string Inner()
        {
            using (tf.variable_scope("net", reuse: tf.AUTO_REUSE))
            using (var s = tf.variable_scope(null, default_name: "block"))
                return s.name;
        }
        Assert.AreEqual("net/block", Inner());
        Assert.AreEqual("net/block", Inner(), "closing 'net' resets the counts of its sub-scopes, so a rebuilt model reuses its names");
    }

    [TestMethod]
    public void Reentering_a_scope_object_keeps_its_name_and_defaults()
    {
        using var _ = NewGraph();
        VariableScope saved;
        using (saved = tf.variable_scope("model", initializer: tf.constant_initializer(3.0))) { }
        using (tf.variable_scope("elsewhere"))
        using (tf.variable_scope(saved))
        {
            var v = tf.get_variable("c", new[] { 2 });
            Assert.AreEqual("model/c:0", v.name);
            using var sess = tf.Session();
            sess.run(tf.global_variables_initializer());
            CollectionAssert.AreEqual(new float[] { 3, 3 }, sess.run(v).ToArray<float>(), "the scope's initializer is the default");
        }
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.variable_scope(42));
    }

    [TestMethod]
    public void Initializer_may_be_a_value_a_tensor_or_an_initializer_object()
    {
        using var _ = NewGraph();
        var fromValue = tf.get_variable("val", initializer: new float[] { 1, 2 });
        var fromTensor = tf.get_variable("ten", initializer: tf.constant(new double[] { 5 }));
        var fromObject = tf.get_variable("obj", new[] { 2, 2 }, initializer: tf.ones_initializer());
        var ints = tf.get_variable("ints", new[] { 3 }, tf.int32);
        var shapeAndValue = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.get_variable("bad", new[] { 2 }, initializer: new float[] { 1, 2 }));
        StringAssert.Contains(shapeAndValue.Message, "do not specify shape");
        var noShape = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.get_variable("noshape"));
        StringAssert.Contains(noShape.Message, "Shape of a new variable (noshape) must be fully defined");
        Assert.AreEqual("val/initial_value:0", fromValue.initial_value.name);
        Assert.AreEqual(DType.DoubleRef, fromTensor.dtype);
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        CollectionAssert.AreEqual(new float[] { 1, 2 }, sess.run(fromValue).ToArray<float>());
        CollectionAssert.AreEqual(new double[] { 5 }, sess.run(fromTensor).ToArray<double>());
        CollectionAssert.AreEqual(new float[] { 1, 1, 1, 1 }, sess.run(fromObject).ToArray<float>());
        CollectionAssert.AreEqual(new int[] { 0, 0, 0 }, sess.run(ints).ToArray<int>(), "integer variables default to zeros");
    }

    [TestMethod]
    public void Trainable_and_collections_are_honoured()
    {
        using var _ = NewGraph();
        var frozen = tf.get_variable("frozen", new[] { 1 }, trainable: false);
        var local = tf.get_variable("local", new[] { 1 }, collections: [tf.GraphKeys.LOCAL_VARIABLES], trainable: false);
        Assert.AreEqual(0, tf.trainable_variables().Count);
        CollectionAssert.AreEqual(new[] { frozen }, tf.global_variables());
        CollectionAssert.AreEqual(new[] { local }, tf.local_variables());
    }

    [TestMethod]
    public void Regularizers_add_losses_named_under_the_variable_and_sum_into_the_total()
    {
        using var _ = NewGraph();
        Variable w, b;
        using (tf.variable_scope("layer", regularizer: tf.contrib.layers.l2_regularizer(0.5)))
        {
            w = tf.get_variable("w", initializer: new float[] { 1, 2 });
            b = tf.get_variable("b", initializer: new float[] { 3 }, regularizer: tf.contrib.layers.l1_regularizer(2.0));
            tf.get_variable("none", initializer: new float[] { 9 }, regularizer: tf.contrib.layers.l2_regularizer(0.0));
        }
        var losses = tf.losses.get_regularization_losses();
        CollectionAssert.AreEqual(new[] { "layer/w/Regularizer/l2_regularizer:0", "layer/b/Regularizer/l1_regularizer:0" },
            losses.Select(l => l.name).ToArray(), "scale 0 adds no loss");
        var total = tf.losses.get_regularization_loss();
        Assert.AreEqual("total_regularization_loss:0", total.name);
        using var sess = tf.Session();
        sess.run(tf.global_variables_initializer());
        // 0.5 · (1 + 4) / 2 + 2 · 3
        Assert.AreEqual(7.25f, sess.run(total).GetSingle(), 1e-6f);
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.contrib.layers.l2_regularizer(-1));
    }

    [TestMethod]
    public void Concurrent_auto_reuse_requests_create_one_variable()
    {
        var g = new GraphEngine.Graph();
        var results = new Variable[8];
        Parallel.For(0, results.Length, i =>
        {
            using var _ = g.as_default();
            using (tf.variable_scope("shared", reuse: tf.AUTO_REUSE)) results[i] = tf.get_variable("w", new[] { 2 });
        });
        Assert.IsTrue(results.All(r => ReferenceEquals(r, results[0])));
        Assert.AreEqual(1, g.get_collection<Variable>(tf.GraphKeys.GLOBAL_VARIABLES).Count);
    }
}
