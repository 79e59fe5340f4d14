using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model.Serialization;
using GraphEngine.Ops.Model.TextFormat;
using GraphEngine.TestKit;
using Google.Protobuf;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using PAttr = GraphEngine.Ops.Proto.AttrValue;

namespace GraphEngine.Ops.Tests.Model;

[TestClass]
public sealed class AttrValueConverterTests
{
    private static readonly NameAttrList Func = new("f", new Dictionary<string, AttrValue> { ["T"] = DType.Float, ["n"] = 3L });

    public static IEnumerable<object[]> AllKinds() => new (string Name, AttrValue Value)[]
    {
        ("s", "hello"), ("s-bytes", AttrValue.OfBytes([0, 255])), ("i", -7L), ("f", 0.25f), ("b", true), ("type", DType.Int64),
        ("shape", new TensorShape(-1, 3)), ("shape-unknown", TensorShape.Unknown), ("tensor", HostTensor.FromArray(new[] { 1f, 2f }, 2)),
        ("func", AttrValue.Of(Func)), ("placeholder", AttrValue.PlaceholderOf("T")),
        ("list-s", AttrValue.OfStrings(["a", "b"])), ("list-i", AttrValue.Of(new long[] { 1, 2 })),
        ("list-f", AttrValue.Of(new[] { 1.5f })), ("list-b", AttrValue.Of(new[] { true, false })),
        ("list-type", AttrValue.Of(new[] { DType.Float, DType.String })), ("list-shape", AttrValue.Of(new[] { TensorShape.Scalar, new TensorShape(2) })),
        ("list-tensor", AttrValue.Of(new[] { HostTensor.Scalar(3) })), ("list-func", AttrValue.Of(new[] { Func })),
        ("list-empty", AttrValue.EmptyList(AttrKind.ListInt)),
    }.Select(c => new object[] { c.Name, c.Value });

    [TestMethod]
    [DynamicData(nameof(AllKinds))]
    public void EveryKindRoundTripsThroughBinaryAndText(string name, AttrValue value)
    {
        var p = AttrValueConverter.ToProto(value);
        var viaBinary = AttrValueConverter.ToAttrValue(PAttr.Parser.ParseFrom(p.ToByteArray()));
        Assert.IsTrue(value.Equals(viaBinary), $"{name}: binary {value} vs {viaBinary}");
        var viaText = AttrValueConverter.ToAttrValue(ProtoText.Parse<PAttr>(ProtoText.Print(p)));
        Assert.IsTrue(value.Equals(viaText), $"{name}: text {value} vs {viaText}");
        Assert.AreEqual(value.IsList, p.ValueCase == PAttr.ValueOneofCase.List, name);
    }

    [TestMethod]
    public void ProtoSpellingsMatchTf()
    {
        Assert.AreEqual("list {\n}\n", ProtoText.Print(AttrValueConverter.ToProto(AttrValue.EmptyList(AttrKind.ListType))));
        Assert.AreEqual("func {\n  name: \"f\"\n  attr {\n    key: \"T\"\n    value {\n      type: DT_FLOAT\n    }\n  }\n  attr {\n    key: \"n\"\n    value {\n      i: 3\n    }\n  }\n}\n",
            ProtoText.Print(AttrValueConverter.ToProto(AttrValue.Of(Func))));
        Assert.AreEqual("placeholder: \"T\"\n", ProtoText.Print(AttrValueConverter.ToProto(AttrValue.PlaceholderOf("T"))));
    }

    /// <summary>Every binary TF proto file survives binary → text → binary as the same message.</summary>
    [TestMethod]
    [DataRow("mnist-softmax-tf1.3/model.ckpt.meta")]
    [DataRow("houseprices-dnn-adam-tf1.10/model.ckpt.meta")]
    [DataRow("wine-dnnclassifier-estimator-tf1.4/model.ckpt-3374.meta")]
    [DataRow("htru2-dnn-rmsprop-estimator-tf1.7/model.ckpt-14318.meta")]
    [DataRow("mnist-mlp-dropout-tf1.14/model.ckpt.meta")]
    [DataRow("tf-serving-savedmodels/legacy_v1_session_bundle_half_plus_two/00000123/export.meta")]
    public void MetaGraphSurvivesTextRoundTrip(string file)
    {
        var path = TfData.Path(file.Split('/'));
        var meta = ProtoFile.ReadBinary<Proto.MetaGraphDef>(path);
        var back = ProtoText.Parse<Proto.MetaGraphDef>(ProtoText.Print(meta), file);
        // An Any of a known type is printed expanded, so its payload comes back re-serialized by
        // us (TF's old writer put map entries in hash order); compare those payloads as messages.
        var (a, b) = (meta.Clone(), back.Clone());
        foreach (var key in a.CollectionDef.Keys.ToList())
        {
            if (a.CollectionDef[key].KindCase != Proto.CollectionDef.KindOneofCase.AnyList) continue;
            var xs = a.CollectionDef[key].AnyList.Value;
            var ys = b.CollectionDef[key].AnyList.Value;
            Assert.AreEqual(xs.Count, ys.Count, $"{file}: collection {key}");
            for (int i = 0; i < xs.Count; i++)
            {
                Assert.AreEqual(xs[i].TypeUrl, ys[i].TypeUrl, $"{file}: collection {key}[{i}]");
                var type = ProtoText.Registry.Find(Google.Protobuf.WellKnownTypes.Any.GetTypeName(xs[i].TypeUrl));
                if (type == null) Assert.AreEqual(xs[i], ys[i], $"{file}: collection {key}[{i}]");
                else Assert.AreEqual(type.Parser.ParseFrom(xs[i].Value), type.Parser.ParseFrom(ys[i].Value), $"{file}: collection {key}[{i}] as {type.FullName}");
            }
            xs.Clear();
            ys.Clear();
        }
        Assert.AreEqual(a, b, file);
    }

    [TestMethod]
    [DataRow("tf-serving-savedmodels/counter_tf1.5/00000123/saved_model.pb")]
    [DataRow("tf-serving-savedmodels/half_plus_three_tf1.0/00000123/saved_model.pb")]
    [DataRow("tf-serving-savedmodels/half_plus_two_tf1.14/00000123/saved_model.pb")]
    [DataRow("tf-rust-binding-graphs/test_resources/regression-model/saved_model.pb")]
    public void SavedModelSurvivesTextRoundTrip(string file)
    {
        var path = TfData.Path(file.Split('/'));
        var sm = ProtoFile.ReadBinary<Proto.SavedModel>(path);
        Assert.AreEqual(sm, ProtoText.Parse<Proto.SavedModel>(ProtoText.Print(sm), file), file);
    }
}
