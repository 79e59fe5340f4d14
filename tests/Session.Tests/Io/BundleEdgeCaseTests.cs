using System.Buffers.Binary;
using Google.Protobuf;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Proto;
using GraphEngine.Runtime.Io;
using GraphEngine.Runtime.Io.TensorBundle;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Session.Tests.Io;

/// <summary>Hand-built bundles for cases no TF file in tfdata has: big-endian data, partitioned variables.</summary>
[TestClass]
public sealed class BundleEdgeCaseTests
{
    private static void WriteIndex(string prefix, BundleHeaderProto header, IEnumerable<(byte[] Key, IMessage Value)> entries)
    {
        using var index = File.Create(prefix + ".index");
        var table = new TableBuilder(index, prefix + ".index");
        table.Add([], header.ToByteArray());
        foreach (var (k, v) in entries.OrderBy(e => e.Key, ByteComparer.Instance)) table.Add(k, v.ToByteArray());
        table.Finish();
    }

    private static TensorShapeProto Shape(params long[] dims)
    {
        var s = new TensorShapeProto();
        foreach (var d in dims) s.Dim.Add(new TensorShapeProto.Types.Dim { Size = d });
        return s;
    }

    [TestMethod]
    public void BigEndianBundleIsVerifiedThenByteSwapped()
    {
        using var tmp = new TempDir();
        string prefix = Path.Combine(tmp.Path, "be");
        var data = new byte[8 + 16];
        BinaryPrimitives.WriteInt32BigEndian(data, 1);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(4), -2);
        BinaryPrimitives.WriteDoubleBigEndian(data.AsSpan(8), 1.5);   // complex128 (1.5, -0.25)
        BinaryPrimitives.WriteDoubleBigEndian(data.AsSpan(16), -0.25);
        File.WriteAllBytes(BundleNaming.DataFile(prefix, 0, 1), data);
        WriteIndex(prefix, new BundleHeaderProto { NumShards = 1, Endianness = BundleHeaderProto.Types.Endianness.Big, Version = new VersionDef { Producer = 1 } },
        [
            ("ints"u8.ToArray(), new BundleEntryProto { Dtype = DataType.DtInt32, Shape = Shape(2), Size = 8, Crc32C = Crc32C.Mask(Crc32C.Compute(data.AsSpan(0, 8))) }),
            ("z"u8.ToArray(), new BundleEntryProto { Dtype = DataType.DtComplex128, Shape = Shape(), Offset = 8, Size = 16, Crc32C = Crc32C.Mask(Crc32C.Compute(data.AsSpan(8))) }),
        ]);
        var r = CheckpointReader.Open(prefix);
        CollectionAssert.AreEqual(new[] { 1, -2 }, r.GetTensor("ints").ToArray<int>());
        var z = r.GetTensor("z").ScalarValue<System.Numerics.Complex>();
        Assert.AreEqual(new System.Numerics.Complex(1.5, -0.25), z);
    }

    [TestMethod]
    public void SliceKeyEncodingVectors()
    {
        // Hand-derived from the OrderedCode rules: 00 | "w" 00 01 | rank 01 02 | (0, 2) = 80 82 | full = (0, -1) = 80 7F.
        var slice = new TensorSliceProto { Extent = { new TensorSliceProto.Types.Extent { Start = 0, Length = 2 }, new TensorSliceProto.Types.Extent() } };
        CollectionAssert.AreEqual(Convert.FromHexString("0077000101028082807F"), SliceKey.Encode("w", slice));
        static string Signed(long v) { var l = new List<byte>(); SliceKey.WriteSigned(l, v); return Convert.ToHexString(l.ToArray()); }
        Assert.AreEqual("80", Signed(0));
        Assert.AreEqual("7F", Signed(-1));
        Assert.AreEqual("BF", Signed(63));
        Assert.AreEqual("40", Signed(-64));
        Assert.AreEqual("C040", Signed(64));
        Assert.AreEqual("C064", Signed(100));
        Assert.AreEqual("3F9C", Signed(-100));
        Assert.AreEqual("DFFF", Signed(8191));
        Assert.AreEqual("E02000", Signed(8192));
        Assert.AreEqual("FFC07FFFFFFFFFFFFFFF", Signed(long.MaxValue));
        Assert.AreEqual("003F8000000000000000", Signed(long.MinValue));
        // Order preservation: encoded bytes sort like the numbers.
        long[] values = [long.MinValue, -1L << 40, -8193, -8192, -65, -64, -1, 0, 1, 63, 64, 8191, 8192, 1L << 40, long.MaxValue];
        var encoded = values.Select(v => { var l = new List<byte>(); SliceKey.WriteSigned(l, v); return l.ToArray(); }).ToList();
        for (int i = 1; i < encoded.Count; i++) Assert.IsLessThan(0, ByteComparer.Instance.Compare(encoded[i - 1], encoded[i]), $"{values[i - 1]} vs {values[i]}");
        var name = new List<byte>();
        SliceKey.WriteString(name, [0x61, 0x00, 0xFF]);
        Assert.AreEqual("6100FFFF000001", Convert.ToHexString(name.ToArray()));
        var num = new List<byte>();
        SliceKey.WriteUnsigned(num, 0);
        SliceKey.WriteUnsigned(num, 0x1234);
        Assert.AreEqual("00021234", Convert.ToHexString(num.ToArray()));
    }

    private static TensorSliceProto Slice(params (long Start, long Length)[] extents)
    {
        var s = new TensorSliceProto();
        foreach (var (start, length) in extents)
            s.Extent.Add(length < 0 ? new TensorSliceProto.Types.Extent() : new TensorSliceProto.Types.Extent { Start = start, Length = length });
        return s;
    }

    [TestMethod]
    public void PartitionedVariablesAreAssembledFromTheirSlices()
    {
        using var tmp = new TempDir();
        string prefix = Path.Combine(tmp.Path, "part");
        var data = new List<byte>();
        var rows = new List<(byte[] Key, IMessage Value)>();
        void AddSlice(string name, TensorSliceProto slice, float[] values, params long[] dims)
        {
            var bytes = values.SelectMany(BitConverter.GetBytes).ToArray();
            rows.Add((SliceKey.Encode(name, slice), new BundleEntryProto
            {
                Dtype = DataType.DtFloat, Shape = Shape(dims), Offset = data.Count, Size = bytes.Length, Crc32C = Crc32C.Mask(Crc32C.Compute(bytes)),
            }));
            data.AddRange(bytes);
        }
        // w: [4,3] split along dim 0 (full extent in dim 1); v: [2,5] split along dim 1.
        var w0 = Slice((0, 2), (0, -1));
        var w1 = Slice((2, 2), (0, -1));
        AddSlice("w", w0, [0, 1, 2, 3, 4, 5], 2, 3);
        AddSlice("w", w1, [6, 7, 8, 9, 10, 11], 2, 3);
        var v0 = Slice((0, -1), (0, 2));
        var v1 = Slice((0, -1), (2, 3));
        AddSlice("v", v1, [2, 3, 4, 7, 8, 9], 2, 3);
        AddSlice("v", v0, [0, 1, 5, 6], 2, 2);
        rows.Add(("w"u8.ToArray(), new BundleEntryProto { Dtype = DataType.DtFloat, Shape = Shape(4, 3), Slices = { w0, w1 } }));
        rows.Add(("v"u8.ToArray(), new BundleEntryProto { Dtype = DataType.DtFloat, Shape = Shape(2, 5), Slices = { v0, v1 } }));
        rows.Add(("gap"u8.ToArray(), new BundleEntryProto { Dtype = DataType.DtFloat, Shape = Shape(6, 3), Slices = { w0 } }));
        var o0 = Slice((0, 2), (0, -1));
        var o1 = Slice((1, 2), (0, -1));
        AddSlice("overlap", o0, [0, 1, 2, 3, 4, 5], 2, 3);
        AddSlice("overlap", o1, [0, 1, 2, 3, 4, 5], 2, 3);
        rows.Add(("overlap"u8.ToArray(), new BundleEntryProto { Dtype = DataType.DtFloat, Shape = Shape(4, 3), Slices = { o0, o1 } }));
        File.WriteAllBytes(BundleNaming.DataFile(prefix, 0, 1), data.ToArray());
        WriteIndex(prefix, new BundleHeaderProto { NumShards = 1, Version = new VersionDef { Producer = 1 } }, rows);

        var r = CheckpointReader.Open(prefix);
        CollectionAssert.AreEqual(new[] { "gap", "overlap", "v", "w" }, r.Keys.ToList());
        Assert.AreEqual(6, r.Bundle.SliceEntryCount);
        StringAssert.Contains(Assert.ThrowsExactly<DataLossException>(() => r.GetTensor("overlap")).Message, "overlap");
        Assert.AreEqual(new TensorShape(4, 3), r.GetVariableToShapeMap()["w"]);
        CollectionAssert.AreEqual(Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), r.GetTensor("w").ToArray<float>());
        CollectionAssert.AreEqual(Enumerable.Range(0, 10).Select(i => (float)i).ToArray(), r.GetTensor("v").ToArray<float>());
        // "gap" lists a slice stored under another name's key, so it is missing.
        var e = Assert.ThrowsExactly<DataLossException>(() => r.GetTensor("gap"));
        StringAssert.Contains(e.Message, "'gap'");
    }

    [TestMethod]
    public void CheckpointReaderApi()
    {
        using var tmp = new TempDir();
        string prefix = Path.Combine(tmp.Path, "model.ckpt-7");
        using (var w = new BundleWriter(prefix))
        {
            w.Add("global_step", HostTensor.Scalar(7L));
            w.Add("dense/kernel", HostTensor.FromArray(new float[6], 2, 3));
            w.Add("names", HostTensor.FromStrings(["a"u8.ToArray()], [1]));
            w.Finish();
        }
        var r = CheckpointReader.Open(prefix + ".index");
        Assert.AreEqual(prefix, r.Prefix);
        CollectionAssert.AreEqual(new[] { "dense/kernel", "global_step", "names" }, r.Keys.ToList());
        Assert.AreEqual("dense/kernel (float) [2,3]\nglobal_step (int64) []\nnames (string) [1]\n", r.DebugString());
        Assert.AreEqual(7L, r.get_tensor("global_step").ScalarValue<long>());
        Assert.IsTrue(r.has_tensor("names"));
        Assert.AreEqual(DType.Int64, r.get_variable_to_dtype_map()["global_step"]);
        Assert.AreEqual(TensorShape.Scalar, r.get_variable_to_shape_map()["global_step"]);
        CollectionAssert.AreEqual("a"u8.ToArray(), r.GetTensorStrings("names")[0]);
        Assert.ThrowsExactly<InvalidArgumentException>(() => r.GetTensorStrings("global_step"));
        var e = Assert.ThrowsExactly<NotFoundException>(() => r.GetTensor("dense/bias"));
        StringAssert.Contains(e.Message, "dense/bias");
        StringAssert.Contains(e.Message, prefix);
    }
}
