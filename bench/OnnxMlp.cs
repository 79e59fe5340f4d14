using Google.Protobuf;

namespace GraphEngine.Bench;

/// <summary>
/// Writes the MLP's forward pass as an ONNX model (opset 13: Gemm, Relu, Gemm, Relu, Gemm) for the
/// ONNX Runtime peer. The bench has no ONNX schema classes, so the few ModelProto fields needed are
/// written directly with the protobuf wire format (field numbers from onnx.proto).
/// </summary>
internal static class OnnxMlp
{
    /// <summary>layers: (kernel [in,out] row-major, bias [out]) in order; ReLU after all but the last.</summary>
    public static byte[] Build(IReadOnlyList<(float[] Kernel, int In, int Out, float[] Bias)> layers)
    {
        var graph = new List<byte[]>();
        string input = "x";
        for (int i = 0; i < layers.Count; i++)
        {
            var (kernel, fanIn, units, bias) = layers[i];
            string w = $"w{i}", b = $"b{i}", z = $"z{i}";
            graph.Add(Field(5, Initializer(w, [fanIn, units], kernel)));
            graph.Add(Field(5, Initializer(b, [units], bias)));
            graph.Add(Field(1, Node("Gemm", [input, w, b], z)));
            input = z;
            if (i < layers.Count - 1)
            {
                graph.Add(Field(1, Node("Relu", [z], $"h{i}")));
                input = $"h{i}";
            }
        }
        graph.Add(Field(2, Utf8("mlp")));
        graph.Add(Field(11, ValueInfo("x", layers[0].In)));
        graph.Add(Field(12, ValueInfo(input, layers[^1].Out)));
        OutputName = input;

        return Concat(
            Varint(1, 8),                                              // ir_version 8
            Field(8, Concat(Field(1, Utf8("")), Varint(2, 13))),       // opset_import { domain "", version 13 }
            Field(7, Concat(graph.ToArray())));                        // graph
    }

    /// <summary>The name of the logits output of the last model built.</summary>
    public static string OutputName { get; private set; } = "";

    private static byte[] Node(string opType, string[] inputs, string output) =>
        Concat([.. inputs.Select(n => Field(1, Utf8(n))), Field(2, Utf8(output)), Field(3, Utf8(output + "_node")), Field(4, Utf8(opType))]);

    private static byte[] Initializer(string name, long[] dims, float[] data)
    {
        var raw = new byte[data.Length * 4];
        Buffer.BlockCopy(data, 0, raw, 0, raw.Length);
        return Concat([.. dims.Select(d => Varint(1, d)), Varint(2, 1), Field(8, Utf8(name)), Field(9, raw)]);
    }

    /// <summary>A float tensor [batch, width] with a symbolic batch dimension.</summary>
    private static byte[] ValueInfo(string name, int width)
    {
        var shape = Concat(Field(1, Field(2, Utf8("batch"))), Field(1, Varint(1, width)));
        var tensorType = Concat(Varint(1, 1), Field(2, shape));
        return Concat(Field(1, Utf8(name)), Field(2, Field(1, tensorType)));
    }

    private static byte[] Utf8(string s) => System.Text.Encoding.UTF8.GetBytes(s);

    private static byte[] Field(int number, byte[] payload)
    {
        using var ms = new MemoryStream();
        using (var cos = new CodedOutputStream(ms, leaveOpen: true))
        {
            cos.WriteTag(number, WireFormat.WireType.LengthDelimited);
            cos.WriteBytes(ByteString.CopyFrom(payload));
        }
        return ms.ToArray();
    }

    private static byte[] Varint(int number, long value)
    {
        using var ms = new MemoryStream();
        using (var cos = new CodedOutputStream(ms, leaveOpen: true))
        {
            cos.WriteTag(number, WireFormat.WireType.Varint);
            cos.WriteInt64(value);
        }
        return ms.ToArray();
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
