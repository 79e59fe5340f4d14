using GraphEngine.Cli.Commands;
using GraphEngine.Cli.Output;
using GraphEngine.Ops.Core;
using Spectre.Console;

namespace GraphEngine.Cli.Tests;

/// <summary>In-process checks of the two renderings of a report and of command-line value parsing.</summary>
[TestClass]
public sealed class OutputAndFeedTests
{
    static Report Sample()
    {
        var tree = new TreeItem("sig");
        tree.Add("inputs");
        return new Report()
            .Text("Model: m")
            .Table(new TableBlock("Inputs:", ["name", "count"], [["a[0]", "7"], ["long_name", "12345"]], RightAlignFrom: 1))
            .Tree(tree);
    }

    [TestMethod]
    public void PlainTextAlignsColumnsAndIndentsTrees()
    {
        var text = Sample().ToPlainText();
        Assert.AreEqual(
            "Model: m\nInputs:\nname       count\n---------  -----\na[0]           7\nlong_name  12345\nsig\n  inputs\n",
            text.Replace("\r\n", "\n"));
    }

    [TestMethod]
    public void RichRenderingDrawsBoxesAndDoesNotParseMarkup()
    {
        var sw = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(sw),
        });
        Sample().WriteRich(console);
        var text = sw.ToString();
        StringAssert.Contains(text, "╭");                 // rounded table border
        StringAssert.Contains(text, "a[0]");              // '[' in names is text, not Spectre markup
        StringAssert.Contains(text, "└── inputs");        // tree guide
    }

    [TestMethod]
    public void LiteralsGiveShapesAndDtypes()
    {
        var t = FeedParser.ParseValue("[[1,2],[3,4]]", "x");
        CollectionAssert.AreEqual(new long[] { 2, 2 }, t.Dims.ToArray());
        var f = FeedParser.Conform(t, DType.Float, new TensorShape(-1, 2), "x");
        CollectionAssert.AreEqual(new float[] { 1, 2, 3, 4 }, f.ToArray<float>());
        Assert.AreEqual(0, FeedParser.ParseValue("3.5", "s").Rank);
        Assert.AreEqual(DType.String, FeedParser.ParseValue("[\"a\",\"b\"]", "s").DType);
        Assert.AreEqual(DType.Bool, FeedParser.ParseValue("[true,false]", "b").DType);
        Assert.ThrowsExactly<UsageException>(() => FeedParser.ParseValue("[1,\"a\"]", "m"));
        Assert.ThrowsExactly<UsageException>(() => FeedParser.ParseValue("[[1],[2,3]]", "r"));
        Assert.ThrowsExactly<UsageException>(() => FeedParser.ParseValue("{oops", "j"));
    }

    [TestMethod]
    public void ConformReshapesOnlyWhenTheElementCountFits()
    {
        var v = FeedParser.ParseValue("[1,2,3,4,5,6]", "x");
        CollectionAssert.AreEqual(new long[] { 3, 2 }, FeedParser.Conform(v, DType.Float, new TensorShape(-1, 2), "x").Dims.ToArray());
        CollectionAssert.AreEqual(new long[] { 6 }, FeedParser.Conform(v, DType.Float, new TensorShape(-1, 4), "x").Dims.ToArray(), "6 elements do not fill rows of 4: left as given");
        var ints = FeedParser.Conform(v, DType.Int32, TensorShape.Unknown, "x");
        CollectionAssert.AreEqual(new[] { 1, 2, 3, 4, 5, 6 }, ints.ToArray<int>());
        Assert.ThrowsExactly<InvalidArgumentException>(() => FeedParser.Conform(FeedParser.ParseValue("[1.5]", "x"), DType.Int64, TensorShape.Unknown, "x"));
        Assert.ThrowsExactly<InvalidArgumentException>(() => FeedParser.Conform(FeedParser.ParseValue("[\"a\"]", "x"), DType.Float, TensorShape.Unknown, "x"));
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => FeedParser.Conform(FeedParser.ParseValue("[1e12]", "big"), DType.Int32, TensorShape.Unknown, "big"));
        StringAssert.Contains(e.Message, "input 'big': a value is out of the range of int32");
    }

    [TestMethod]
    public void CsvSkipsHeaderAndRejectsRaggedRows()
    {
        var dir = CliProcess.TempDir();
        var ok = Path.Combine(dir, "ok.csv");
        File.WriteAllText(ok, "a,b\n1,2\n\n3,4.5\n");
        var t = FeedParser.ParseCsv(ok);
        CollectionAssert.AreEqual(new long[] { 2, 2 }, t.Dims.ToArray());
        CollectionAssert.AreEqual(new[] { 1, 2, 3, 4.5 }, t.ToArray<double>());
        var bad = Path.Combine(dir, "bad.csv");
        File.WriteAllText(bad, "1,2\n3\n");
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => FeedParser.ParseCsv(bad));
        StringAssert.Contains(e.Message, "bad.csv:2");
    }
}
