using GraphEngine.Ops.Core;
using Google.Protobuf;
using PAttr = GraphEngine.Ops.Proto.AttrValue;
using PNameAttrList = GraphEngine.Ops.Proto.NameAttrList;

namespace GraphEngine.Ops.Model.Serialization;

/// <summary>Our AttrValue ↔ TF's AttrValue proto, every kind including lists, func and placeholder.</summary>
public static class AttrValueConverter
{
    public static AttrValue ToAttrValue(PAttr p, string where = "attr")
    {
        switch (p.ValueCase)
        {
            case PAttr.ValueOneofCase.S: return AttrValue.OfBytes(p.S.ToByteArray());
            case PAttr.ValueOneofCase.I: return AttrValue.Of(p.I);
            case PAttr.ValueOneofCase.F: return AttrValue.Of(p.F);
            case PAttr.ValueOneofCase.B: return AttrValue.Of(p.B);
            case PAttr.ValueOneofCase.Type: return AttrValue.Of(ShapeTypeConverter.ToDType(p.Type));
            case PAttr.ValueOneofCase.Shape: return AttrValue.Of(ShapeTypeConverter.ToShape(p.Shape, where));
            case PAttr.ValueOneofCase.Tensor: return AttrValue.Of(TensorProtoConverter.ToHostTensor(p.Tensor, where));
            case PAttr.ValueOneofCase.Func: return AttrValue.Of(ToNameAttrList(p.Func, where));
            case PAttr.ValueOneofCase.Placeholder: return AttrValue.PlaceholderOf(p.Placeholder);
            case PAttr.ValueOneofCase.List: return ToList(p.List, where);
            default: throw new InvalidArgumentException($"{where}: AttrValue has no value set; expected one of s, i, f, b, type, shape, tensor, list, func, placeholder.");
        }
    }

    private static AttrValue ToList(PAttr.Types.ListValue l, string where)
    {
        // The proto keeps one repeated field per kind; a valid list uses at most one of them.
        int kinds = (l.S.Count > 0 ? 1 : 0) + (l.I.Count > 0 ? 1 : 0) + (l.F.Count > 0 ? 1 : 0) + (l.B.Count > 0 ? 1 : 0)
            + (l.Type.Count > 0 ? 1 : 0) + (l.Shape.Count > 0 ? 1 : 0) + (l.Tensor.Count > 0 ? 1 : 0) + (l.Func.Count > 0 ? 1 : 0);
        if (kinds > 1) throw new InvalidArgumentException($"{where}: AttrValue list mixes {kinds} kinds of values; expected one.");
        if (l.S.Count > 0) return AttrValue.OfByteStrings(l.S.Select(s => s.ToByteArray()));
        if (l.I.Count > 0) return AttrValue.Of(l.I);
        if (l.F.Count > 0) return AttrValue.Of(l.F);
        if (l.B.Count > 0) return AttrValue.Of(l.B);
        if (l.Type.Count > 0) return AttrValue.Of(l.Type.Select(ShapeTypeConverter.ToDType));
        if (l.Shape.Count > 0) return AttrValue.Of(l.Shape.Select(s => ShapeTypeConverter.ToShape(s, where)));
        if (l.Tensor.Count > 0) return AttrValue.Of(l.Tensor.Select(t => TensorProtoConverter.ToHostTensor(t, where)));
        if (l.Func.Count > 0) return AttrValue.Of(l.Func.Select(f => ToNameAttrList(f, where)));
        return AttrValue.EmptyList(AttrKind.ListString);
    }

    public static NameAttrList ToNameAttrList(PNameAttrList p, string where = "func")
    {
        var attrs = new SortedDictionary<string, AttrValue>(StringComparer.Ordinal);
        foreach (var kv in p.Attr) attrs[kv.Key] = ToAttrValue(kv.Value, $"{where}.attr['{kv.Key}']");
        return new NameAttrList(p.Name, attrs);
    }

    public static PAttr ToProto(AttrValue v)
    {
        var p = new PAttr();
        switch (v.Kind)
        {
            case AttrKind.String: p.S = ByteString.CopyFrom(v.Bytes); break;
            case AttrKind.Int: p.I = v.I; break;
            case AttrKind.Float: p.F = v.F; break;
            case AttrKind.Bool: p.B = v.B; break;
            case AttrKind.Type: p.Type = ShapeTypeConverter.ToProto(v.Type); break;
            case AttrKind.Shape: p.Shape = ShapeTypeConverter.ToProto(v.Shape); break;
            case AttrKind.Tensor: p.Tensor = TensorProtoConverter.ToProto(v.Tensor); break;
            case AttrKind.Func: p.Func = ToProto(v.Func); break;
            case AttrKind.Placeholder: p.Placeholder = v.PlaceholderName; break;
            default:
                if (!v.IsList) throw new InvalidArgumentException($"Cannot serialize an AttrValue of kind {AttrValue.KindName(v.Kind)}.");
                p.List = ToProtoList(v);
                break;
        }
        return p;
    }

    private static PAttr.Types.ListValue ToProtoList(AttrValue v)
    {
        var l = new PAttr.Types.ListValue();
        switch (v.Kind)
        {
            case AttrKind.ListString: l.S.AddRange(v.ListBytes.Select(ByteString.CopyFrom)); break;
            case AttrKind.ListInt: l.I.AddRange(v.ListI); break;
            case AttrKind.ListFloat: l.F.AddRange(v.ListF); break;
            case AttrKind.ListBool: l.B.AddRange(v.ListB); break;
            case AttrKind.ListType: l.Type.AddRange(v.ListType.Select(ShapeTypeConverter.ToProto)); break;
            case AttrKind.ListShape: l.Shape.AddRange(v.ListShape.Select(ShapeTypeConverter.ToProto)); break;
            case AttrKind.ListTensor: l.Tensor.AddRange(v.ListTensor.Select(TensorProtoConverter.ToProto)); break;
            case AttrKind.ListFunc: l.Func.AddRange(v.ListFunc.Select(ToProto)); break;
        }
        return l;
    }

    public static PNameAttrList ToProto(NameAttrList f)
    {
        var p = new PNameAttrList { Name = f.Name };
        foreach (var kv in f.Attr) p.Attr[kv.Key] = ToProto(kv.Value);
        return p;
    }
}
