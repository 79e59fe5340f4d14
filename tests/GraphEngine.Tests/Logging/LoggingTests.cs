using System.Text;
using GraphEngine.Ops.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using Case = GraphEngine.Tests.Autodiff.GradientCheckTests.Case;

namespace GraphEngine.Tests.Logging;

[TestClass]
public sealed class LoggingTests
{
    public static IEnumerable<Case> GradientCases =>
    [
        new("CheckNumerics", "passes the gradient through", x => tf.check_numerics(x[0] * x[0], "sq"), [[2, 3]]),
        new("Print", "identity in its first input", x => tf.Print(x[0] * 3.0, [x[1]], "p: ") * x[0], [[3], [2]]),
    ];

    /// <summary>Runs <paramref name="act"/> with Console.Error (or Out) captured.</summary>
    private static string Capture(Action act, bool stdout = false)
    {
        var old = stdout ? Console.Out : Console.Error;
        var sink = new StringWriter();
        if (stdout) Console.SetOut(sink); else Console.SetError(sink);
        try
        {
            act();
        }
        finally
        {
            if (stdout) Console.SetOut(old); else Console.SetError(old);
        }
        return sink.ToString();
    }

    [TestMethod]
    public void Assert_under_control_dependencies_fails_the_run_naming_the_node_and_the_data()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var x = tf.placeholder(tf.float32, new[] { -1 }, name: "x");
        var check = tf.Assert(tf.reduce_all(tf.greater(x, 0f)), ["x must be positive:", x], summarize: 2, name: "x_positive");
        Assert.AreEqual("Assert", check.type);
        Assert.AreEqual("x_positive/Assert", check.name);
        Tensor y;
        using (tf.control_dependencies([check])) y = tf.identity(x * 2f);
        using var s = tf.Session();
        CollectionAssert.AreEqual(new[] { 2f, 4f }, s.run(y, (x, new[] { 1f, 2f })).ToArray<float>());
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => s.run(y, (x, new[] { 1f, -2f, 3f })));
        StringAssert.Contains(e.Message, "assertion failed: [x must be positive:] [1 -2...]");
        StringAssert.Contains(e.Message, "x_positive/Assert");
    }

    [TestMethod]
    public void Legacy_Print_writes_message_and_data_and_passes_its_input_through()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var x = tf.constant(new[] { 1.5f, 2f, 3f, 4f });
        var p = tf.Print(x, [x, "tag", tf.constant(7)], message: "x: ", first_n: 2);
        Assert.AreEqual("Print", p.op.type);
        Assert.AreEqual("[4]", p.shape.ToString());
        using var s = tf.Session();
        float[]? got = null;
        var err = Capture(() =>
        {
            for (int i = 0; i < 3; i++) got = s.run(p).ToArray<float>();
        });
        CollectionAssert.AreEqual(new[] { 1.5f, 2f, 3f, 4f }, got);
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("x: ")).ToArray();
        CollectionAssert.AreEqual(new[] { "x: [1.5 2 3...][tag][7]", "x: [1.5 2 3...][tag][7]" }, lines, "first_n = 2");
    }

    [TestMethod]
    public void Print_v2_formats_strings_and_tensors_into_one_line()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var m = tf.constant(new[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var op = tf.print("m =", m, "step", 3, new object[] { tf.constant(0.5), "a" });
        Assert.AreEqual("PrintV2", op.type);
        var format = op.inputs[0].op;
        Assert.AreEqual("StringFormat", format.type);
        Assert.AreEqual("m = {} step 3 [{}, 'a']", format.get_attr("template").S);
        using var s = tf.Session();
        var err = Capture(() => s.run(op));
        StringAssert.Contains(err, "m = [[1 2 3]\n [4 5 6]] step 3 [0.5, 'a']\n");
        var toStdout = tf.print([tf.constant(Enumerable.Range(0, 10).ToArray())], output_stream: "stdout", summarize: 2, end: "!\n", name: "p");
        Assert.AreEqual("p", toStdout.name);
        Assert.AreEqual("p_format", toStdout.inputs[0].op.name);
        StringAssert.Contains(Capture(() => s.run(toStdout), stdout: true), "[0 1 ... 8 9]!\n");
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.print(["x"], output_stream: "nowhere"));
        var textOnly = tf.print("just text", 42);
        Assert.AreEqual(0, textOnly.inputs[0].op.inputs.Length, "no tensors: a template with no placeholders");
        StringAssert.Contains(Capture(() => s.run(textOnly)), "just text 42\n");
    }

    [TestMethod]
    public void Print_v2_picks_another_placeholder_when_the_text_holds_braces()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var op = tf.print("{} literally:", tf.constant(1));
        var template = op.inputs[0].op.get_attr("template").S;
        var placeholder = op.inputs[0].op.get_attr("placeholder").S;
        Assert.AreNotEqual("{}", placeholder);
        Assert.AreEqual("{} literally: " + placeholder, template);
        using var s = tf.Session();
        StringAssert.Contains(Capture(() => s.run(op)), "{} literally: 1\n");
    }

    [TestMethod]
    public void Check_numerics_fails_on_nan_with_the_message_and_the_node()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var x = tf.placeholder(tf.float64, name: "x");
        var y = tf.check_numerics(tf.log(x), "log of x", name: "log_checked");
        Assert.AreEqual("CheckNumerics", y.op.type);
        using var s = tf.Session();
        Assert.AreEqual(0.0, s.run(y, (x, 1.0)).ToArray<double>()[0]);
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => s.run(y, (x, -1.0)));
        StringAssert.Contains(e.Message, "log of x : Tensor had NaN values");
        StringAssert.Contains(e.Message, "log_checked");
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => s.run(y, (x, 0.0)));
        StringAssert.Contains(e.Message, "Tensor had Inf values");
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.check_numerics(tf.constant(1), "ints"), "CheckNumerics takes floating types only");
    }

    [TestMethod]
    public void Check_numerics_gradient_checks_the_gradient_too()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var x = tf.placeholder(tf.float32, name: "x");
        var y = tf.sqrt(tf.check_numerics(x, "sqrt input"));
        var g = tf.gradients(y, x)[0]!;
        var checks = tf.get_default_graph().get_operations().Where(o => o.type == "CheckNumerics").ToArray();
        Assert.HasCount(2, checks);
        Assert.AreEqual("Not a number (NaN) or infinity (Inf) values detected in gradient. sqrt input", checks[1].get_attr("message").S);
        using var s = tf.Session();
        Assert.AreEqual(0.25f, s.run(g, (x, 4f)).ToArray<float>()[0]);
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => s.run(g, (x, 0f)));
        StringAssert.Contains(e.Message, "detected in gradient. sqrt input : Tensor had Inf values");
    }

    [TestMethod]
    public void Add_check_numerics_ops_checks_every_float_output_in_a_chain()
    {
        using var _ = new GraphEngine.Graph().as_default();
        var x = tf.placeholder(tf.float32, name: "x");
        var w = tf.Variable(2f, name: "w");
        var h = tf.multiply(x, w.value(), name: "h");
        var loss = tf.log(h, name: "loss");
        var n = tf.cast(loss, tf.int32);
        var check = tf.add_check_numerics_ops();
        var checks = tf.get_default_graph().get_operations().Where(o => o.type == "CheckNumerics").ToList();
        var messages = checks.Select(o => o.get_attr("message").S).ToList();
        CollectionAssert.Contains(messages, "x:0");
        CollectionAssert.Contains(messages, "h:0");
        CollectionAssert.Contains(messages, "loss:0");
        CollectionAssert.Contains(messages, "w/read:0");
        CollectionAssert.DoesNotContain(messages, "w:0", "ref outputs are not checked (TF compares dtypes exactly)");
        CollectionAssert.DoesNotContain(messages, "Cast:0", "int outputs are not checked");
        for (int i = 1; i < checks.Count; i++)
            CollectionAssert.Contains(checks[i].control_inputs.ToArray(), checks[i - 1], "each check waits for the previous one");
        Assert.AreEqual("NoOp", check.type);
        using var s = tf.Session();
        s.run(tf.global_variables_initializer());
        s.run(check, (x, 1f));
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => s.run(check, (x, -1f)));
        StringAssert.Contains(e.Message, "loss:0 : Tensor had NaN values");
        Assert.AreEqual(DType.Int32, n.dtype);
    }
}
