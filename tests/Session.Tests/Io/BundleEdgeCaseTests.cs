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
    public void PartitionedVariableIsListedButReadingItIsUnimplemented()
    {
        using var tmp = new TempDir();
        string prefix = Path.Combine(tmp.Path, "part");
        File.WriteAllBytes(BundleNaming.DataFile(prefix, 0, 1), new byte[16]);
        var full = new BundleEntryProto { Dtype = DataType.DtFloat, Shape = Shape(4) };
        full.Slices.Add(new TensorSliceProto { Extent = { new TensorSliceProto.Types.Extent { Start = 0, Length = 2 } } });
        full.Slices.Add(new TensorSliceProto { Extent = { new TensorSliceProto.Types.Extent { Start = 2, Length = 2 } } });
        var slice = new BundleEntryProto { Dtype = DataType.DtFloat, Shape = Shape(2), Size = 8, Crc32C = Crc32C.Mask(Crc32C.Compute(new byte[8])) };
        WriteIndex(prefix, new BundleHeaderProto { NumShards = 1, Version = new VersionDef { Producer = 1 } },
        [
            ("w"u8.ToArray(), full),
            ([0x00, 0x01, (byte)'w', 0xFF], slice), // binary slice key, starts with OrderedCode's 0
        ]);
        var r = CheckpointReader.Open(prefix);
        CollectionAssert.AreEqual(new[] { "w" }, r.Keys.ToList());
        Assert.AreEqual(1, r.Bundle.SliceEntryCount);
        Assert.AreEqual(new TensorShape(4), r.GetVariableToShapeMap()["w"]);
        var e = Assert.ThrowsExactly<UnimplementedException>(() => r.GetTensor("w"));
        StringAssert.Contains(e.Message, "partitioned");
        StringAssert.Contains(e.Message, "'w'");
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
