using System.IO.Compression;
using GraphEngine.Data;
using GraphEngine.Ops.Core;
using GraphEngine.TestKit;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Data;

[TestClass]
public sealed class MnistTests
{
    /// <summary>The repository's data/mnist-10k, else shared/datasets/mnist-10k beside shared/tfdata; Inconclusive when absent.</summary>
    private static string MnistDir()
    {
        if (BundledMnist.RepoDir() is { } inRepo) return inRepo;
        var root = TfData.Root;
        var dir = root == null ? null : Path.GetFullPath(Path.Combine(root, "..", "datasets", "mnist-10k"));
        if (dir == null || !File.Exists(Path.Combine(dir, "train-images-idx3-ubyte.gz")))
            Assert.Inconclusive("shared/datasets/mnist-10k was not found beside shared/tfdata; this test did not run.");
        return dir!;
    }

    private static string Temp(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "ge-mnist-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }

    [TestMethod]
    public void Reads_the_real_files_with_the_documented_counts()
    {
        var dir = MnistDir();
        var (pixels, n, rows, cols) = Mnist.ReadImages(Path.Combine(dir, "train-images-idx3-ubyte.gz"));
        Assert.AreEqual((8000, 28, 28), (n, rows, cols));
        Assert.AreEqual(8000 * 784, pixels.Length);
        Assert.IsTrue(pixels.Any(p => p == 255) && pixels.Any(p => p == 0));
        var labels = Mnist.ReadLabels(Path.Combine(dir, "train-labels-idx1-ubyte.gz"));
        // README: class counts, train: 0:810 1:913 2:786 3:805 4:799 5:685 6:807 7:862 8:745 9:788.
        CollectionAssert.AreEqual(new[] { 810, 913, 786, 805, 799, 685, 807, 862, 745, 788 },
            Enumerable.Range(0, 10).Select(c => labels.Count(l => l == c)).ToArray());
        var test = Mnist.ReadLabels(Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"));
        Assert.AreEqual(2000, test.Length);
        Assert.AreEqual(191, test.Count(l => l == 0));
    }

    [TestMethod]
    public void Read_data_sets_splits_scales_one_hots_and_batches_reproducibly()
    {
        var ds = Mnist.read_data_sets(MnistDir(), one_hot: true, validation_size: 1000, seed: 7);
        Assert.AreEqual(7000, ds.train.num_examples);
        Assert.AreEqual(1000, ds.validation.num_examples);
        Assert.AreEqual(2000, ds.test.num_examples);
        var images = ds.test.images;
        CollectionAssert.AreEqual(new long[] { 2000, 784 }, images.shape.Select(d => (long)d).ToArray());
        var flat = images.ToArray<float>();
        Assert.AreEqual(1f, flat.Max());
        Assert.AreEqual(0f, flat.Min());
        var labels = ds.test.labels.ToArray<float>();
        Assert.AreEqual(2000f, labels.Sum(), "one 1 per row");

        var (x, y) = ds.train.next_batch(100);
        CollectionAssert.AreEqual(new long[] { 100, 784 }, x.shape.Select(d => (long)d).ToArray());
        CollectionAssert.AreEqual(new long[] { 100, 10 }, y.shape.Select(d => (long)d).ToArray());
        var again = Mnist.read_data_sets(MnistDir(), one_hot: true, validation_size: 1000, seed: 7).train.next_batch(100);
        CollectionAssert.AreEqual(x.ToArray<float>(), again.images.ToArray<float>(), "same seed, same batch");
    }

    [TestMethod]
    public void Next_batch_crosses_epochs_like_tf_or_drops_the_remainder()
    {
        // 10 examples whose pixel value is their index, so batches show which examples they hold.
        var pixels = Enumerable.Range(0, 10).Select(i => (byte)i).ToArray();
        var labels = Enumerable.Range(0, 10).Select(i => (byte)(i % 10)).ToArray();
        var ds = new DataSet(pixels, labels, 1, 1, seed: 1);
        var seen = new List<byte>();
        for (int i = 0; i < 3; i++) seen.AddRange(ds.next_batch(3).labels.ToArray<byte>());
        Assert.AreEqual(0, ds.epochs_completed);
        CollectionAssert.AllItemsAreUnique(seen, "one epoch is a permutation");
        var (_, crossing) = ds.next_batch(3);   // 1 left from epoch 0 + 2 from epoch 1
        Assert.AreEqual(1, ds.epochs_completed);
        Assert.AreEqual(3, crossing.size);
        CollectionAssert.Contains(crossing.ToArray<byte>(), Enumerable.Range(0, 10).Select(i => (byte)i).Except(seen).Single());

        var dropping = new DataSet(pixels, labels, 1, 1, seed: 1);
        for (int i = 0; i < 3; i++) dropping.next_batch(3, drop_last: true);
        var (_, fresh) = dropping.next_batch(3, drop_last: true);
        Assert.AreEqual(1, dropping.epochs_completed);
        Assert.AreEqual(3, fresh.size);

        var ordered = new DataSet(pixels, labels, 1, 1);
        CollectionAssert.AreEqual(new byte[] { 0, 1, 2, 3 }, ordered.next_batch(4, shuffle: false).labels.ToArray<byte>());
        Assert.ThrowsExactly<InvalidArgumentException>(() => ordered.next_batch(11));
    }

    private static byte[] Header(int magic, params int[] dims)
    {
        var b = new List<byte>();
        void Be(int v) => b.AddRange(new[] { (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v });
        Be(magic);
        foreach (var d in dims) Be(d);
        return b.ToArray();
    }

    [TestMethod]
    public void Corrupt_files_are_DataLoss_naming_the_file()
    {
        var path = Temp("bad-images");
        File.WriteAllBytes(path, [.. Header(2049, 1, 2, 2), 1, 2, 3, 4]);
        var e = Assert.ThrowsExactly<DataLossException>(() => Mnist.ReadImages(path));
        StringAssert.Contains(e.Message, $"Invalid magic number 2049 in MNIST image file: {path}");

        File.WriteAllBytes(path, [.. Header(2051, 2, 2, 2), 1, 2, 3, 4, 5]);
        e = Assert.ThrowsExactly<DataLossException>(() => Mnist.ReadImages(path));
        StringAssert.Contains(e.Message, $"{path}: IDX data is 5 bytes, expected 8 for dimensions [2, 2, 2] (file truncated)");

        File.WriteAllBytes(path, [.. Header(2049, 2), 1, 2, 3]);
        e = Assert.ThrowsExactly<DataLossException>(() => Mnist.ReadLabels(path));
        StringAssert.Contains(e.Message, "(trailing bytes)");

        File.WriteAllBytes(path, [.. Header(2049, 2), 1, 12]);
        e = Assert.ThrowsExactly<DataLossException>(() => Mnist.ReadLabels(path));
        StringAssert.Contains(e.Message, "label 1 is 12, expected 0-9");

        File.WriteAllBytes(path, [0x08, 0x03, 0]);
        e = Assert.ThrowsExactly<DataLossException>(() => Idx.Read(path));
        StringAssert.Contains(e.Message, "too short for an IDX header");

        File.WriteAllBytes(path, [0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7]);
        e = Assert.ThrowsExactly<DataLossException>(() => Idx.Read(path));
        StringAssert.Contains(e.Message, $"{path}: corrupt gzip stream");

        Assert.ThrowsExactly<NotFoundException>(() => Idx.Read(path + ".missing"));
    }

    [TestMethod]
    public void Raw_and_gzip_files_read_the_same()
    {
        byte[] content = [.. Header(2051, 1, 2, 3), 0, 1, 2, 253, 254, 255];
        var raw = Temp("images");
        File.WriteAllBytes(raw, content);
        var gz = raw + ".gz";
        using (var f = File.Create(gz))
        using (var z = new GZipStream(f, CompressionLevel.Fastest)) z.Write(content);
        var a = Mnist.ReadImages(raw);
        var b = Mnist.ReadImages(gz);
        CollectionAssert.AreEqual(a.Pixels, b.Pixels);
        Assert.AreEqual((1, 2, 3), (b.Count, b.Rows, b.Cols));
    }
}
