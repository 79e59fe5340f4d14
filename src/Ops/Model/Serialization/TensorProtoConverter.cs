using System.Buffers.Binary;
using System.Runtime.CompilerServices;
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
/// tensor_util.make_tensor_proto (TF 1.15):
/// <list type="bullet">
/// <item>a tensor whose elements are all equal is written as one typed value: make_tensor_proto's
///   path for a scalar with a shape, which is how TF writes tf.zeros / ones / fill constants
///   (e.g. <c>float_val: 0.0</c> for a [32] zeros tensor in TF's own graph files);</item>
/// <item>otherwise tensor_content for its _TENSOR_CONTENT_TYPES (half, float, double, int8/16/32/64,
///   uint8/32/64, qint*) when there is more than one element;</item>
/// <item>otherwise (one element, bool, complex, string, uint16, bfloat16) every value in the typed field.</item>
/// </list>
/// </summary>
public static class TensorProtoConverter
{
    // TF's files mix encodings our writer cannot infer from the values alone (a uniform [2] int32
    // written as tensor_content by one call, a [32] zeros as one float_val by another). When a
    // tensor read from a proto was not encoded the way ToProto would encode it, the original proto
    // is remembered beside the tensor (weakly, so it dies with it) and written back unchanged as
    // long as the tensor still holds the same values. Round trips of TF's files are thus exact.
    private static readonly ConditionalWeakTable<HostTensor, TensorProto> OriginalEncoding = new();

    public static HostTensor ToHostTensor(TensorProto p, string where = "tensor")
    {
        var t = Decode(p, where);
        if (!EncodesLikeUs(p, t)) OriginalEncoding.AddOrUpdate(t, p.Clone());
        return t;
    }

    /// <summary>Whether ToProto(t) would give exactly the layout of <paramref name="p"/> (content vs typed values, value count).</summary>
    private static bool EncodesLikeUs(TensorProto p, HostTensor t)
    {
        if (p.VersionNumber != 0) return false;
        long n = t.NumElements;
        bool uniform = n > 1 && (t.Strings != null ? t.Strings.All(x => x.AsSpan().SequenceEqual(t.Strings[0])) : IsUniform(t.Buffer!.Bytes, t.DType.Size()));
        bool ourContent = t.DType != DType.String && UsesTensorContent(t.DType) && n > 1 && !uniform;
        if (ourContent != !p.TensorContent.IsEmpty) return false;
        if (ourContent) return true;
        long ourCount = uniform ? 1 : n;
        long theirCount = t.DType switch
        {
            DType.String => p.StringVal.Count,
            DType.Float => p.FloatVal.Count,
            DType.Double => p.DoubleVal.Count,
            DType.Int64 => p.Int64Val.Count,
            DType.UInt32 => p.Uint32Val.Count,
            DType.UInt64 => p.Uint64Val.Count,
            DType.Bool => p.BoolVal.Count,
            DType.Half or DType.BFloat16 => p.HalfVal.Count,
            DType.Complex64 => p.ScomplexVal.Count / 2,
            DType.Complex128 => p.DcomplexVal.Count / 2,
            _ => p.IntVal.Count,
        };
        return ourCount == theirCount;
    }

    private static HostTensor Decode(TensorProto p, string where)
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

    private static bool IsUniform(ReadOnlySpan<byte> bytes, int size)
    {
        var first = bytes[..size];
        for (int i = size; i < bytes.Length; i += size)
            if (!bytes.Slice(i, size).SequenceEqual(first)) return false;
        return true;
    }

    public static TensorProto ToProto(HostTensor t)
    {
        if (OriginalEncoding.TryGetValue(t, out var original) && Decode(original, "tensor").ContentEquals(t))
            return original.Clone();
        var p = new TensorProto
        {
            Dtype = ShapeTypeConverter.ToProto(t.DType),
            TensorShape = ShapeTypeConverter.ToProto(t.Shape),
        };
        if (t.DType == DType.String)
        {
            var strings = t.Strings!;
            bool same = strings.Length > 1 && strings.All(x => x.AsSpan().SequenceEqual(strings[0]));
            foreach (var s in same ? strings[..1] : strings) p.StringVal.Add(ByteString.CopyFrom(s));
            return p;
        }
        ReadOnlySpan<byte> bytes = t.Buffer!.Bytes;
        int n = checked((int)t.NumElements);
        if (n > 1 && IsUniform(bytes, t.DType.Size()))
        {
            bytes = bytes[..t.DType.Size()];
            n = 1;
        }
        else if (UsesTensorContent(t.DType) && n > 1)
        {
            p.TensorContent = ByteString.CopyFrom(bytes);
            return p;
        }
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
