using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Proto.Onnx;

namespace GraphEngine.Runtime.Onnx;

/// <summary>
/// Convolution, pooling, batch norm, bias and activations. TF's NHWC images become NCHW for ONNX's
/// Conv/Pool/BatchNormalization; the results stay NCHW until a consumer needs TF's layout.
/// </summary>
internal static class OnnxNnOps
{
    public static void Register(Dictionary<string, OnnxOpMapper> m)
    {
        m["Conv2D"] = (c, n) => Conv(c, n, depthwise: false);
        m["DepthwiseConv2dNative"] = (c, n) => Conv(c, n, depthwise: true);
        m["MaxPool"] = (c, n) => Pool(c, n, "MaxPool");
        m["AvgPool"] = (c, n) => Pool(c, n, "AveragePool");
        m["FusedBatchNorm"] = BatchNorm;
        m["FusedBatchNormV2"] = BatchNorm;
        m["FusedBatchNormV3"] = BatchNorm;
        m["BiasAdd"] = BiasAdd;
        m["Softmax"] = (c, n) => c.Emit(n, "Softmax", [c.In(n, 0)], Attr.Int("axis", -1));
        m["LogSoftmax"] = (c, n) => c.Emit(n, "LogSoftmax", [c.In(n, 0)], Attr.Int("axis", -1));
        m["LeakyRelu"] = (c, n) => OnnxMathOps.LayoutNeutral(c, n, "LeakyRelu", Attr.Float("alpha", OnnxConversion.OptionalAttr(n, "alpha")?.F ?? 0.2f));
        m["Relu6"] = Relu6;
    }

    private static bool ChannelsLast(NodeDef n)
    {
        var format = OnnxConversion.OptionalAttr(n, "data_format")?.S ?? "NHWC";
        return format switch
        {
            "NHWC" => true,
            "NCHW" => false,
            _ => throw OnnxConversion.Unsupported(n, $"has data_format '{format}'; only NHWC and NCHW are exported."),
        };
    }

    /// <summary>The image input in NCHW, whichever layout the node itself uses.</summary>
    private static string ImageIn(OnnxConversion c, NodeDef n, bool channelsLast) => channelsLast ? c.InChannelsFirst(n, 0) : c.In(n, 0);

    private static void SetImageOut(OnnxConversion c, NodeDef n, int output, string value, bool channelsLast)
    {
        if (channelsLast) c.SetOutputChannelsFirst(n, output, value);
        else c.SetOutput(n, output, value);
    }

    private static string ImageOutName(OnnxConversion c, NodeDef n, bool channelsLast) =>
        channelsLast ? c.OutNameChannelsFirst(n) : c.OutName(n);

    /// <summary>The spatial (H, W) entries of a 4-entry attr given in the node's layout.</summary>
    private static long[] Spatial(NodeDef n, string attr, bool channelsLast, long fallback = 1)
    {
        var v = OnnxConversion.OptionalAttr(n, attr)?.ListI ?? [fallback, fallback, fallback, fallback];
        if (v.Length != 4) throw OnnxConversion.Unsupported(n, $"has {attr} of length {v.Length}; 4 expected.");
        return channelsLast ? [v[1], v[2]] : [v[2], v[3]];
    }

    /// <summary>TF's SAME pads the extra row/column at the end: ONNX's SAME_UPPER.</summary>
    private static AttributeProto[] Padding(NodeDef n, bool channelsLast)
    {
        var padding = n.GetAttr("padding").S;
        switch (padding)
        {
            case "SAME": return [Attr.String("auto_pad", "SAME_UPPER")];
            case "VALID": return [Attr.String("auto_pad", "VALID")];
            case "EXPLICIT":
                var p = n.GetAttr("explicit_paddings").ListI;   // (before, after) per dim in the node's layout
                int h = channelsLast ? 1 : 2, w = h + 1;
                return [Attr.Ints("pads", [p[2 * h], p[2 * w], p[2 * h + 1], p[2 * w + 1]])];
            default: throw OnnxConversion.Unsupported(n, $"has padding '{padding}'.");
        }
    }

    private static void Conv(OnnxConversion c, NodeDef n, bool depthwise)
    {
        bool last = ChannelsLast(n);
        var x = ImageIn(c, n, last);
        var filter = c.Constant(n, 1);
        string w;
        long group = 1;
        if (filter != null)
        {
            if (filter.Rank != 4) throw OnnxConversion.Unsupported(n, $"has a filter of rank {filter.Rank}; 4 expected.");
            if (depthwise)
            {
                // [kh, kw, C, M] → [C, M, kh, kw] → [C·M, 1, kh, kw]: output channel c·M + m, as TF orders them.
                var f = OnnxGraphBuilder.TransposeHost(filter, [2, 3, 0, 1]);
                var d = filter.Dims;
                group = d[2];
                w = c.Builder.Initializer(f.Reshaped([d[2] * d[3], 1, d[0], d[1]]), OnnxConversion.InputName(n, 1) + "/oihw");
            }
            else
                w = c.Builder.Initializer(OnnxGraphBuilder.TransposeHost(filter, [3, 2, 0, 1]), OnnxConversion.InputName(n, 1) + "/oihw");
        }
        else if (depthwise)
            throw OnnxConversion.Unsupported(n, "has a filter computed at run time; only a constant depthwise filter is exported.");
        else
            w = c.Builder.Transpose(c.In(n, 1), [3, 2, 0, 1], OnnxConversion.InputName(n, 1) + "/oihw");

        var attrs = new List<AttributeProto>
        {
            Attr.Ints("strides", Spatial(n, "strides", last)),
            Attr.Ints("dilations", Spatial(n, "dilations", last)),
            Attr.Int("group", group),
        };
        if (filter != null) attrs.Add(Attr.Ints("kernel_shape", [filter.Dims[0], filter.Dims[1]]));
        attrs.AddRange(Padding(n, last));
        SetImageOut(c, n, 0, c.Builder.Add("Conv", [x, w], [ImageOutName(c, n, last)], [.. attrs])[0], last);
    }

    private static void Pool(OnnxConversion c, NodeDef n, string onnxOp)
    {
        bool last = ChannelsLast(n);
        var attrs = new List<AttributeProto>
        {
            Attr.Ints("kernel_shape", Spatial(n, "ksize", last)),
            Attr.Ints("strides", Spatial(n, "strides", last)),
        };
        var pad = Padding(n, last);
        attrs.AddRange(pad);
        // TF averages over the window's in-bounds elements only.
        if (onnxOp == "AveragePool") attrs.Add(Attr.Int("count_include_pad", 0));
        SetImageOut(c, n, 0, c.Builder.Add(onnxOp, [ImageIn(c, n, last)], [ImageOutName(c, n, last)], [.. attrs])[0], last);
    }

    /// <summary>Inference-mode fused batch norm → BatchNormalization; its batch statistics outputs have no meaning there.</summary>
    private static void BatchNorm(OnnxConversion c, NodeDef n)
    {
        if (OnnxConversion.OptionalAttr(n, "is_training")?.B ?? true)
            throw OnnxConversion.Unsupported(n, "runs in training mode (is_training=true); export the inference graph (is_training=false).");
        bool last = ChannelsLast(n);
        var eps = OnnxConversion.OptionalAttr(n, "epsilon")?.F ?? 1e-4f;
        var y = c.Builder.Add("BatchNormalization", [ImageIn(c, n, last), c.In(n, 1), c.In(n, 2), c.In(n, 3), c.In(n, 4)],
            [ImageOutName(c, n, last)], Attr.Float("epsilon", eps))[0];
        SetImageOut(c, n, 0, y, last);
    }

    private static void BiasAdd(OnnxConversion c, NodeDef n)
    {
        if (!ChannelsLast(n))
            throw OnnxConversion.Unsupported(n, "adds its bias in NCHW; only NHWC BiasAdd is exported (its channel axis depends on the rank).");
        if (c.InPrefersChannelsFirst(n, 0))
        {
            // The NHWC image is held as NCHW: the bias broadcasts as [C, 1, 1].
            var bias = c.Constant(n, 1) is { } k
                ? c.Builder.Initializer(k.Reshaped([k.Dims[0], 1, 1]), OnnxConversion.InputName(n, 1) + "/nchw")
                : c.Builder.Add1("Unsqueeze", [c.In(n, 1), c.Builder.Int64s(OnnxConversion.Tensor(n) + "/axes", 1, 2)], OnnxConversion.InputName(n, 1) + "/nchw");
            c.SetOutputChannelsFirst(n, 0, c.Builder.Add("Add", [c.InChannelsFirst(n, 0), bias], [c.OutNameChannelsFirst(n)])[0]);
            return;
        }
        c.Emit(n, "Add", [c.In(n, 0), c.In(n, 1)]);
    }

    private static void Relu6(OnnxConversion c, NodeDef n)
    {
        var t = c.InputType(n, 0);
        var lo = c.Builder.Scalar(t, 0, OnnxConversion.Tensor(n) + "/min");
        var hi = c.Builder.Scalar(t, 6, OnnxConversion.Tensor(n) + "/max");
        if (c.InPrefersChannelsFirst(n, 0))
            c.SetOutputChannelsFirst(n, 0, c.Builder.Add("Clip", [c.InChannelsFirst(n, 0), lo, hi], [c.OutNameChannelsFirst(n)])[0]);
        else
            c.Emit(n, "Clip", [c.In(n, 0), lo, hi]);
    }
}
