using System.Globalization;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model.Serialization;
using GraphEngine.Ops.Model.TextFormat;
using TensorProto = GraphEngine.Ops.Proto.TensorProto;
using TensorShapeProto = GraphEngine.Ops.Proto.TensorShapeProto;

namespace GraphEngine.Ops.Model;

/// <summary>
/// Parses TF's REGISTER_OP spec strings: args ("x: T", "x: Ref(T)", "xs: N * T", "y: float",
/// "ys: Tlist") and attrs ("T: {float, double}", "N: int >= 1", "padding: {'SAME', 'VALID'}",
/// "strides: list(int)", "data_format: string = 'NHWC'", "shape: shape = { unknown_rank: true }").
/// </summary>
internal static class OpSpecParser
{
    public static ArgDef ParseArg(string spec, string opName)
    {
        var (name, rest) = SplitName(spec, opName);
        bool isRef = false;
        if (rest.StartsWith("Ref(", StringComparison.Ordinal) && rest.EndsWith(')'))
        {
            isRef = true;
            rest = rest[4..^1].Trim();
        }
        string numberAttr = "";
        int star = rest.IndexOf('*');
        if (star >= 0)
        {
            numberAttr = rest[..star].Trim();
            rest = rest[(star + 1)..].Trim();
        }
        // A type name fixes the dtype; anything else names a type attr (a list(type) attr is
        // recognised when the op is finalised, as TF does once all attrs are known).
        if (DTypeInfo.TryParse(rest, out var fixedType) && !char.IsUpper(rest[0]))
            return new ArgDef(name, fixedType, "", numberAttr, "", isRef);
        return new ArgDef(name, DType.Invalid, rest, numberAttr, "", isRef);
    }

    public static AttrDef ParseAttr(string spec, string opName)
    {
        var (name, rest) = SplitName(spec, opName);
        string? defaultText = null;
        int eq = IndexOutsideBraces(rest, '=');
        while (eq >= 0 && eq > 0 && rest[eq - 1] == '>') eq = IndexOutsideBraces(rest, '=', eq + 1);
        if (eq >= 0)
        {
            defaultText = rest[(eq + 1)..].Trim();
            rest = rest[..eq].Trim();
        }
        bool hasMin = false;
        long min = 0;
        int ge = rest.IndexOf(">=", StringComparison.Ordinal);
        if (ge >= 0)
        {
            hasMin = true;
            min = long.Parse(rest[(ge + 2)..].Trim(), CultureInfo.InvariantCulture);
            rest = rest[..ge].Trim();
        }

        string type;
        AttrValue? allowed = null;
        if (rest.StartsWith('{'))
        {
            (type, allowed) = ParseSet(rest, scalar: true, spec);
        }
        else if (rest.StartsWith("list({", StringComparison.Ordinal))
        {
            (type, allowed) = ParseSet(rest[5..^1], scalar: false, spec);
        }
        else
        {
            type = rest;
        }
        var def = defaultText == null ? null : ParseDefault(type, defaultText, spec);
        return new AttrDef(name, type, def, allowed, hasMin, min);
    }

    private static (string, string) SplitName(string spec, string opName)
    {
        int colon = spec.IndexOf(':');
        if (colon <= 0) throw new InternalException($"Bad spec '{spec}' in op {opName}.");
        return (spec[..colon].Trim(), spec[(colon + 1)..].Trim());
    }

    private static int IndexOutsideBraces(string s, char c, int start = 0)
    {
        int depth = 0;
        for (int i = start; i < s.Length; i++)
        {
            if (s[i] is '{' or '[' or '(') depth++;
            else if (s[i] is '}' or ']' or ')') depth--;
            else if (s[i] == c && depth == 0) return i;
        }
        return -1;
    }

    private static (string Type, AttrValue Allowed) ParseSet(string text, bool scalar, string spec)
    {
        var items = text.Trim().TrimStart('{').TrimEnd('}').Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (items.Length > 0 && (items[0].StartsWith('\'') || items[0].StartsWith('"')))
            return (scalar ? "string" : "list(string)", AttrValue.OfStrings(items.Select(Unquote)));
        var types = items.Select(i => DTypeInfo.TryParse(i, out var t) ? t : throw new InternalException($"Unknown type '{i}' in spec '{spec}'."));
        return (scalar ? "type" : "list(type)", AttrValue.Of(types));
    }

    private static string Unquote(string s) => s.Length >= 2 && (s[0] == '\'' || s[0] == '"') ? s[1..^1] : s;

    private static AttrValue ParseDefault(string type, string text, string spec)
    {
        var inv = CultureInfo.InvariantCulture;
        switch (type)
        {
            case "bool": return AttrValue.Of(text == "true");
            case "int": return AttrValue.Of(long.Parse(text, inv));
            case "float": return AttrValue.Of(float.Parse(text, NumberStyles.Float, inv));
            case "string": return AttrValue.Of(Unquote(text));
            case "type": return AttrValue.Of(DTypeInfo.Parse(text));
            case "shape":
                // TF writes shape and tensor defaults as text protos in braces ("{ unknown_rank: true }", "{}").
                if (text.StartsWith('{') && text.EndsWith('}'))
                    return AttrValue.Of(ShapeTypeConverter.ToShape(ProtoText.Parse<TensorShapeProto>(text[1..^1], spec), spec));
                return AttrValue.Of(new TensorShape(ParseList(text).Select(d => long.Parse(d, inv)).ToArray()));
            case "tensor" when text.StartsWith('{') && text.EndsWith('}'):
                return AttrValue.Of(TensorProtoConverter.ToHostTensor(ProtoText.Parse<TensorProto>(text[1..^1], spec), spec));
        }
        var list = ParseList(text);
        return type switch
        {
            "list(int)" => AttrValue.Of(list.Select(d => long.Parse(d, inv))),
            "list(float)" => AttrValue.Of(list.Select(d => float.Parse(d, NumberStyles.Float, inv))),
            "list(bool)" => AttrValue.Of(list.Select(d => d == "true")),
            "list(type)" => AttrValue.Of(list.Select(DTypeInfo.Parse)),
            "list(string)" => AttrValue.OfStrings(list.Select(Unquote)),
            "list(shape)" when list.Length == 0 => AttrValue.Of(System.Array.Empty<TensorShape>()),
            _ => throw new InternalException($"Unsupported default '{text}' for attr type '{type}' in spec '{spec}'."),
        };
    }

    private static string[] ParseList(string text) =>
        text.Trim().TrimStart('[').TrimEnd(']').Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
