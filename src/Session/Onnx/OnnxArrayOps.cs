using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;

namespace GraphEngine.Runtime.Onnx;

/// <summary>Shape and data-movement ops: reshape, concat, stack, transpose, gather, pad, squeeze, shape, tile.</summary>
internal static class OnnxArrayOps
{
    public static void Register(Dictionary<string, OnnxOpMapper> m)
    {
        foreach (var op in new[] { "Identity", "StopGradient", "Snapshot", "PlaceholderWithDefault" })
            m[op] = (c, n) => c.Alias(n, 0, 0);
        m["Reshape"] = Reshape;
        m["ConcatV2"] = Concat;
        m["Pack"] = Pack;
        m["Unpack"] = Unpack;
        m["Transpose"] = (c, n) =>
            c.Emit(n, "Transpose", [c.In(n, 0)], Attr.Ints("perm", c.RequireConstant(n, 1, "permutation").ToInt64Array()));
        m["GatherV2"] = Gather;
        m["Gather"] = (c, n) => c.Emit(n, "Gather", [c.In(n, 0), c.In(n, 1)], Attr.Int("axis", 0));
        m["Pad"] = (c, n) => Pad(c, n, "constant", null);
        m["PadV2"] = (c, n) => Pad(c, n, "constant", c.In(n, 2));
        m["MirrorPad"] = (c, n) =>
        {
            var mode = n.GetAttr("mode").S;
            if (mode != "REFLECT") throw OnnxConversion.Unsupported(n, $"pads in mode {mode}; ONNX has only REFLECT of TF's mirror modes.");
            Pad(c, n, "reflect", null);
        };
        m["Squeeze"] = (c, n) =>
        {
            var dims = OnnxConversion.OptionalAttr(n, "squeeze_dims")?.ListI ?? [];
            if (dims.Length == 0) c.Emit(n, "Squeeze", [c.In(n, 0)]);
            else c.Emit(n, "Squeeze", [c.In(n, 0), c.Builder.Int64s(OnnxConversion.Tensor(n) + "/axes", dims)]);
        };
        m["ExpandDims"] = (c, n) => c.Emit(n, "Unsqueeze",
            [c.In(n, 0), c.Builder.Int64s(OnnxConversion.Tensor(n) + "/axes", c.RequireConstant(n, 1, "dimension").ToInt64Array()[0])]);
        m["Shape"] = (c, n) => WithIndexType(c, n, "Shape", "out_type");
        m["Size"] = (c, n) => WithIndexType(c, n, "Size", "out_type");
        m["Tile"] = (c, n) => c.Emit(n, "Tile", [c.In(n, 0), Int64Input(c, n, 1)]);
        m["BroadcastTo"] = (c, n) => c.Emit(n, "Expand", [c.In(n, 0), Int64Input(c, n, 1)]);
        m["Fill"] = (c, n) =>
        {
            var value = c.RequireConstant(n, 1, "fill value");
            c.Emit(n, "ConstantOfShape", [Int64Input(c, n, 0)], Attr.Tensor("value", OnnxGraphBuilder.ToTensorProto(value.Reshaped([1]), "value")));
        };
        m["ZerosLike"] = (c, n) => FilledLike(c, n, 0);
        m["OnesLike"] = (c, n) => FilledLike(c, n, 1);
        m["Range"] = (c, n) => c.Emit(n, "Range", [c.In(n, 0), c.In(n, 1), c.In(n, 2)]);
    }

    /// <summary>An int32 or int64 shape-like input as the int64 tensor ONNX wants: converted at export when constant.</summary>
    private static string Int64Input(OnnxConversion c, NodeDef n, int i)
    {
        if (c.Constant(n, i) is { } k) return c.Builder.Int64s(OnnxConversion.InputName(n, i) + "/i64", k.ToInt64Array());
        if (c.InputType(n, i) == DType.Int64) return c.In(n, i);
        return c.Builder.Add1("Cast", [c.In(n, i)], OnnxConversion.InputName(n, i) + "/i64", Attr.Int("to", OnnxTypes.ElemType(DType.Int64, "shape")));
    }

    private static void Reshape(OnnxConversion c, NodeDef n)
    {
        // ONNX reads 0 in a shape as "copy this dim" unless allowzero; TF means an empty dim.
        var k = c.Constant(n, 1);
        bool zero = k != null && k.ToInt64Array().Contains(0);
        if (zero) c.Emit(n, "Reshape", [c.In(n, 0), Int64Input(c, n, 1)], Attr.Int("allowzero", 1));
        else if (k != null) c.Emit(n, "Reshape", [c.In(n, 0), Int64Input(c, n, 1)]);
        else throw OnnxConversion.Unsupported(n, "reshapes to a shape computed at run time; a zero in it would mean 'copy' in ONNX but 'empty' in TF, so only constant shapes are exported.");
    }

    /// <summary>Concat; branches of NCHW-held images (inception blocks) join in NCHW on the mapped axis.</summary>
    private static void Concat(OnnxConversion c, NodeDef n)
    {
        int count = OnnxConversion.InputCount(n) - 1;
        var axis = c.RequireConstant(n, count, "concat axis").ToInt64Array()[0];
        if (Enumerable.Range(0, count).All(i => c.InPrefersChannelsFirst(n, i)) && axis is >= -4 and < 4)
        {
            long[] position = [0, 2, 3, 1];   // NHWC axis → its NCHW axis
            var y = c.Builder.Add("Concat", Enumerable.Range(0, count).Select(i => c.InChannelsFirst(n, i)), [c.OutNameChannelsFirst(n)],
                Attr.Int("axis", position[axis < 0 ? axis + 4 : axis]))[0];
            c.SetOutputChannelsFirst(n, 0, y);
            return;
        }
        c.Emit(n, "Concat", Enumerable.Range(0, count).Select(i => c.In(n, i)), Attr.Int("axis", axis));
    }

    private static void Pack(OnnxConversion c, NodeDef n)
    {
        int count = OnnxConversion.InputCount(n);
        long axis = OnnxConversion.OptionalAttr(n, "axis")?.I ?? 0;
        // Unsqueeze and Concat both count a negative axis from the end of the (rank+1) output, as TF's Pack does.
        var axes = c.Builder.Int64s(OnnxConversion.Tensor(n) + "/axes", axis);
        var parts = Enumerable.Range(0, count)
            .Select(i => c.Builder.Add1("Unsqueeze", [c.In(n, i), axes], OnnxConversion.Tensor(n) + $"/part{i}")).ToList();
        if (count == 1) c.Alias1(n, parts[0]);
        else c.Emit(n, "Concat", parts, Attr.Int("axis", axis));
    }

    private static void Unpack(OnnxConversion c, NodeDef n)
    {
        long num = n.GetAttr("num").I, axis = OnnxConversion.OptionalAttr(n, "axis")?.I ?? 0;
        var pieces = Enumerable.Range(0, (int)num).Select(i => c.Builder.Fresh(OnnxConversion.Tensor(n, i) + "/split")).ToArray();
        if (c.Opset >= 18) c.Builder.Add("Split", [c.In(n, 0)], pieces, Attr.Int("axis", axis), Attr.Int("num_outputs", num));
        else c.Builder.Add("Split", [c.In(n, 0)], pieces, Attr.Int("axis", axis));
        var axes = c.Builder.Int64s(OnnxConversion.Tensor(n) + "/axes", axis);
        for (int i = 0; i < num; i++)
            c.SetOutput(n, i, c.Builder.Add("Squeeze", [pieces[i], axes], [c.OutName(n, i)])[0]);
    }

    private static void Gather(OnnxConversion c, NodeDef n)
    {
        if ((OnnxConversion.OptionalAttr(n, "batch_dims")?.I ?? 0) != 0)
            throw OnnxConversion.Unsupported(n, "gathers with batch_dims != 0; ONNX Gather has no batch dimensions.");
        var axis = c.RequireConstant(n, 2, "gather axis").ToInt64Array()[0];
        c.Emit(n, "Gather", [c.In(n, 0), c.In(n, 1)], Attr.Int("axis", axis));
    }

    /// <summary>TF paddings [[before, after] per dim] → ONNX pads [all befores, all afters].</summary>
    private static void Pad(OnnxConversion c, NodeDef n, string mode, string? value)
    {
        var p = c.RequireConstant(n, 1, "paddings").ToInt64Array();
        int rank = p.Length / 2;
        var pads = Enumerable.Range(0, rank).Select(i => p[2 * i]).Concat(Enumerable.Range(0, rank).Select(i => p[2 * i + 1])).ToArray();
        var inputs = new List<string> { c.In(n, 0), c.Builder.Int64s(OnnxConversion.Tensor(n) + "/pads", pads) };
        if (value != null) inputs.Add(value);
        c.Emit(n, "Pad", inputs, Attr.String("mode", mode));
    }

    /// <summary>Shape/Size give int64 in ONNX; TF's out_type may ask for int32.</summary>
    private static void WithIndexType(OnnxConversion c, NodeDef n, string onnxOp, string typeAttr)
    {
        var type = OnnxConversion.OptionalAttr(n, typeAttr)?.Type ?? DType.Int32;
        if (type == DType.Int64) { c.Emit(n, onnxOp, [c.In(n, 0)]); return; }
        var v = c.Builder.Add1(onnxOp, [c.In(n, 0)], OnnxConversion.Tensor(n) + "/i64");
        c.Emit(n, "Cast", [v], Attr.Int("to", OnnxTypes.ElemType(type, OnnxConversion.Tensor(n))));
    }

    private static void FilledLike(OnnxConversion c, NodeDef n, double value)
    {
        var shape = c.Builder.Add1("Shape", [c.In(n, 0)], OnnxConversion.Tensor(n) + "/shape");
        var scalar = OnnxGraphBuilder.ScalarOf(c.InputType(n, 0), value).Reshaped([1]);
        c.Emit(n, "ConstantOfShape", [shape], Attr.Tensor("value", OnnxGraphBuilder.ToTensorProto(scalar, "value")));
    }
}
