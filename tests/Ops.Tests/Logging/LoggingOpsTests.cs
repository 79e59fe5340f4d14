using System.Text;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Logging;
using GraphEngine.Ops.Tests.Helpers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Logging;

[TestClass]
public sealed class LoggingOpsTests
{
    private static HostTensor Str(params string[] s) => HostTensor.FromStrings(s.Select(Encoding.UTF8.GetBytes).ToArray(), s.Length == 1 ? [] : [s.Length]);

    [TestMethod]
    public void Summaries_v1_cut_after_summarize_elements()
    {
        Assert.AreEqual("1 2 3...", TensorSummary.Summarize(Tn.I([1, 2, 3, 4, 5]), 3, v2: false));
        Assert.AreEqual("1 2 3 4 5", TensorSummary.Summarize(Tn.I([1, 2, 3, 4, 5]), -1, v2: false));
        Assert.AreEqual("[1 2][3...]...", TensorSummary.Summarize(Tn.I([1, 2, 3, 4], 2, 2), 3, v2: false));
        Assert.AreEqual("[1 2][3 4]", TensorSummary.Summarize(Tn.I([1, 2, 3, 4], 2, 2), 10, v2: false));
        Assert.AreEqual("7", TensorSummary.Summarize(Tn.Scalar(7L), 3, v2: false));
        Assert.AreEqual("true false", TensorSummary.Summarize(HostTensor.FromArray(new[] { true, false }, 2), 3, v2: false));
        Assert.AreEqual("hi", TensorSummary.Summarize(Str("hi"), 3, v2: false));
    }

    [TestMethod]
    public void Summaries_v2_are_numpy_like_with_ellipses_at_each_dimension()
    {
        Assert.AreEqual("[[1 2 3]\n [4 5 6]]", TensorSummary.Summarize(Tn.I([1, 2, 3, 4, 5, 6], 2, 3), 3, v2: true));
        Assert.AreEqual("[0 1 2 ... 7 8 9]", TensorSummary.Summarize(Tn.I(Enumerable.Range(0, 10).ToArray()), 3, v2: true));
        Assert.AreEqual("[[0 ... 3]\n ...\n [12 ... 15]]", TensorSummary.Summarize(Tn.I(Enumerable.Range(0, 16).ToArray(), 4, 4), 1, v2: true));
        Assert.AreEqual("[[[1 2]]\n\n [[3 4]]]", TensorSummary.Summarize(Tn.I([1, 2, 3, 4], 2, 1, 2), 3, v2: true));
        Assert.AreEqual("[\"a\" \"b\\n\"]", TensorSummary.Summarize(Str("a", "b\n"), 3, v2: true));
        Assert.AreEqual("[True False]", TensorSummary.Summarize(HostTensor.FromArray(new[] { true, false }, 2), 3, v2: true));
        Assert.AreEqual("[]", TensorSummary.Summarize(Tn.I([], 0), 3, v2: true));
    }

    [TestMethod]
    public void Numbers_print_as_c_percent_g_with_the_shortest_round_trip()
    {
        Assert.AreEqual("0.5", TensorSummary.Number(0.5f));
        Assert.AreEqual("0.1", TensorSummary.Number(0.1f));
        Assert.AreEqual("0.333333343", TensorSummary.Number(1f / 3));
        Assert.AreEqual("1e-05", TensorSummary.Number(1e-5f));
        Assert.AreEqual("1e+10", TensorSummary.Number(1e10f));
        Assert.AreEqual("123456", TensorSummary.Number(123456f));
        Assert.AreEqual("1234567", TensorSummary.Number(1234567f));
        Assert.AreEqual("-2.5", TensorSummary.Number(-2.5));
        Assert.AreEqual("0.1", TensorSummary.Number(0.1));
        Assert.AreEqual("0.33333333333333331", TensorSummary.Number(1.0 / 3));
        Assert.AreEqual("nan", TensorSummary.Number(double.NaN));
        Assert.AreEqual("-inf", TensorSummary.Number(float.NegativeInfinity));
        Assert.AreEqual("0", TensorSummary.Number(0.0));
    }

    private static KernelRunner AssertOp(int summarize, params DType[] types) =>
        KernelRunner.For(LoggingOps.Assert, ("T", AttrValue.Of(types)), ("summarize", (long)summarize));

    [TestMethod]
    public void Assert_passes_on_true_and_fails_with_the_summarized_data_on_false()
    {
        var k = AssertOp(3, DType.String, DType.Float);
        Assert.IsEmpty(k.Run(Tn.Scalar(true), Str("x is"), Tn.F([1f, 2f, 3f, 4f])));
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => k.Run(Tn.Scalar(false), Str("x is"), Tn.F([1f, 2.5f, 3f, 4f])));
        Assert.AreEqual("assertion failed: [x is] [1 2.5 3...]", e.BaseMessage);
        e = Assert.ThrowsExactly<InvalidArgumentException>(() => k.Run(HostTensor.FromArray(new[] { true, true }, 2), Str("a"), Tn.F([1f])));
        StringAssert.Contains(e.Message, "In[0] should be a scalar");
    }

    [TestMethod]
    public void CheckNumerics_names_nan_inf_or_both_and_passes_finite_values_through()
    {
        foreach (var t in new[] { DType.Float, DType.Double })
        {
            var k = KernelRunner.For(LoggingOps.CheckNumerics, ("T", t), ("message", "loss"));
            HostTensor Make(params double[] v) => t == DType.Float ? Tn.F(v.Select(x => (float)x).ToArray()) : Tn.D(v);
            var ok = Make(1, -2, 3e30);
            Assert.IsTrue(ok.ContentEquals(k.Run(ok)[0]));
            Assert.AreEqual("loss : Tensor had NaN values", Assert.ThrowsExactly<InvalidArgumentException>(() => k.Run(Make(1, double.NaN))).BaseMessage);
            Assert.AreEqual("loss : Tensor had Inf values", Assert.ThrowsExactly<InvalidArgumentException>(() => k.Run(Make(double.NegativeInfinity, 0))).BaseMessage);
            Assert.AreEqual("loss : Tensor had Inf and NaN values",
                Assert.ThrowsExactly<InvalidArgumentException>(() => k.Run(Make(double.PositiveInfinity, double.NaN))).BaseMessage);
        }
    }

    [TestMethod]
    public void StringFormat_fills_placeholders_with_v2_summaries()
    {
        var k = KernelRunner.For(LoggingOps.StringFormat, ("T", AttrValue.Of(new[] { DType.Int32, DType.Float })), ("template", "x = {}, y = {}!"),
            ("placeholder", "{}"), ("summarize", 2L));
        var y = k.Run(Tn.I([1, 2, 3, 4, 5]), Tn.Scalar(0.25f))[0];
        Assert.AreEqual(0, y.Rank);
        Assert.AreEqual("x = [1 2 ... 4 5], y = 0.25!", Encoding.UTF8.GetString(y.Strings![0]));
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.For(LoggingOps.StringFormat,
            ("T", AttrValue.Of(new[] { DType.Int32 })), ("template", "{} and {}"), ("placeholder", "{}")));
        StringAssert.Contains(e.Message, "num placeholders in template and num inputs must match: 2 vs. 1");
        ShapeDsl.Infer(LoggingOps.StringFormat, "[3]", ("T", AttrValue.Of(new[] { DType.Int32 })), ("template", "{}"), ("placeholder", "{}")).Is("[]");
    }

    [TestMethod]
    public void PrintV2_writes_to_the_chosen_stream_or_file_and_rejects_unknown_streams()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ge-printv2-{Guid.NewGuid():N}.txt");
        try
        {
            var k = KernelRunner.For(LoggingOps.PrintV2, ("output_stream", "file://" + path), ("end", "|"));
            k.Run(Str("one"));
            k.Run(Str("two"));
            Assert.AreEqual("one|two|", File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.For(LoggingOps.PrintV2, ("output_stream", "stdrr")));
        StringAssert.Contains(e.Message, "stdrr is not a valid output_stream");
        Assert.ThrowsExactly<InvalidArgumentException>(() => KernelRunner.For(LoggingOps.PrintV2).Run(Str("a", "b")));
    }

    [TestMethod]
    public void Print_passes_its_input_through_and_writes_message_and_data_the_first_n_times()
    {
        var k = KernelRunner.For(LoggingOps.Print, ("T", DType.Float), ("U", AttrValue.Of(new[] { DType.Int32 })), ("message", "step: "),
            ("first_n", 2L), ("summarize", 2L));
        var old = Console.Error;
        var sink = new StringWriter();
        Console.SetError(sink);
        try
        {
            for (int i = 0; i < 3; i++)
            {
                var x = Tn.F([1f, 2f]);
                Assert.IsTrue(x.ContentEquals(k.Run(x, Tn.I([i, 7, 8]))[0]));
            }
        }
        finally
        {
            Console.SetError(old);
        }
        var lines = sink.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("step: ")).ToArray();
        CollectionAssert.AreEqual(new[] { "step: [0 7...]", "step: [1 7...]" }, lines);
    }
}
