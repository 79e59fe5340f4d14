using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Proto.Onnx;

namespace GraphEngine.Runtime.Onnx;

/// <summary>Elementwise math, MatMul/Gemm, reductions, comparisons and casts.</summary>
internal static class OnnxMathOps
{
    // TF op → ONNX op with the same elementwise meaning (and the same broadcasting, numpy-style).
    private static readonly Dictionary<string, string> Unary = new(StringComparer.Ordinal)
    {
        ["Relu"] = "Relu", ["Sigmoid"] = "Sigmoid", ["Tanh"] = "Tanh", ["Exp"] = "Exp", ["Log"] = "Log", ["Sqrt"] = "Sqrt",
        ["Neg"] = "Neg", ["Abs"] = "Abs", ["Floor"] = "Floor", ["Ceil"] = "Ceil", ["Round"] = "Round", ["Sin"] = "Sin",
        ["Cos"] = "Cos", ["Erf"] = "Erf", ["Reciprocal"] = "Reciprocal", ["Inv"] = "Reciprocal", ["Sign"] = "Sign",
        ["Elu"] = "Elu", ["Softplus"] = "Softplus", ["Softsign"] = "Softsign", ["LogicalNot"] = "Not",
    };

    private static readonly Dictionary<string, string> Binary = new(StringComparer.Ordinal)
    {
        ["Add"] = "Add", ["AddV2"] = "Add", ["Sub"] = "Sub", ["Mul"] = "Mul", ["RealDiv"] = "Div", ["Div"] = "Div",
        ["Maximum"] = "Max", ["Minimum"] = "Min", ["Pow"] = "Pow", ["Equal"] = "Equal", ["Greater"] = "Greater",
        ["GreaterEqual"] = "GreaterOrEqual", ["Less"] = "Less", ["LessEqual"] = "LessOrEqual", ["LogicalAnd"] = "And", ["LogicalOr"] = "Or",
    };

    // Reductions whose axes ONNX takes as an input from this opset on (an attribute before).
    private static readonly Dictionary<string, (string Op, int AxesInputSince)> Reductions = new(StringComparer.Ordinal)
    {
        ["Sum"] = ("ReduceSum", 13), ["Mean"] = ("ReduceMean", 18), ["Max"] = ("ReduceMax", 18),
        ["Min"] = ("ReduceMin", 18), ["Prod"] = ("ReduceProd", 18),
    };

    public static void Register(Dictionary<string, OnnxOpMapper> m)
    {
        foreach (var (tfOp, onnxOp) in Unary) m[tfOp] = (c, n) => LayoutNeutralUnary(c, n, onnxOp);
        foreach (var (tfOp, onnxOp) in Binary) m[tfOp] = (c, n) => BinaryOp(c, n, onnxOp);
        foreach (var (tfOp, r) in Reductions) m[tfOp] = (c, n) => Reduce(c, n, r.Op, r.AxesInputSince);
        m["MatMul"] = MatMul;
        m["Square"] = (c, n) => { var x = c.In(n, 0); c.Emit(n, "Mul", [x, x]); };
        m["Rsqrt"] = (c, n) => c.Emit(n, "Reciprocal", [c.Builder.Add1("Sqrt", [c.In(n, 0)], OnnxConversion.Tensor(n) + "/sqrt")]);
        m["SquaredDifference"] = (c, n) =>
        {
            var d = c.Builder.Add1("Sub", [c.In(n, 0), c.In(n, 1)], OnnxConversion.Tensor(n) + "/diff");
            c.Emit(n, "Mul", [d, d]);
        };
        m["NotEqual"] = (c, n) => c.Emit(n, "Not", [c.Builder.Add1("Equal", [c.In(n, 0), c.In(n, 1)], OnnxConversion.Tensor(n) + "/eq")]);
        m["AddN"] = (c, n) => c.Emit(n, "Sum", Enumerable.Range(0, OnnxConversion.InputCount(n)).Select(i => c.In(n, i)));
        m["ClipByValue"] = (c, n) =>
            c.Emit(n, "Min", [c.Builder.Add1("Max", [c.In(n, 0), c.In(n, 1)], OnnxConversion.Tensor(n) + "/lo"), c.In(n, 2)]);
        m["FloorDiv"] = FloorDiv;
        m["FloorMod"] = FloorMod;
        m["Cast"] = (c, n) => LayoutNeutral(c, n, "Cast", Attr.Int("to", OnnxTypes.ElemType(n.GetAttr("DstT").Type, OnnxConversion.Tensor(n))));
        m["ArgMax"] = (c, n) => ArgReduce(c, n, "ArgMax");
        m["ArgMin"] = (c, n) => ArgReduce(c, n, "ArgMin");
        m["SelectV2"] = (c, n) => c.Emit(n, "Where", [c.In(n, 0), c.In(n, 1), c.In(n, 2)]);
    }

    /// <summary>An elementwise op with one input runs in whatever layout its input is held in.</summary>
    public static void LayoutNeutral(OnnxConversion c, NodeDef n, string onnxOp, params AttributeProto[] attrs)
    {
        if (c.InPrefersChannelsFirst(n, 0))
            c.SetOutputChannelsFirst(n, 0, c.Builder.Add(onnxOp, [c.InChannelsFirst(n, 0)], [c.OutNameChannelsFirst(n)], attrs)[0]);
        else
            c.Emit(n, onnxOp, [c.In(n, 0)], attrs);
    }

    private static void LayoutNeutralUnary(OnnxConversion c, NodeDef n, string onnxOp)
    {
        var attrs = n.Op == "Elu" ? new[] { Attr.Float("alpha", 1f) } : [];
        LayoutNeutral(c, n, onnxOp, attrs);
    }

    /// <summary>
    /// Binary elementwise. Two NCHW images, or an NCHW image with a scalar or per-channel constant
    /// (bias, scale), stay in NCHW; anything else runs in TF layout.
    /// </summary>
    private static void BinaryOp(OnnxConversion c, NodeDef n, string onnxOp)
    {
        bool cf0 = c.InPrefersChannelsFirst(n, 0), cf1 = c.InPrefersChannelsFirst(n, 1);
        if (cf0 || cf1)
        {
            var operands = new string?[2];
            for (int i = 0; i < 2; i++)
            {
                if (i == 0 ? cf0 : cf1) { operands[i] = c.InChannelsFirst(n, i); continue; }
                var k = c.Constant(n, i);
                if (k is { Rank: 0 }) operands[i] = c.In(n, i);
                else if (k is { Rank: 1 }) operands[i] = c.Builder.Initializer(k.Reshaped([k.Dims[0], 1, 1]), OnnxConversion.InputName(n, i) + "/nchw");
            }
            if (operands[0] != null && operands[1] != null)
            {
                c.SetOutputChannelsFirst(n, 0, c.Builder.Add(onnxOp, [operands[0]!, operands[1]!], [c.OutNameChannelsFirst(n)])[0]);
                return;
            }
        }
        c.Emit(n, onnxOp, [c.In(n, 0), c.In(n, 1)]);
    }

    /// <summary>
    /// MatMul → MatMul, or Gemm when a transpose is asked for or when its only reader adds a constant
    /// bias vector (BiasAdd or Add), which Gemm then absorbs.
    /// </summary>
    private static void MatMul(OnnxConversion c, NodeDef n)
    {
        bool ta = OnnxConversion.OptionalAttr(n, "transpose_a")?.B ?? false, tb = OnnxConversion.OptionalAttr(n, "transpose_b")?.B ?? false;
        var product = OnnxConversion.Tensor(n);
        var readers = c.Consumers(product);
        if (readers.Count == 1 && !c.IsOutput(product) && BiasOf(c, readers[0], product) is int biasInput
            && n.GetAttr("T").Type is DType.Float or DType.Double)
        {
            var add = readers[0];
            var y = c.Builder.Add("Gemm", [c.In(n, 0), c.In(n, 1), c.In(add, biasInput)], [c.OutName(add)],
                Attr.Int("transA", ta ? 1 : 0), Attr.Int("transB", tb ? 1 : 0))[0];
            c.SetOutput(add, 0, y);
            c.MarkHandled(add);
            return;
        }
        if (ta || tb) c.Emit(n, "Gemm", [c.In(n, 0), c.In(n, 1)], Attr.Int("transA", ta ? 1 : 0), Attr.Int("transB", tb ? 1 : 0));
        else c.Emit(n, "MatMul", [c.In(n, 0), c.In(n, 1)]);
    }

    /// <summary>Which input of <paramref name="add"/> is a constant bias vector added to <paramref name="product"/>, if any.</summary>
    private static int? BiasOf(OnnxConversion c, NodeDef add, string product)
    {
        if (add.Op is not ("BiasAdd" or "Add" or "AddV2")) return null;
        if (add.Op == "BiasAdd" && (OnnxConversion.OptionalAttr(add, "data_format")?.S ?? "NHWC") != "NHWC") return null;
        for (int i = 0; i < 2; i++)
            if (OnnxConversion.InputName(add, 1 - i).ToString() == product && c.Constant(add, i) is { Rank: 1 }
                && (add.Op != "BiasAdd" || i == 1))
                return i;
        return null;
    }

    private static void Reduce(OnnxConversion c, NodeDef n, string onnxOp, int axesInputSince)
    {
        var axes = c.RequireConstant(n, 1, "reduction axis list").ToInt64Array();
        bool keep = OnnxConversion.OptionalAttr(n, "keep_dims")?.B ?? false;
        // TF reduces nothing over an empty axis list; ONNX would reduce everything.
        if (axes.Length == 0) { c.Emit(n, "Identity", [c.In(n, 0)]); return; }
        var keepAttr = Attr.Int("keepdims", keep ? 1 : 0);
        AttributeProto[] AxesAttrs(long[] a) => c.Opset >= axesInputSince ? [keepAttr] : [Attr.Ints("axes", a), keepAttr];
        string[] Inputs(string x, long[] a) => c.Opset >= axesInputSince ? [x, c.Builder.Int64s(OnnxConversion.Tensor(n) + "/axes", a)] : [x];

        if (c.InPrefersChannelsFirst(n, 0) && ChannelsFirstAxes(axes, keep) is { } mapped)
        {
            // Global pooling over an NCHW-held image: reduce there instead of transposing back first.
            var y = c.Builder.Add(onnxOp, Inputs(c.InChannelsFirst(n, 0), mapped), [keep ? c.OutNameChannelsFirst(n) : c.OutName(n)], AxesAttrs(mapped))[0];
            if (keep) c.SetOutputChannelsFirst(n, 0, y);
            else c.SetOutput(n, 0, y);
            return;
        }
        c.Emit(n, onnxOp, Inputs(c.In(n, 0), axes), AxesAttrs(axes));
    }

    /// <summary>
    /// The NCHW axes of a reduction over NHWC axes, when the result needs no transpose: kept dims stay
    /// an NCHW image; dropped dims must leave the survivors in the same order in both layouts (as
    /// reducing H and W, or C, does).
    /// </summary>
    private static long[]? ChannelsFirstAxes(long[] axes, bool keep)
    {
        long[] position = [0, 2, 3, 1];   // NHWC axis → its NCHW axis
        var normalized = axes.Select(a => a < 0 ? a + 4 : a).ToArray();
        if (normalized.Any(a => a is < 0 or > 3)) return null;
        if (!keep)
        {
            var survivors = Enumerable.Range(0, 4).Where(a => !normalized.Contains(a)).Select(a => position[a]).ToArray();
            for (int i = 1; i < survivors.Length; i++) if (survivors[i] < survivors[i - 1]) return null;
        }
        return normalized.Select(a => position[a]).Order().ToArray();
    }

    private static void ArgReduce(OnnxConversion c, NodeDef n, string onnxOp)
    {
        var axis = c.RequireConstant(n, 1, "dimension").ToInt64Array()[0];
        var outType = OnnxConversion.OptionalAttr(n, "output_type")?.Type ?? DType.Int64;
        if (outType == DType.Int64) { c.Emit(n, onnxOp, [c.In(n, 0)], Attr.Int("axis", axis), Attr.Int("keepdims", 0)); return; }
        var index = c.Builder.Add1(onnxOp, [c.In(n, 0)], OnnxConversion.Tensor(n) + "/i64", Attr.Int("axis", axis), Attr.Int("keepdims", 0));
        c.Emit(n, "Cast", [index], Attr.Int("to", OnnxTypes.ElemType(outType, OnnxConversion.Tensor(n))));
    }

    /// <summary>Floor division: Div then Floor for floats; integers truncate in ONNX, so they are not exported.</summary>
    private static void FloorDiv(OnnxConversion c, NodeDef n)
    {
        if (!n.GetAttr("T").Type.IsFloating()) throw OnnxConversion.Unsupported(n, "divides integers; ONNX Div truncates toward zero where TF floors.");
        c.Emit(n, "Floor", [c.Builder.Add1("Div", [c.In(n, 0), c.In(n, 1)], OnnxConversion.Tensor(n) + "/div")]);
    }

    /// <summary>ONNX Mod with fmod=0 takes the divisor's sign, as TF's FloorMod does, but only for integers.</summary>
    private static void FloorMod(OnnxConversion c, NodeDef n)
    {
        if (!n.GetAttr("T").Type.IsInteger()) throw OnnxConversion.Unsupported(n, "is a floating-point FloorMod; ONNX Mod on floats follows C fmod (the dividend's sign).");
        c.Emit(n, "Mod", [c.In(n, 0), c.In(n, 1)], Attr.Int("fmod", 0));
    }
}
