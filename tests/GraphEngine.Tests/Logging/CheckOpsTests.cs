using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Logging;

[TestClass]
public sealed class CheckOpsTests
{
    private static void RunGuarded(Operation check, Tensor x, object value)
    {
        Tensor y;
        using (tf.control_dependencies([check])) y = tf.identity(x);
        using var s = tf.Session();
        s.run(y, (x, value));
    }

    public static IEnumerable<object[]> Binary =>
    [
        // y is always [1, 2]: the first x satisfies the condition, the second fails it in one element.
        ["assert_equal", "==", new[] { 1, 2 }, new[] { 1, 3 }],
        ["assert_none_equal", "!=", new[] { 2, 1 }, new[] { 0, 2 }],
        ["assert_less", "<", new[] { 0, 1 }, new[] { 0, 2 }],
        ["assert_less_equal", "<=", new[] { 1, 2 }, new[] { 1, 3 }],
        ["assert_greater", ">", new[] { 2, 3 }, new[] { 2, 2 }],
        ["assert_greater_equal", ">=", new[] { 1, 2 }, new[] { 0, 2 }],
    ];

    private static Operation Call(string name, object x, object y, string? message = null) => name switch
    {
        "assert_equal" => tf.debugging.assert_equal(x, y, message: message),
        "assert_none_equal" => tf.debugging.assert_none_equal(x, y, message: message),
        "assert_less" => tf.assert_less(x, y, message: message),
        "assert_less_equal" => tf.assert_less_equal(x, y, message: message),
        "assert_greater" => tf.assert_greater(x, y, message: message),
        _ => tf.assert_greater_equal(x, y, message: message),
    };

    [TestMethod]
    [DynamicData(nameof(Binary))]
    public void Binary_asserts_fail_at_run_time_with_the_condition_and_the_values(string name, string op, int[] ok, int[] bad)
    {
        using var _ = new GraphEngine.Graph().as_default();
        var x = tf.placeholder(tf.int32, new[] { 2 }, name: "x");
        var y = tf.constant(new[] { 1, 2 }, name: "y");
        var check = Call(name, x, y, message: "checking");
        Assert.AreEqual("Assert", check.type);
        Assert.AreEqual($"{name}/Assert/Assert", check.name);
        RunGuarded(check, x, ok);
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => RunGuarded(check, x, bad));
        StringAssert.Contains(e.Message, $"assertion failed: [checking] [Condition x {op} y did not hold element-wise:] [x (x:0) = ]");
        StringAssert.Contains(e.Message, "[y (y:0) = ] [1 2]");
        StringAssert.Contains(e.Message, check.name);
    }

    [TestMethod]
    [DynamicData(nameof(Binary))]
    public void Binary_asserts_on_constants_are_decided_while_building(string name, string op, int[] ok, int[] bad)
    {
        using var _ = new GraphEngine.Graph().as_default();
        var y = tf.constant(new[] { 1, 2 }, name: "y");
        var x = tf.constant(ok, name: "x");
        Assert.AreEqual("Assert", Call(name, x, y).type, "a statically true assert still builds its op");
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => Call(name, tf.constant(bad, name: "x"), y, "static"));
        StringAssert.Contains(e.Message, $"static\nCondition x {op} y did not hold element-wise:\nx (x_1:0) = \n");
    }

    [TestMethod]
    public void Sign_asserts_compare_with_zero_of_the_same_dtype()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var x = tf.placeholder(tf.float32, new[] { -1 }, name: "x");
        var positive = tf.debugging.assert_positive(x);
        Assert.AreEqual("assert_positive/assert_less/Assert/Assert", positive.name);
        RunGuarded(positive, x, new[] { 0.5f, 2f });
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => RunGuarded(positive, x, new[] { 0.5f, 0f }));
        StringAssert.Contains(e.Message, "[Condition x > 0 did not hold element-wise:] [x (x:0) = ] [0.5 0]");
        var negative = tf.assert_negative(x);
        Assert.ThrowsExactly<InvalidArgumentException>(() => RunGuarded(negative, x, new[] { -1f, 0f }));
        var nonNegative = tf.debugging.assert_non_negative(x);
        RunGuarded(nonNegative, x, new[] { 0f, 1f });
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => RunGuarded(nonNegative, x, new[] { 0f, -1f }));
        StringAssert.Contains(e.Message, "Condition x >= 0 did not hold");
        var nonPositive = tf.debugging.assert_non_positive(x);
        RunGuarded(nonPositive, x, new[] { 0f, -1f });
        var s = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.assert_positive(tf.constant(new[] { 1, -1 })));
        StringAssert.Contains(s.Message, "Condition x > 0 did not hold element-wise:");
    }

    [TestMethod]
    public void Assert_rank_is_static_when_the_rank_is_known_and_dynamic_otherwise()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var m = tf.placeholder(tf.float32, new[] { 2, 3 }, name: "m");
        Assert.AreEqual("NoOp", tf.assert_rank(m, 2).type);
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.debugging.assert_rank(m, 3, message: "need a cube"));
        StringAssert.Contains(e.Message, "need a cube.  Tensor m:0 must have rank 3.  Received rank 2, shape [2,3]");
        var u = tf.placeholder(tf.float32, name: "u");
        var check = tf.assert_rank(u, 1);
        Assert.AreEqual("Assert", check.type);
        RunGuarded(check, u, new[] { 1f, 2f });
        var run = Assert.ThrowsExactly<InvalidArgumentException>(() => RunGuarded(check, u, new[,] { { 1f } }));
        StringAssert.Contains(run.Message, "[Tensor u:0 must have rank] [1] [Received shape: ] [1 1]");
    }

    [TestMethod]
    public void Assert_type_is_a_build_time_check()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var x = tf.constant(new[] { 1f }, name: "x");
        Assert.AreEqual("NoOp", tf.assert_type(x, tf.float32).type);
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.debugging.assert_type(x, tf.int32, message: "ints only"));
        StringAssert.Contains(e.Message, "ints only  x:0 must be of type int32; got float32");
    }

    [TestMethod]
    public void Assert_all_finite_returns_the_tensor_after_a_check()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var x = tf.placeholder(tf.float64, name: "x");
        var y = tf.debugging.assert_all_finite(x * 2.0, "doubled x");
        Assert.AreEqual("Identity", y.op.type);
        Assert.AreEqual("CheckNumerics", y.op.control_inputs[0].type);
        using var s = tf.Session();
        Assert.AreEqual(4.0, s.run(y, (x, 2.0)).ToArray<double>()[0]);
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => s.run(y, (x, double.PositiveInfinity)));
        StringAssert.Contains(e.Message, "doubled x : Tensor had Inf values");
        Assert.AreEqual("Identity", tf.verify_tensor_all_finite(x, "again").op.type);
    }
}
