using Google.Protobuf;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Proto.Onnx;

namespace GraphEngine.Runtime.Onnx;

/// <summary>
/// The ONNX graph under construction: nodes in topological order, initializers, and value names
/// kept unique (ONNX requires every value to be produced once).
/// </summary>
internal sealed class OnnxGraphBuilder(int opset)
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _nodeCount;

    public int Opset { get; } = opset;
    public List<NodeProto> Nodes { get; } = [];
    public List<TensorProto> Initializers { get; } = [];

    /// <summary><paramref name="wanted"/> itself when still free, else wanted_1, wanted_2, ….</summary>
    public string Fresh(string wanted)
    {
        if (_names.Add(wanted)) return wanted;
        for (int i = 1; ; i++)
            if (_names.Add($"{wanted}_{i}")) return $"{wanted}_{i}";
    }

    /// <summary>Adds one node and returns its outputs. Node names follow the first output so ORT's messages point at the TF tensor.</summary>
    public string[] Add(string opType, IEnumerable<string> inputs, IEnumerable<string> outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{_nodeCount++}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        Nodes.Add(node);
        return [.. node.Output];
    }

    /// <summary>A node with one output named (uniquely) after <paramref name="outputHint"/>.</summary>
    public string Add1(string opType, IEnumerable<string> inputs, string outputHint, params AttributeProto[] attributes) =>
        Add(opType, inputs, [Fresh(outputHint)], attributes)[0];

    public string Initializer(HostTensor value, string nameHint)
    {
        var name = Fresh(nameHint);
        Initializers.Add(ToTensorProto(value, name));
        return name;
    }

    public string Int64s(string nameHint, params long[] values) => Initializer(HostTensor.FromArray(values, values.Length), nameHint);

    /// <summary>A scalar initializer of the given dtype (Clip bounds and the like must match the data's type).</summary>
    public string Scalar(DType dtype, double value, string nameHint) => Initializer(ScalarOf(dtype, value), nameHint);

    public string Transpose(string input, int[] perm, string outputHint) => Add1("Transpose", [input], outputHint, Attr.Ints("perm", perm.Select(p => (long)p)));

    public static HostTensor ScalarOf(DType dtype, double value) => dtype switch
    {
        DType.Float => HostTensor.Scalar((float)value),
        DType.Double => HostTensor.Scalar(value),
        DType.Int32 => HostTensor.Scalar((int)value),
        DType.Int64 => HostTensor.Scalar((long)value),
        DType.Int16 => HostTensor.Scalar((short)value),
        DType.Int8 => HostTensor.Scalar((sbyte)value),
        DType.UInt8 => HostTensor.Scalar((byte)value),
        _ => throw new UnimplementedException($"ONNX export: no scalar constant of type {dtype.Name()}."),
    };

    public static TensorProto ToTensorProto(HostTensor value, string name)
    {
        var t = new TensorProto { Name = name, DataType = OnnxTypes.ElemType(value.DType, name) };
        t.Dims.AddRange(value.Dims.ToArray());
        if (value.DType == DType.String)
            foreach (var s in value.Strings!) t.StringData.Add(ByteString.CopyFrom(s));
        else
            t.RawData = ByteString.CopyFrom(value.Buffer!.Bytes);   // fixed-width little-endian, as ONNX's raw_data asks
        return t;
    }

    /// <summary>Copies a constant with its axes permuted (filters HWIO → OIHW and the like, done once at export).</summary>
    public static HostTensor TransposeHost(HostTensor value, int[] perm)
    {
        int rank = value.Rank;
        var dims = value.Dims.ToArray();
        var outDims = perm.Select(p => dims[p]).ToArray();
        var result = HostTensor.Allocate(value.DType, outDims);
        int size = value.DType.Size();
        var src = value.Buffer!.Bytes;
        var dst = result.Buffer!.Bytes;
        var inStrides = new long[rank];
        for (int i = rank - 1, s = 1; i >= 0; s *= (int)dims[i], i--) inStrides[i] = s;
        var index = new long[rank];
        for (long o = 0; o < result.NumElements; o++)
        {
            long offset = 0;
            for (int i = 0; i < rank; i++) offset += index[i] * inStrides[perm[i]];
            src.Slice((int)(offset * size), size).CopyTo(dst.Slice((int)(o * size), size));
            for (int i = rank - 1; i >= 0 && ++index[i] == outDims[i]; i--) index[i] = 0;
        }
        return result;
    }
}

/// <summary>AttributeProto factories: each sets the type discriminator ONNX requires.</summary>
internal static class Attr
{
    public static AttributeProto Int(string name, long v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = v };
    public static AttributeProto Float(string name, float v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = v };
    public static AttributeProto String(string name, string v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(v) };
    public static AttributeProto Tensor(string name, TensorProto v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = v };

    public static AttributeProto Ints(string name, IEnumerable<long> v)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(v);
        return a;
    }
}

/// <summary>TF DType ↔ ONNX TensorProto.DataType.</summary>
internal static class OnnxTypes
{
    public static int ElemType(DType dtype, string what) => (int)(dtype.BaseType() switch
    {
        DType.Float => TensorProto.Types.DataType.Float,
        DType.UInt8 => TensorProto.Types.DataType.Uint8,
        DType.Int8 => TensorProto.Types.DataType.Int8,
        DType.UInt16 => TensorProto.Types.DataType.Uint16,
        DType.Int16 => TensorProto.Types.DataType.Int16,
        DType.Int32 => TensorProto.Types.DataType.Int32,
        DType.Int64 => TensorProto.Types.DataType.Int64,
        DType.String => TensorProto.Types.DataType.String,
        DType.Bool => TensorProto.Types.DataType.Bool,
        DType.Half => TensorProto.Types.DataType.Float16,
        DType.Double => TensorProto.Types.DataType.Double,
        DType.UInt32 => TensorProto.Types.DataType.Uint32,
        DType.UInt64 => TensorProto.Types.DataType.Uint64,
        DType.Complex64 => TensorProto.Types.DataType.Complex64,
        DType.Complex128 => TensorProto.Types.DataType.Complex128,
        DType.BFloat16 => TensorProto.Types.DataType.Bfloat16,
        _ => throw new UnimplementedException($"ONNX export: {what} has type {dtype.Name()}, which ONNX has no tensor type for."),
    });
}
