using System.Numerics;
using System.Text;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model.Serialization;
using GraphEngine.Ops.Model.TextFormat;
using GraphEngine.Ops.Proto;
using GraphEngine.TestKit;
using Google.Protobuf;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Model;

[TestClass]
public sealed class TensorProtoConverterTests
{
    private static TensorProto Parse(string text) => ProtoText.Parse<TensorProto>(text);

    private static HostTensor Read(string text) => TensorProtoConverter.ToHostTensor(Parse(text));

    [TestMethod]
    public void EveryNumericDTypeRoundTripsWithMakeTensorProtoEncoding()
    {
        // (dtype, uses tensor_content when it has more than one element) as Python's make_tensor_proto.
        var cases = new (DType Type, bool Content)[]
        {
            (DType.Float, true), (DType.Double, true), (DType.Int32, true), (DType.UInt8, true), (DType.Int16, true),
            (DType.Int8, true), (DType.Int64, true), (DType.UInt32, true), (DType.UInt64, true), (DType.Half, true),
            (DType.UInt16, false), (DType.Bool, false), (DType.Complex64, false), (DType.Complex128, false), (DType.BFloat16, false),
        };
        var rng = new System.Random(7);
        foreach (var (type, content) in cases)
        {
            foreach (long[] dims in new[] { System.Array.Empty<long>(), new long[] { 3 }, new long[] { 2, 3 }, new long[] { 0, 4 } })
            {
                var t = HostTensor.Allocate(type, dims);
                rng.NextBytes(t.Buffer!.Bytes);
                if (type == DType.Bool) foreach (ref byte b in t.Buffer!.Bytes) b &= 1;
                var p = TensorProtoConverter.ToProto(t);
                string what = $"{type.Name()} [{string.Join(",", dims)}]";
                int size = type.Size();
                var raw = t.Buffer!.Bytes.ToArray();
                bool uniform = Enumerable.Range(1, System.Math.Max(0, (int)t.NumElements - 1)).All(i => raw.AsSpan(i * size, size).SequenceEqual(raw.AsSpan(0, size)));
                Assert.AreEqual(content && t.NumElements > 1 && !uniform, !p.TensorContent.IsEmpty, what + ": tensor_content used");
                var back = TensorProtoConverter.ToHostTensor(TensorProto.Parser.ParseFrom(p.ToByteArray()));
                Assert.IsTrue(t.ContentEquals(back), what + ": round trip");
                var viaText = TensorProtoConverter.ToHostTensor(ProtoText.Parse<TensorProto>(ProtoText.Print(p)));
                Assert.IsTrue(t.ContentEquals(viaText), what + ": text round trip");
            }
        }
    }

    [TestMethod]
    public void TypedFieldsUseTheirOwnEncodings()
    {
        Assert.AreEqual("dtype: DT_HALF\ntensor_shape {\n}\nhalf_val: 15360\n", ProtoText.Print(TensorProtoConverter.ToProto(HostTensor.Scalar((Half)1))));
        Assert.AreEqual("dtype: DT_BOOL\ntensor_shape {\n  dim {\n    size: 2\n  }\n}\nbool_val: true\nbool_val: false\n",
            ProtoText.Print(TensorProtoConverter.ToProto(HostTensor.FromArray(new[] { true, false }, 2))));
        var c = TensorProtoConverter.ToProto(HostTensor.FromArray(new[] { new Complex(1, 2), new Complex(3, -4) }, 2));
        CollectionAssert.AreEqual(new[] { 1.0, 2, 3, -4 }, c.DcomplexVal.ToArray());
        Assert.AreEqual(-5, TensorProtoConverter.ToProto(HostTensor.Scalar((sbyte)-5)).IntVal[0]);
        Assert.AreEqual(65535, TensorProtoConverter.ToProto(HostTensor.Scalar((ushort)65535)).IntVal[0]);
    }

    [TestMethod]
    public void UniformTensorsAreWrittenAsOneValueLikeTfZeros()
    {
        var zeros = HostTensor.Zeros(DType.Float, [32]);
        Assert.AreEqual("dtype: DT_FLOAT\ntensor_shape {\n  dim {\n    size: 32\n  }\n}\nfloat_val: 0.0\n",
            ProtoText.Print(TensorProtoConverter.ToProto(zeros), TextFloatStyle.Python3));
        var strings = HostTensor.FromStrings([[1], [1], [1]], [3]);
        Assert.AreEqual(1, TensorProtoConverter.ToProto(strings).StringVal.Count);
        Assert.IsTrue(strings.ContentEquals(TensorProtoConverter.ToHostTensor(TensorProtoConverter.ToProto(strings))));
        var mixed = HostTensor.FromArray(new[] { 0f, 1f }, 2);
        Assert.AreEqual(8, TensorProtoConverter.ToProto(mixed).TensorContent.Length);
    }

    [TestMethod]
    public void TfsOwnEncodingIsKeptWhileValuesAreUnchanged()
    {
        // TF wrote this uniform [2] int32 as tensor_content; our rule alone would write int_val: 10.
        var p = Parse("dtype: DT_INT32 tensor_shape { dim { size: 2 } } tensor_content: \"\\n\\000\\000\\000\\n\\000\\000\\000\"");
        var t = TensorProtoConverter.ToHostTensor(p);
        Assert.AreEqual(p, TensorProtoConverter.ToProto(t), "written back as TF wrote it");
        var spread = Parse("dtype: DT_FLOAT tensor_shape { dim { size: 4 } } float_val: 1 float_val: 2");
        Assert.AreEqual(spread, TensorProtoConverter.ToProto(TensorProtoConverter.ToHostTensor(spread)), "last-value form kept");
        t.AsSpan<int>()[1] = 11;
        var changed = TensorProtoConverter.ToProto(t);
        Assert.AreEqual(8, changed.TensorContent.Length);
        CollectionAssert.AreEqual(new[] { 10, 11 }, TensorProtoConverter.ToHostTensor(changed).ToArray<int>(), "changed values are written, not the stale original");
        t.AsSpan<int>()[1] = 10;
        Assert.AreEqual(p, TensorProtoConverter.ToProto(t));
    }

    [TestMethod]
    public void ShortTypedListRepeatsItsLastValue()
    {
        var t = Read("dtype: DT_FLOAT tensor_shape { dim { size: 2 } dim { size: 3 } } float_val: 1 float_val: 2");
        CollectionAssert.AreEqual(new[] { 1f, 2, 2, 2, 2, 2 }, t.ToArray<float>());
        CollectionAssert.AreEqual(new float[4], Read("dtype: DT_FLOAT tensor_shape { dim { size: 4 } }").ToArray<float>(), "no values = zeros");
        CollectionAssert.AreEqual(new[] { 1f, 2 }, Read("dtype: DT_FLOAT tensor_shape { dim { size: 2 } } float_val: [1, 2, 3]").ToArray<float>(), "extra values ignored, as TF's FromProto");
        CollectionAssert.AreEqual(new sbyte[] { -1, -1, -1 }, Read("dtype: DT_INT8 tensor_shape { dim { size: 3 } } int_val: -1").ToArray<sbyte>());
        CollectionAssert.AreEqual(new byte[] { 7, 200, 200 }, Read("dtype: DT_UINT8 tensor_shape { dim { size: 3 } } int_val: 7 int_val: 200").ToArray<byte>());
        CollectionAssert.AreEqual(new short[] { -300, -300 }, Read("dtype: DT_INT16 tensor_shape { dim { size: 2 } } int_val: -300").ToArray<short>());
        CollectionAssert.AreEqual(new ushort[] { 60000, 60000 }, Read("dtype: DT_UINT16 tensor_shape { dim { size: 2 } } int_val: 60000").ToArray<ushort>());
        CollectionAssert.AreEqual(new[] { 5L, 5, 5 }, Read("dtype: DT_INT64 tensor_shape { dim { size: 3 } } int64_val: 5").ToArray<long>());
        CollectionAssert.AreEqual(new uint[] { 9, 9 }, Read("dtype: DT_UINT32 tensor_shape { dim { size: 2 } } uint32_val: 9").ToArray<uint>());
        CollectionAssert.AreEqual(new ulong[] { ulong.MaxValue, ulong.MaxValue }, Read("dtype: DT_UINT64 tensor_shape { dim { size: 2 } } uint64_val: 18446744073709551615").ToArray<ulong>());
        CollectionAssert.AreEqual(new[] { 0.5, 0.5 }, Read("dtype: DT_DOUBLE tensor_shape { dim { size: 2 } } double_val: 0.5").ToArray<double>());
        CollectionAssert.AreEqual(new[] { true, true, true }, Read("dtype: DT_BOOL tensor_shape { dim { size: 3 } } bool_val: true").ToArray<bool>());
        CollectionAssert.AreEqual(new[] { (Half)1, (Half)1 }, Read("dtype: DT_HALF tensor_shape { dim { size: 2 } } half_val: 15360").ToArray<Half>());
        CollectionAssert.AreEqual(new ushort[] { 0x3f80, 0x3f80 }, Read("dtype: DT_BFLOAT16 tensor_shape { dim { size: 2 } } half_val: 16256").ToArray<ushort>());
        CollectionAssert.AreEqual(new[] { new Complex(1, 2), new Complex(3, 4), new Complex(3, 4) },
            Read("dtype: DT_COMPLEX128 tensor_shape { dim { size: 3 } } dcomplex_val: [1, 2, 3, 4]").ToArray<Complex>());
        var c64 = Read("dtype: DT_COMPLEX64 tensor_shape { dim { size: 2 } } scomplex_val: [1.5, -2]");
        CollectionAssert.AreEqual(new[] { 1.5f, -2, 1.5f, -2 }, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(c64.Buffer!.Bytes).ToArray());
        var s = Read("dtype: DT_STRING tensor_shape { dim { size: 3 } } string_val: \"a\\303\\251\" string_val: 'b'");
        Assert.AreEqual("aé|b|b", string.Join("|", s.Strings!.Select(x => Encoding.UTF8.GetString(x))));
        Assert.AreEqual(0, Read("dtype: DT_STRING tensor_shape { dim { size: 2 } }").Strings![1].Length);
    }

    [TestMethod]
    public void StringTensorsRoundTrip()
    {
        var t = HostTensor.FromStrings([[0, 255, 10], Encoding.UTF8.GetBytes("héllo"), []], [3]);
        var p = TensorProtoConverter.ToProto(t);
        Assert.AreEqual(3, p.StringVal.Count);
        StringAssert.Contains(ProtoText.Print(p), "string_val: \"\\000\\377\\n\"");
        Assert.IsTrue(t.ContentEquals(TensorProtoConverter.ToHostTensor(ProtoText.Parse<TensorProto>(ProtoText.Print(p)))));
    }

    [TestMethod]
    public void OctalEscapedTensorContentFromTfFileDecodes()
    {
        var g = GraphDefIO.Read(TfData.Path("keras-cnn-graph-text-in-pb-file", "mnist.pb"));
        var shape = g.Find("conv2d_1/random_uniform/shape")!.GetAttr("value").Tensor;
        CollectionAssert.AreEqual(new[] { 3, 3, 1, 32 }, shape.ToArray<int>());
    }

    [TestMethod]
    public void BadTensorProtosAreInvalidArguments()
    {
        var e1 = Assert.ThrowsExactly<InvalidArgumentException>(() => Read("dtype: DT_FLOAT tensor_shape { dim { size: 3 } } tensor_content: \"\\000\\000\\000\\000\""));
        StringAssert.Contains(e1.Message, "tensor_content holds 4 bytes");
        Assert.ThrowsExactly<InvalidArgumentException>(() => Read("dtype: DT_FLOAT tensor_shape { dim { size: -1 } }"));
        Assert.ThrowsExactly<InvalidArgumentException>(() => Read("dtype: DT_FLOAT tensor_shape { dim { size: -7 } }"));
        Assert.ThrowsExactly<InvalidArgumentException>(() => Read("dtype: DT_COMPLEX64 tensor_shape { } scomplex_val: 1"));
        Assert.ThrowsExactly<InvalidArgumentException>(() => Read("dtype: DT_FLOAT tensor_shape { dim { size: 100000 } dim { size: 100000 } } float_val: 0"));
        Assert.ThrowsExactly<UnimplementedException>(() => Read("dtype: DT_RESOURCE tensor_shape { }"));
    }

    [TestMethod]
    public void ShapesAndTypesConvert()
    {
        Assert.AreEqual(TensorShape.Unknown, ShapeTypeConverter.ToShape(ProtoText.Parse<TensorShapeProto>("unknown_rank: true")));
        Assert.AreEqual(new TensorShape(-1, 3), ShapeTypeConverter.ToShape(ProtoText.Parse<TensorShapeProto>("dim { size: -1 } dim { size: 3 }")));
        Assert.AreEqual(TensorShape.Scalar, ShapeTypeConverter.ToShape(new TensorShapeProto()));
        Assert.AreEqual("unknown_rank: true\n", ProtoText.Print(ShapeTypeConverter.ToProto(TensorShape.Unknown)));
        Assert.AreEqual("dim {\n  size: -1\n}\n", ProtoText.Print(ShapeTypeConverter.ToProto(new TensorShape(-1))));
        foreach (DType t in Enum.GetValues<DType>())
            Assert.AreEqual(t, ShapeTypeConverter.ToDType(ShapeTypeConverter.ToProto(t)));
        Assert.AreEqual(DataType.DtFloatRef, ShapeTypeConverter.ToProto(DType.FloatRef));
    }
}
