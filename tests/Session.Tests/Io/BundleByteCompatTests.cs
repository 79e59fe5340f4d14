using GraphEngine.Runtime.Io;
using GraphEngine.Runtime.Io.TensorBundle;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Session.Tests.Io;

/// <summary>
/// Reads each TF checkpoint, rewrites its tensors with our writer in TF's write order (shard,
/// then offset), and compares the files: .data bytes, every .index entry, and the whole .index.
/// </summary>
[TestClass]
public sealed class BundleByteCompatTests
{
    public TestContext TestContext { get; set; } = null!;

    public static IEnumerable<object[]> Folders => TfCheckpointReadTests.Folders.Where(f => (string)f[0] != "index-only-faster-rcnn-tf1.15");

    [TestMethod]
    [DynamicData(nameof(Folders))]
    public void RewriteIsByteIdentical(string folder)
    {
        foreach (var cp in TfCheckpointReadTests.Checkpoints(folder))
        {
            var tf = CheckpointReader.Open(cp.Prefix);
            using var tmp = new TempDir();
            string ours = Path.Combine(tmp.Path, "ckpt");
            var options = new BundleWriterOptions
            {
                NumShards = tf.Bundle.NumShards,
                Table = new TableOptions { Compression = cp.Snappy ? BlockCompression.Snappy : BlockCompression.None },
            };
            using (var writer = new BundleWriter(ours, options))
            {
                foreach (var key in tf.Keys.OrderBy(k => tf.Bundle.GetEntry(k).ShardId).ThenBy(k => tf.Bundle.GetEntry(k).Offset))
                    writer.Add(key, tf.GetTensor(key), tf.Bundle.GetEntry(key).ShardId);
                writer.Finish();
            }
            for (int s = 0; s < tf.Bundle.NumShards; s++)
                CollectionAssert.AreEqual(File.ReadAllBytes(tf.Bundle.DataPath(s)), File.ReadAllBytes(BundleNaming.DataFile(ours, s, tf.Bundle.NumShards)), $"{cp.Prefix}: data shard {s}");

            var mine = BundleReader.Open(ours);
            Assert.AreEqual(tf.Bundle.Header, mine.Header, cp.Prefix);
            CollectionAssert.AreEqual(tf.Keys.ToList(), mine.Keys.ToList(), cp.Prefix);
            foreach (var key in tf.Keys)
                Assert.AreEqual(tf.Bundle.GetEntry(key), mine.GetEntry(key), $"{cp.Prefix}: entry {key}");

            var expected = File.ReadAllBytes(BundleNaming.IndexFile(cp.Prefix));
            var actual = File.ReadAllBytes(BundleNaming.IndexFile(ours));
            int diff = FirstDifference(expected, actual);
            TestContext.WriteLine($"{cp.Prefix}.index: TF {expected.Length} bytes, ours {actual.Length} bytes, {(diff < 0 ? "identical" : $"first difference at byte {diff}")}");
            Assert.AreEqual(-1, diff, $"{cp.Prefix}.index differs from ours at byte {diff} (TF {expected.Length} bytes, ours {actual.Length})");
        }
    }

    internal static int FirstDifference(byte[] a, byte[] b)
    {
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++)
            if (a[i] != b[i]) return i;
        return a.Length == b.Length ? -1 : n;
    }
}

/// <summary>A scratch directory removed on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ge-bundle-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}
