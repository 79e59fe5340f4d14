using System.Buffers.Binary;
using System.Runtime.InteropServices;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Proto;
using Google.Protobuf;
using Google.Protobuf.Collections;

namespace GraphEngine.Ops.Model.Serialization;

/// <summary>
/// HostTensor ↔ TensorProto. Reading follows TF's Tensor::FromProto: tensor_content when present,
/// else the typed *_val field for the dtype, where a shorter list is padded with its last value,
/// an empty one means zeros, and extra values are ignored. Writing follows Python's
/// tensor_util.make_tensor_proto: tensor_content for numeric types (its _TENSOR_CONTENT_TYPES:
/// half, float, double, int8/16/32/64, uint8/32/64, qint*) with more than one element; every
/// other case (one element, bool, complex, string, uint16, bfloat16) lists all values in the typed field.
/// </summary>
public static class TensorProtoConverter
{
    public static HostTensor ToHostTensor(TensorProto p, string where = "tensor")
    {
        var dtype = ShapeTypeConverter.ToDType(p.Dtype).BaseType();
        var shape = ShapeTypeConverter.ToShape(p.TensorShape, where);
        if (!shape.IsFullyDefined)
            throw new InvalidArgumentException($"{where}: a TensorProto needs a fully defined shape, got {shape}.");
        long n = shape.NumElements;
        var dims = shape.Dims;
        if (dtype == DType.String) return ReadStrings(p, dims, n, where);
        int size = dtype.Size();
        if (size == 0) throw new UnimplementedException($"{where}: cannot read a TensorProto of type {dtype.Name()}.");
        if (n * size > int.MaxValue)
            throw new InvalidArgumentException($"{where}: tensor of shape {shape} and type {dtype.Name()} is larger than 2 GiB.");

        var t = HostTensor.Allocate(dtype, dims);
        var bytes = t.Buffer!.Bytes;
        if (!p.TensorContent.IsEmpty)
        {
            if (p.TensorContent.Length != bytes.Length)
                throw new InvalidArgumentException($"{where}: tensor_content holds {p.TensorContent.Length} bytes; shape {shape} of {dtype.Name()} needs {bytes.Length}.");
            p.TensorContent.Span.CopyTo(bytes);
            return t;
        }
        switch (dtype)
        {
            case DType.Float: Fill(p.FloatVal, MemoryMarshal.Cast<byte, float>(bytes), v => v); break;
            case DType.Double: Fill(p.DoubleVal, MemoryMarshal.Cast<byte, double>(bytes), v => v); break;
            case DType.Int32 or DType.QInt32: Fill(p.IntVal, MemoryMarshal.Cast<byte, int>(bytes), v => v); break;
            case DType.Int16 or DType.QInt16: Fill(p.IntVal, MemoryMarshal.Cast<byte, short>(bytes), v => (short)v); break;
            case DType.UInt16 or DType.QUInt16: Fill(p.IntVal, MemoryMarshal.Cast<byte, ushort>(bytes), v => (ushort)v); break;
            case DType.Int8 or DType.QInt8: Fill(p.IntVal, MemoryMarshal.Cast<byte, sbyte>(bytes), v => (sbyte)v); break;
            case DType.UInt8 or DType.QUInt8: Fill(p.IntVal, bytes, v => (byte)v); break;
            case DType.Int64: Fill(p.Int64Val, MemoryMarshal.Cast<byte, long>(bytes), v => v); break;
            case DType.UInt32: Fill(p.Uint32Val, MemoryMarshal.Cast<byte, uint>(bytes), v => v); break;
            case DType.UInt64: Fill(p.Uint64Val, MemoryMarshal.Cast<byte, ulong>(bytes), v => v); break;
            case DType.Bool: Fill(p.BoolVal, bytes, v => v ? (byte)1 : (byte)0); break;
            // half_val holds the 16-bit patterns of half and bfloat16 values in int32s.
            case DType.Half or DType.BFloat16: Fill(p.HalfVal, MemoryMarshal.Cast<byte, ushort>(bytes), v => (ushort)v); break;
            case DType.Complex64: FillPairs(p.ScomplexVal, MemoryMarshal.Cast<byte, float>(bytes), where); break;
            case DType.Complex128: FillPairs(p.DcomplexVal, MemoryMarshal.Cast<byte, double>(bytes), where); break;
            default: throw new UnimplementedException($"{where}: cannot read a TensorProto of type {dtype.Name()}.");
        }
        return t;
    }

    /// <summary>TF's fill rule: copy what is there (at most n), repeat the last value, zeros if none.</summary>
    private static void Fill<TIn, TOut>(RepeatedField<TIn> src, Span<TOut> dst, Func<TIn, TOut> convert) where TOut : unmanaged
    {
        if (src.Count == 0)
        {
            dst.Clear();
            return;
        }
        int copy = System.Math.Min(src.Count, dst.Length);
        for (int i = 0; i < copy; i++) dst[i] = convert(src[i]);
        if (copy < dst.Length) dst[copy..].Fill(dst[copy - 1]);
    }

    /// <summary>Complex values are (real, imag) pairs; the fill rule works on whole pairs.</summary>
    private static void FillPairs<T>(RepeatedField<T> src, Span<T> dst, string where) where T : unmanaged
    {
        if (src.Count % 2 != 0)
            throw new InvalidArgumentException($"{where}: complex values come in (real, imag) pairs, got {src.Count} numbers.");
        if (src.Count == 0)
        {
            dst.Clear();
            return;
        }
        int copy = System.Math.Min(src.Count, dst.Length);
        for (int i = 0; i < copy; i++) dst[i] = src[i];
        for (int i = copy; i < dst.Length; i += 2)
        {
            dst[i] = dst[copy - 2];
            dst[i + 1] = dst[copy - 1];
        }
    }

    private static HostTensor ReadStrings(TensorProto p, ReadOnlySpan<long> dims, long n, string where)
    {
        if (!p.TensorContent.IsEmpty)
            throw new UnimplementedException($"{where}: DT_STRING tensors in tensor_content encoding are not supported; expected string_val.");
        if (n > int.MaxValue) throw new InvalidArgumentException($"{where}: string tensor with {n} elements is too large.");
        var values = new byte[n][];
        var src = p.StringVal;
        for (int i = 0; i < values.Length; i++)
            values[i] = src.Count == 0 ? [] : src[System.Math.Min(i, src.Count - 1)].ToByteArray();
        return HostTensor.FromStrings(values, dims);
    }

    /// <summary>Types Python's make_tensor_proto writes as tensor_content when there is more than one element.</summary>
    private static bool UsesTensorContent(DType t) => t is DType.Half or DType.Float or DType.Double or DType.Int32
        or DType.UInt8 or DType.Int16 or DType.Int8 or DType.Int64 or DType.QInt8 or DType.QUInt8 or DType.QInt16
        or DType.QUInt16 or DType.QInt32 or DType.UInt32 or DType.UInt64;

    public static TensorProto ToProto(HostTensor t)
    {
        var p = new TensorProto
        {
            Dtype = ShapeTypeConverter.ToProto(t.DType),
            TensorShape = ShapeTypeConverter.ToProto(t.Shape),
        };
        if (t.DType == DType.String)
        {
            foreach (var s in t.Strings!) p.StringVal.Add(ByteString.CopyFrom(s));
            return p;
        }
        ReadOnlySpan<byte> bytes = t.Buffer!.Bytes;
        if (UsesTensorContent(t.DType) && t.NumElements > 1)
        {
            p.TensorContent = ByteString.CopyFrom(bytes);
            return p;
        }
        int n = checked((int)t.NumElements);
        switch (t.DType)
        {
            case DType.Float: p.FloatVal.AddRange(MemoryMarshal.Cast<byte, float>(bytes).ToArray()); break;
            case DType.Double: p.DoubleVal.AddRange(MemoryMarshal.Cast<byte, double>(bytes).ToArray()); break;
            case DType.Int32 or DType.QInt32: p.IntVal.AddRange(MemoryMarshal.Cast<byte, int>(bytes).ToArray()); break;
            case DType.Int16 or DType.QInt16: for (int i = 0; i < n; i++) p.IntVal.Add(BinaryPrimitives.ReadInt16LittleEndian(bytes[(2 * i)..])); break;
            case DType.UInt16 or DType.QUInt16: for (int i = 0; i < n; i++) p.IntVal.Add(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..])); break;
            case DType.Int8 or DType.QInt8: for (int i = 0; i < n; i++) p.IntVal.Add((sbyte)bytes[i]); break;
            case DType.UInt8 or DType.QUInt8: for (int i = 0; i < n; i++) p.IntVal.Add(bytes[i]); break;
            case DType.Int64: p.Int64Val.AddRange(MemoryMarshal.Cast<byte, long>(bytes).ToArray()); break;
            case DType.UInt32: p.Uint32Val.AddRange(MemoryMarshal.Cast<byte, uint>(bytes).ToArray()); break;
            case DType.UInt64: p.Uint64Val.AddRange(MemoryMarshal.Cast<byte, ulong>(bytes).ToArray()); break;
            case DType.Bool: for (int i = 0; i < n; i++) p.BoolVal.Add(bytes[i] != 0); break;
            case DType.Half or DType.BFloat16: for (int i = 0; i < n; i++) p.HalfVal.Add(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..])); break;
            case DType.Complex64: p.ScomplexVal.AddRange(MemoryMarshal.Cast<byte, float>(bytes).ToArray()); break;
            case DType.Complex128: p.DcomplexVal.AddRange(MemoryMarshal.Cast<byte, double>(bytes).ToArray()); break;
            default: throw new UnimplementedException($"Cannot write a TensorProto of type {t.DType.Name()}.");
        }
        return p;
    }
}
