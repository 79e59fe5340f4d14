using GraphEngine.Ops.Model;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Model;

/// <summary>Structural equality of two of our GraphDefs, failing with the first difference.</summary>
internal static class GraphEquality
{
    public static void AssertEqual(GraphDef expected, GraphDef actual, string what)
    {
        Assert.AreEqual(expected.Producer, actual.Producer, $"{what}: producer");
        Assert.AreEqual(expected.MinConsumer, actual.MinConsumer, $"{what}: min_consumer");
        CollectionAssert.AreEqual(expected.BadConsumers, actual.BadConsumers, $"{what}: bad_consumers");
        // Libraries compare as messages: map entries may be re-ordered by a text round trip.
        Assert.AreEqual(expected.LibraryBytes == null, actual.LibraryBytes == null, $"{what}: library presence");
        if (expected.LibraryBytes != null)
            Assert.AreEqual(Proto.FunctionDefLibrary.Parser.ParseFrom(expected.LibraryBytes), Proto.FunctionDefLibrary.Parser.ParseFrom(actual.LibraryBytes!), $"{what}: library");
        Assert.AreEqual(expected.Count, actual.Count, $"{what}: node count");
        for (int i = 0; i < expected.Count; i++)
        {
            NodeDef e = expected[i], a = actual[i];
            string at = $"{what}: node {i} '{e.Name}'";
            Assert.AreEqual(e.Name, a.Name, at);
            Assert.AreEqual(e.Op, a.Op, at);
            Assert.AreEqual(e.Device, a.Device, at);
            CollectionAssert.AreEqual(e.Input, a.Input, at + " inputs");
            CollectionAssert.AreEqual(e.Attr.Keys.ToList(), a.Attr.Keys.ToList(), at + " attr names");
            foreach (var kv in e.Attr)
                Assert.IsTrue(kv.Value.Equals(a.Attr[kv.Key]), $"{at} attr '{kv.Key}': {kv.Value} vs {a.Attr[kv.Key]}");
        }
    }
}
