using System.Text;
using GraphEngine.Ops.Core;
using AttrValue = GraphEngine.Ops.Proto.AttrValue;
using GraphEngine.Ops.Model.TextFormat;
using GraphEngine.Ops.Proto;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Model;

[TestClass]
public sealed class TextFormatParserTests
{
    [TestMethod]
    public void AcceptsTheWholeGrammar()
    {
        const string text = """
            # a comment
            node <                       # angle brackets
              name: 'n' "1"              # adjacent strings concatenate
              op: "Const"
              input: ["a", "b:1"]        # list syntax
              input: "^c"
              attr { key: "T" value { type: DT_FLOAT } }
              attr: { key: "dtype" value: { type: 2 } }   # colon before '{', enum by number
              attr { key: "f" value { f: -1.5e-3 } },
              attr { key: "inf" value { f: -inf } };
              attr { key: "nan" value { f: nan } }
              attr { key: "i" value { i: 0x7fffffffffffffff } }
              attr { key: "neg" value { i: -9223372036854775808 } }
              attr { key: "oct" value { i: 017 } }
              attr { key: "fsuffix" value { f: 2.5f } }
              attr { key: "s" value { s: "\x41\101\t\"\'\\\303\251" } }
              attr { key: "l" value { list { f: [1, 2.5, 1e10] b: [true, false] } } }
              attr { key: "b" value { b: True } }
            >
            versions { producer: 21 bad_consumers: [1, 2] }
            """;
        var g = ProtoText.Parse<GraphDef>(text);
        var n = g.Node[0];
        Assert.AreEqual("n1", n.Name);
        CollectionAssert.AreEqual(new[] { "a", "b:1", "^c" }, n.Input.ToArray());
        Assert.AreEqual(DataType.DtFloat, n.Attr["T"].Type);
        Assert.AreEqual(DataType.DtDouble, n.Attr["dtype"].Type);
        Assert.AreEqual(-1.5e-3f, n.Attr["f"].F);
        Assert.AreEqual(float.NegativeInfinity, n.Attr["inf"].F);
        Assert.IsTrue(float.IsNaN(n.Attr["nan"].F));
        Assert.AreEqual(long.MaxValue, n.Attr["i"].I);
        Assert.AreEqual(long.MinValue, n.Attr["neg"].I);
        Assert.AreEqual(15L, n.Attr["oct"].I);
        Assert.AreEqual(2.5f, n.Attr["fsuffix"].F);
        CollectionAssert.AreEqual(new byte[] { 0x41, 0x41, 9, (byte)'"', (byte)'\'', (byte)'\\', 0xc3, 0xa9 }, n.Attr["s"].S.ToByteArray());
        CollectionAssert.AreEqual(new[] { 1f, 2.5f, 1e10f }, n.Attr["l"].List.F.ToArray());
        CollectionAssert.AreEqual(new[] { true, false }, n.Attr["l"].List.B.ToArray());
        Assert.IsTrue(n.Attr["b"].B);
        Assert.AreEqual(21, g.Versions.Producer);
        CollectionAssert.AreEqual(new[] { 1, 2 }, g.Versions.BadConsumers.ToArray());
    }

    [TestMethod]
    public void PrinterMatchesTfLayout()
    {
        var g = ProtoText.Parse<GraphDef>("node { name: \"x\" op: \"Placeholder\" attr { key: \"shape\" value { shape { } } } attr { key: \"dtype\" value { type: DT_FLOAT } } } versions { producer: 21 }");
        const string expected = "node {\n  name: \"x\"\n  op: \"Placeholder\"\n  attr {\n    key: \"dtype\"\n    value {\n      type: DT_FLOAT\n    }\n  }\n  attr {\n    key: \"shape\"\n    value {\n      shape {\n      }\n    }\n  }\n}\nversions {\n  producer: 21\n}\n";
        Assert.AreEqual(expected, ProtoText.Print(g), "fields in number order, map keys sorted, empty messages kept");
        var a = new AttrValue { S = ByteString.CopyFrom(0, 7, 31, 127, 128, 255, (byte)'\'', (byte)'\n', (byte)'\r') };
        Assert.AreEqual("s: \"\\000\\007\\037\\177\\200\\377\\'\\n\\r\"\n", ProtoText.Print(a));
        Assert.AreEqual("s: \"\"\n", ProtoText.Print(new AttrValue { S = ByteString.Empty }), "a set oneof member prints even when empty");
        Assert.AreEqual("i: 0\n", ProtoText.Print(new AttrValue { I = 0 }));
        Assert.AreEqual("", ProtoText.Print(new CheckpointState()), "proto3 defaults are omitted");
    }

    [TestMethod]
    [DataRow(0.1f, "0.1", "0.10000000149011612", "0.10000000149", "0.1")]
    [DataRow(1f, "1", "1.0", "1.0", "1.0")]
    [DataRow(1e-5f, "1e-05", "9.999999747378752e-06", "9.99999974738e-06", "1e-05")]
    [DataRow(0.0001f, "0.0001", "9.999999747378752e-05", "9.99999974738e-05", "0.0001")]
    [DataRow(16777216f, "16777216", "16777216.0", "16777216.0", "16777216.0")]
    [DataRow(1e20f, "1e+20", "1.0000000200408773e+20", "1.00000002004e+20", "1e+20")]
    [DataRow(-0.95f, "-0.95", "-0.949999988079071", "-0.949999988079", "-0.95")]
    [DataRow(0f, "0", "0.0", "0.0", "0.0")]
    [DataRow(float.PositiveInfinity, "inf", "inf", "inf", "inf")]
    [DataRow(float.NegativeInfinity, "-inf", "-inf", "-inf", "-inf")]
    [DataRow(3.4028235e38f, "3.40282347e+38", "3.4028234663852886e+38", "3.40282346639e+38", "3.4028235e+38")]
    public void FloatSpellingsFollowEachPrinter(float v, string cpp, string py3, string py2, string pyShortest)
    {
        string Print(TextFloatStyle s) => ProtoText.Print(new AttrValue { F = v }, s).TrimEnd('\n')[3..];
        Assert.AreEqual(cpp, Print(TextFloatStyle.Cpp));
        Assert.AreEqual(py3, Print(TextFloatStyle.Python3));
        Assert.AreEqual(py2, Print(TextFloatStyle.Python2));
        Assert.AreEqual(pyShortest, Print(TextFloatStyle.PythonShortest));
        Assert.AreEqual(v, ProtoText.Parse<AttrValue>(ProtoText.Print(new AttrValue { F = v }, TextFloatStyle.Cpp)).F, "Cpp spelling round-trips");
    }

    [TestMethod]
    public void DoublesUseDoublePrecision()
    {
        var h = new HistogramProto { Min = 0.1, Max = 1e100, Num = 3 };
        Assert.AreEqual("min: 0.1\nmax: 1e+100\nnum: 3\n", ProtoText.Print(h));
        Assert.AreEqual("min: 0.1\nmax: 1e+100\nnum: 3.0\n", ProtoText.Print(h, TextFloatStyle.Python3));
        Assert.AreEqual(h, ProtoText.Parse<HistogramProto>(ProtoText.Print(h)));
    }

    [TestMethod]
    public void ExpandedAnyParsesAndPrints()
    {
        const string text = "collection_def {\n  key: \"savers\"\n  value {\n    any_list {\n      value {\n        [type.googleapis.com/tensorflow.SaverDef] {\n          filename_tensor_name: \"save/Const:0\"\n          max_to_keep: 5\n          version: V2\n        }\n      }\n    }\n  }\n}\n";
        var m = ProtoText.Parse<MetaGraphDef>(text);
        var any = m.CollectionDef["savers"].AnyList.Value[0];
        Assert.AreEqual("type.googleapis.com/tensorflow.SaverDef", any.TypeUrl);
        var saver = any.Unpack<SaverDef>();
        Assert.AreEqual(5, saver.MaxToKeep);
        Assert.AreEqual(SaverDef.Types.CheckpointFormatVersion.V2, saver.Version);
        Assert.AreEqual(text, ProtoText.Print(m));
    }

    [TestMethod]
    [DataRow("node { name: \"a\" ", "1:18", "expected '}'")]
    [DataRow("node { nme: \"a\" }", "1:8", "no field named 'nme'")]
    [DataRow("node { name \"a\" }", "1:13", "expected ':'")]
    [DataRow("node { name: a }", "1:14", "expected a quoted string")]
    [DataRow("node {\n  name: \"a\n}", "2:9", "not closed")]
    [DataRow("versions { producer: 99999999999 }", "1:22", "out of range")]
    [DataRow("versions { producer: 1.5 }", "1:22", "expected an integer")]
    [DataRow("node { attr { key: \"T\" value { type: DT_NOPE } } }", "1:38", "no value named 'DT_NOPE'")]
    [DataRow("node { attr { key: \"T\" value { b: maybe } } }", "1:35", "expected true or false")]
    [DataRow("node { attr { kee: \"T\" } }", "1:15", "expected 'key' or 'value'")]
    [DataRow("node { name: \"\\q\" }", "1:14", "unknown escape")]
    [DataRow("node { name: \"\\777\" }", "1:14", "larger than a byte")]
    [DataRow("}", "1:1", "expected a field name")]
    [DataRow("node [ ", "1:8", "expected '{' or '<'")]
    [DataRow("node { [ext] { } }", "1:8", "extensions are not supported")]
    [DataRow("node { name: \"\\303\" }", "1:14", "valid UTF-8")]
    public void MalformedTextNamesLineColumnAndExpectation(string text, string position, string expected)
    {
        var e = Assert.ThrowsExactly<Core.InvalidArgumentException>(() => ProtoText.Parse<GraphDef>(text, "t.pbtxt"));
        StringAssert.Contains(e.Message, "t.pbtxt:" + position + ":");
        StringAssert.Contains(e.Message, expected);
    }

    [TestMethod]
    public void DeepNestingIsRefusedNotOverflowed()
    {
        var text = new StringBuilder();
        for (int i = 0; i < 5000; i++) text.Append("args { ");
        var e = Assert.ThrowsExactly<Core.InvalidArgumentException>(() => ProtoText.Parse<FullTypeDef>(text.ToString()));
        StringAssert.Contains(e.Message, "nested deeper");
    }
}
