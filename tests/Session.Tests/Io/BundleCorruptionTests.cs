using System.Buffers.Binary;
using Google.Protobuf;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Proto;
using GraphEngine.Runtime.Io;
using GraphEngine.Runtime.Io.TensorBundle;
using GraphEngine.TestKit;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Session.Tests.Io;

/// <summary>
/// Damaged checkpoints must fail with DataLoss / InvalidArgument naming the file (or the tensor),
/// never crash, hang or try to allocate what a corrupt header claims.
/// </summary>
[TestClass]
public sealed class BundleCorruptionTests
{
    /// <summary>Copies a tfdata checkpoint (index + data shards) into <paramref name="dir"/>; returns the new prefix.</summary>
    private static string CopyCheckpoint(string prefix, string dir)
    {
        string name = Path.GetFileName(prefix);
        foreach (var f in Directory.GetFiles(Path.GetDirectoryName(prefix)!, name + ".*"))
            if (f.EndsWith(".index", StringComparison.Ordinal) || f.Contains(".data-", StringComparison.Ordinal))
                File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        return Path.Combine(dir, name);
    }

    private static string Houseprices => Path.Combine(TfData.Path("houseprices-dnn-adam-tf1.10"), "model.ckpt");

    private static string HalfPlusTwoSnappy => Path.Combine(TfData.Path("tf-serving-savedmodels", "half_plus_two_tf1.14", "00000123", "variables"), "variables");

    /// <summary>Opens and reads everything; any failure must be a typed error naming the index or data file.</summary>
    private static void OpenAndReadAllOrFailCleanly(string prefix, byte[] index, string context)
    {
        CheckpointReader reader;
        try { reader = new CheckpointReader(BundleReader.Parse(prefix, index)); }
        catch (Exception e) when (e is DataLossException or InvalidArgumentException)
        {
            StringAssert.Contains(e.Message, prefix, context);
            return;
        }
        catch (Exception e) { throw new AssertFailedException($"{context}: open threw {e.GetType().Name}: {e.Message}", e); }
        foreach (var key in reader.Keys)
        {
            try { reader.GetTensor(key); }
            catch (GraphEngineException e) when (e is not InternalException)
            {
                StringAssert.Contains(e.Message, prefix, context);
            }
            catch (Exception e) { throw new AssertFailedException($"{context}: reading '{key}' threw {e.GetType().Name}: {e.Message}", e); }
        }
    }

    [TestMethod]
    public void TruncatedIndex()
    {
        using var tmp = new TempDir();
        string prefix = CopyCheckpoint(Houseprices, tmp.Path);
        var original = File.ReadAllBytes(prefix + ".index");
        foreach (int length in new[] { 0, 1, 8, 47, 48, 100, original.Length / 2, original.Length - 49, original.Length - 8, original.Length - 1 })
        {
            File.WriteAllBytes(prefix + ".index", original[..length]);
            var e = Assert.ThrowsExactly<DataLossException>(() => CheckpointReader.Open(prefix), $"length {length}");
            StringAssert.Contains(e.Message, prefix + ".index");
        }
    }

    [TestMethod]
    public void WrongMagic()
    {
        using var tmp = new TempDir();
        string prefix = CopyCheckpoint(Houseprices, tmp.Path);
        var bytes = File.ReadAllBytes(prefix + ".index");
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(prefix + ".index", bytes);
        var e = Assert.ThrowsExactly<DataLossException>(() => CheckpointReader.Open(prefix));
        StringAssert.Contains(e.Message, "magic");
        StringAssert.Contains(e.Message, prefix + ".index");
    }

    [TestMethod]
    public void EveryFlippedIndexByteFailsCleanly()
    {
        using var tmp = new TempDir();
        foreach (var source in new[] { Houseprices, HalfPlusTwoSnappy })
        {
            string prefix = CopyCheckpoint(source, tmp.Path);
            var original = File.ReadAllBytes(prefix + ".index");
            int detected = 0;
            for (int i = 0; i < original.Length; i++)
            {
                var bytes = (byte[])original.Clone();
                bytes[i] ^= 0x5A;
                try { BundleReader.Parse(prefix, bytes); }
                catch (DataLossException e) { StringAssert.Contains(e.Message, prefix + ".index"); detected++; continue; }
                // Only the zero padding of the footer is not covered by a checksum or a check.
                int footer = original.Length - TableFormat.FooterLength;
                Assert.IsTrue(i >= footer + 4 && i < original.Length - 8, $"{source}: flipped byte {i} went unnoticed");
            }
            Assert.IsGreaterThan(original.Length - 48, detected);
            foreach (var f in Directory.GetFiles(tmp.Path)) File.Delete(f);
        }
    }

    /// <summary>Mutations with a recomputed block CRC reach the block parser and the Snappy decoder.</summary>
    [TestMethod]
    public void MutatedBlocksWithValidChecksumsFailCleanly()
    {
        using var tmp = new TempDir();
        foreach (var source in new[] { Houseprices, HalfPlusTwoSnappy })
        {
            string prefix = CopyCheckpoint(source, tmp.Path);
            var original = File.ReadAllBytes(prefix + ".index");
            var rows = TableReader.ReadAll(original, "x", out var layout);
            var (_, indexHandle) = TableFormat.DecodeFooter(original, "x");
            // Data block 0 starts at offset 0; its size is what precedes the metaindex minus its trailer.
            int pos = 0;
            var (indexContents, _) = TableFormat.ReadBlock(original, indexHandle, "x", "index");
            var dataHandle = BlockHandle.Decode(new BlockReader(indexContents, "x", "index").Entries()[0].Value, ref pos, "x", "h");
            int size = (int)dataHandle.Size;
            var rng = new Random(1);
            for (int trial = 0; trial < 600; trial++)
            {
                var bytes = (byte[])original.Clone();
                int at = trial < size ? trial : rng.Next(size);
                bytes[at] = trial < size ? (byte)(bytes[at] ^ 0xFF) : (byte)rng.Next(256);
                uint crc = Crc32C.Extend(Crc32C.Compute(bytes.AsSpan(0, size)), bytes.AsSpan(size, 1));
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(size + 1), Crc32C.Mask(crc));
                OpenAndReadAllOrFailCleanly(prefix, bytes, $"{source}: block byte {at}");
            }
            foreach (var f in Directory.GetFiles(tmp.Path)) File.Delete(f);
        }
    }

    [TestMethod]
    public void SnappyLengthClaimIsBoundedBeforeAllocation()
    {
        var e = Assert.ThrowsExactly<DataLossException>(() => SnappyBlock.Decompress([0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00], "f.index", "data block 0", 0));
        StringAssert.Contains(e.Message, "f.index");
        Assert.ThrowsExactly<DataLossException>(() => SnappyBlock.Decompress([0x80], "f.index", "data block 0", 0));
        Assert.ThrowsExactly<DataLossException>(() => SnappyBlock.Decompress([0x10, 0xF0, 0x01], "f.index", "data block 0", 0));
    }

    [TestMethod]
    public void FlippedTensorByteIsDataLossNamingTensorAndFile()
    {
        using var tmp = new TempDir();
        string prefix = CopyCheckpoint(Houseprices, tmp.Path);
        string data = prefix + ".data-00000-of-00001";
        var bytes = File.ReadAllBytes(data);
        bytes[3200 + 17] ^= 0x04; // inside Variable/Adam
        File.WriteAllBytes(data, bytes);
        var reader = CheckpointReader.Open(prefix);
        var e = Assert.ThrowsExactly<DataLossException>(() => reader.GetTensor("Variable/Adam"));
        StringAssert.Contains(e.Message, "Variable/Adam");
        StringAssert.Contains(e.Message, data);
        reader.GetTensor("Variable"); // neighbours are intact

        File.WriteAllBytes(data, bytes[..10000]);
        e = Assert.ThrowsExactly<DataLossException>(() => reader.GetTensor("beta2_power"));
        StringAssert.Contains(e.Message, "beta2_power");
        StringAssert.Contains(e.Message, data);
    }

    /// <summary>Index entries that lie about sizes, offsets, shapes and shards.</summary>
    [TestMethod]
    public void HugeOrInconsistentDeclarationsAreRejectedBeforeAllocating()
    {
        using var tmp = new TempDir();
        string prefix = Path.Combine(tmp.Path, "lies");
        File.WriteAllBytes(prefix + ".data-00000-of-00001", new byte[64]);
        static TensorShapeProto Shape(params long[] dims)
        {
            var s = new TensorShapeProto();
            foreach (var d in dims) s.Dim.Add(new TensorShapeProto.Types.Dim { Size = d });
            return s;
        }
        var entries = new SortedDictionary<string, BundleEntryProto>(StringComparer.Ordinal)
        {
            ["huge_size"] = new() { Dtype = DataType.DtFloat, Shape = Shape(1L << 40), Size = 4L << 40 },
            ["huge_offset"] = new() { Dtype = DataType.DtFloat, Shape = Shape(4), Offset = long.MaxValue - 2, Size = 16 },
            ["negative_offset"] = new() { Dtype = DataType.DtFloat, Shape = Shape(4), Offset = -5, Size = 16 },
            ["overflowing_shape"] = new() { Dtype = DataType.DtFloat, Shape = Shape(1L << 40, 1L << 40), Size = 16 },
            ["negative_dim"] = new() { Dtype = DataType.DtFloat, Shape = Shape(-1), Size = 0 },
            ["size_mismatch"] = new() { Dtype = DataType.DtFloat, Shape = Shape(4), Size = 12 },
            ["bad_shard"] = new() { Dtype = DataType.DtFloat, Shape = Shape(1), ShardId = 3, Size = 4 },
            ["string_count"] = new() { Dtype = DataType.DtString, Shape = Shape(1L << 40), Size = 64 },
            ["string_short"] = new() { Dtype = DataType.DtString, Shape = Shape(1), Size = 3 },
            ["string_len"] = new() { Dtype = DataType.DtString, Shape = Shape(), Size = 0 },
        };
        using (var index = File.Create(prefix + ".index"))
        {
            var table = new TableBuilder(index, "x");
            table.Add([], new BundleHeaderProto { NumShards = 1, Version = new VersionDef { Producer = 1 } }.ToByteArray());
            foreach (var (k, v) in entries) table.Add(System.Text.Encoding.UTF8.GetBytes(k), v.ToByteArray());
            table.Finish();
        }
        var reader = CheckpointReader.Open(prefix);
        foreach (var key in entries.Keys)
        {
            var e = Assert.ThrowsExactly<DataLossException>(() => reader.GetTensor(key), key);
            StringAssert.Contains(e.Message, key, key);
            Assert.IsTrue(e.Message.Contains(prefix, StringComparison.Ordinal), $"{key}: {e.Message}");
        }

        // A header that claims shards it does not have, or needs a newer reader.
        foreach (var header in new[] { new BundleHeaderProto { NumShards = 0 }, new BundleHeaderProto { NumShards = 1, Version = new VersionDef { Producer = 5, MinConsumer = 4 } } })
        {
            using (var index = File.Create(prefix + ".index"))
            {
                var table = new TableBuilder(index, "x");
                table.Add([], header.ToByteArray());
                table.Finish();
            }
            var e = Assert.Throws<GraphEngineException>(() => CheckpointReader.Open(prefix));
            Assert.IsTrue(e is DataLossException or InvalidArgumentException, e.GetType().Name);
            StringAssert.Contains(e.Message, prefix + ".index");
        }
    }
}
