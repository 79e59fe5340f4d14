using System.Text;
using GraphEngine.Runtime.Io.TensorBundle;
using GraphEngine.TestKit;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Session.Tests.Io;

/// <summary>The SSTable layer on its own: worked example bytes, key shortening, multi-block tables.</summary>
[TestClass]
public sealed class TableTests
{
    private static byte[] Build(IEnumerable<(byte[] Key, byte[] Value)> rows, TableOptions options)
    {
        using var ms = new MemoryStream();
        var builder = new TableBuilder(ms, "mem", options);
        foreach (var (k, v) in rows) builder.Add(k, v);
        builder.Finish();
        return ms.ToArray();
    }

    [TestMethod]
    public void CounterIndexMatchesTheWorkedExample()
    {
        // FORMATS.md §3.5, built from its key/value pairs.
        var header = Convert.FromHexString("08011a020801");
        var entry = Convert.FromHexString("080112002804" + "35a67b113a");
        var bytes = Build([([], header), (Encoding.ASCII.GetBytes("counter"), entry)], new TableOptions());
        Assert.HasCount(123, bytes);
        CollectionAssert.AreEqual(Convert.FromHexString("005fa01073"), bytes[0x26..0x2b]);
        CollectionAssert.AreEqual(Convert.FromHexString("0000000001000000" + "00c0f2a1b0"), bytes[0x2b..0x38]);
        CollectionAssert.AreEqual(Convert.FromHexString("000102640026" + "0000000001000000" + "0022b16103"), bytes[0x38..0x4b]);
        CollectionAssert.AreEqual(Convert.FromHexString("2b08380e"), bytes[0x4b..0x4f]);
        CollectionAssert.AreEqual(Convert.FromHexString("57fb808b247547db"), bytes[^8..]);
    }

    /// <summary>Rebuilding every tfdata .index from its rows gives TF's bytes (including the index-only Faster R-CNN file).</summary>
    [TestMethod]
    public void EveryTfIndexRebuildsByteForByte()
    {
        var files = Directory.EnumerateFiles(TfData.Path(), "*.index", SearchOption.AllDirectories).ToList();
        Assert.HasCount(12, files);
        foreach (var path in files)
        {
            var original = File.ReadAllBytes(path);
            var rows = TableReader.ReadAll(original, path, out var layout);
            var rebuilt = Build(rows, new TableOptions { Compression = layout.DataBlockCompression[0] });
            CollectionAssert.AreEqual(original, rebuilt, path);
        }
    }

    [TestMethod]
    public void KeyShorteningMatchesBytewiseComparatorRules()
    {
        static string Sep(string a, string b) => Encoding.Latin1.GetString(KeyShortening.ShortestSeparator(Encoding.Latin1.GetBytes(a), Encoding.Latin1.GetBytes(b)));
        Assert.AreEqual("b", Sep("abc", "c"));
        Assert.AreEqual("abc", Sep("abc", "abd"));     // adjacent bytes: cannot shorten
        Assert.AreEqual("abc", Sep("abc", "abcdef"));  // prefix: unchanged
        Assert.AreEqual("ab\u00ffx", Sep("ab\u00ffx", "ac")); // 'b'+1 is not < 'c'
        Assert.AreEqual("abd", Sep("abc1", "abe"));
        Assert.AreEqual("d", Encoding.ASCII.GetString(KeyShortening.ShortSuccessor("counter"u8)));
        Assert.AreEqual("c", Encoding.ASCII.GetString(KeyShortening.ShortSuccessor("beta2_power"u8)));
        CollectionAssert.AreEqual(new byte[] { 0xFF, 0xFF }, KeyShortening.ShortSuccessor([0xFF, 0xFF]));
        CollectionAssert.AreEqual(new byte[] { 0xFF, 0x02 }, KeyShortening.ShortSuccessor([0xFF, 0x01, 0x07]));
    }

    [TestMethod]
    [DataRow(BlockCompression.None)]
    [DataRow(BlockCompression.Snappy)]
    public void ManyBlocksRoundTrip(BlockCompression compression)
    {
        var rows = Enumerable.Range(0, 3000)
            .Select(i => (Key: Encoding.UTF8.GetBytes($"layer_{i / 100:D3}/sub/kernel_{i:D5}{(i % 7 == 0 ? "é" : "")}"), Value: Encoding.ASCII.GetBytes(new string('v', i % 50))))
            .OrderBy(r => r.Key, Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))).ToList();
        var bytes = Build(rows, new TableOptions { BlockSize = 4096, Compression = compression });
        var read = TableReader.ReadAll(bytes, "mem", out var layout);
        Assert.IsGreaterThan(10, layout.DataBlockCount);
        Assert.HasCount(rows.Count, read);
        for (int i = 0; i < rows.Count; i++)
        {
            CollectionAssert.AreEqual(rows[i].Key, read[i].Key);
            CollectionAssert.AreEqual(rows[i].Value, read[i].Value);
        }
        if (compression == BlockCompression.Snappy) Assert.Contains(BlockCompression.Snappy, layout.DataBlockCompression);
        // Restart points every 16 entries.
        Assert.IsTrue(layout.DataBlockRestartCounts.All(c => c >= 1));
    }

    [TestMethod]
    public void BuilderRejectsUnsortedKeys()
    {
        using var ms = new MemoryStream();
        var builder = new TableBuilder(ms, "mem", new TableOptions());
        builder.Add("b"u8, []);
        Assert.ThrowsExactly<GraphEngine.Ops.Core.InvalidArgumentException>(() => builder.Add("a"u8, []));
        Assert.ThrowsExactly<GraphEngine.Ops.Core.InvalidArgumentException>(() => builder.Add("b"u8, []));
    }
}
