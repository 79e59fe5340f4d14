using System.Collections;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace GraphEngine.Ops.Model.TextFormat;

/// <summary>
/// Prints any message in TF's text-format layout: fields in field-number order, two-space indent,
/// <c>name: value</c> for scalars, <c>name {</c> … <c>}</c> for messages, map entries sorted by key,
/// strings C-escaped with three-digit octal for other bytes (as protobuf's CEscape does).
/// </summary>
internal sealed class TextPrinter
{
    private readonly StringBuilder _out = new();
    private readonly TextFloatStyle _floats;
    private readonly TypeRegistry _registry;

    public TextPrinter(TextFloatStyle floats, TypeRegistry registry)
    {
        _floats = floats;
        _registry = registry;
    }

    public string Print(IMessage message)
    {
        PrintFields(message, 0);
        return _out.ToString();
    }

    private void PrintFields(IMessage message, int indent)
    {
        if (message is Any any && TryPrintExpandedAny(any, indent)) return;
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            var accessor = field.Accessor;
            if (field.IsMap)
            {
                PrintMap(field, (IDictionary)accessor.GetValue(message), indent);
            }
            else if (field.IsRepeated)
            {
                foreach (var item in (IList)accessor.GetValue(message)) PrintValue(field, item, indent);
            }
            else if (field.HasPresence ? accessor.HasValue(message) : !IsDefault(field, accessor.GetValue(message)))
            {
                PrintValue(field, accessor.GetValue(message), indent);
            }
        }
    }

    private void PrintMap(FieldDescriptor field, IDictionary map, int indent)
    {
        if (map.Count == 0) return;
        var keyField = field.MessageType.FindFieldByNumber(1);
        var valueField = field.MessageType.FindFieldByNumber(2);
        var keys = map.Keys.Cast<object>().ToList();
        keys.Sort(CompareKeys);
        foreach (var key in keys)
        {
            Indent(indent).Append(field.Name).Append(" {\n");
            PrintValue(keyField, key, indent + 1);
            PrintValue(valueField, map[key]!, indent + 1);
            Indent(indent).Append("}\n");
        }
    }

    /// <summary>Map keys sort like protobuf's printers: strings bytewise (ordinal on UTF-16 agrees for BMP text), numbers numerically.</summary>
    private static int CompareKeys(object? a, object? b) => a switch
    {
        string sa => string.CompareOrdinal(sa, (string)b!),
        IComparable ca => ca.CompareTo(b),
        _ => 0,
    };

    private void PrintValue(FieldDescriptor field, object value, int indent)
    {
        Indent(indent).Append(field.Name);
        if (field.FieldType is FieldType.Message or FieldType.Group)
        {
            _out.Append(" {\n");
            PrintFields((IMessage)value, indent + 1);
            Indent(indent).Append("}\n");
            return;
        }
        _out.Append(": ");
        AppendScalar(field, value);
        _out.Append('\n');
    }

    private void AppendScalar(FieldDescriptor field, object value)
    {
        switch (field.FieldType)
        {
            case FieldType.String:
                AppendQuoted(Encoding.UTF8.GetBytes((string)value));
                break;
            case FieldType.Bytes:
                AppendQuoted(((ByteString)value).Span);
                break;
            case FieldType.Bool:
                _out.Append((bool)value ? "true" : "false");
                break;
            case FieldType.Float:
                _out.Append(FloatText.Format((float)value, isFloat: true, _floats));
                break;
            case FieldType.Double:
                _out.Append(FloatText.Format((double)value, isFloat: false, _floats));
                break;
            case FieldType.Enum:
                {
                    int number = Convert.ToInt32(value, CultureInfo.InvariantCulture);
                    var v = field.EnumType.FindValueByNumber(number);
                    _out.Append(v != null ? v.Name : number.ToString(CultureInfo.InvariantCulture));
                    break;
                }
            default:
                _out.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private void AppendQuoted(ReadOnlySpan<byte> bytes)
    {
        _out.Append('"');
        TextEscaping.CEscape(bytes, _out);
        _out.Append('"');
    }

    private bool TryPrintExpandedAny(Any any, int indent)
    {
        string name = Any.GetTypeName(any.TypeUrl);
        var type = _registry.Find(name);
        if (type == null) return false;
        IMessage inner;
        try { inner = type.Parser.ParseFrom(any.Value); }
        catch (InvalidProtocolBufferException) { return false; }
        Indent(indent).Append('[').Append(any.TypeUrl).Append("] {\n");
        PrintFields(inner, indent + 1);
        Indent(indent).Append("}\n");
        return true;
    }

    private static bool IsDefault(FieldDescriptor field, object value) => value switch
    {
        string s => s.Length == 0,
        ByteString b => b.Length == 0,
        bool b => !b,
        int i => i == 0,
        long l => l == 0,
        uint u => u == 0,
        ulong u => u == 0,
        // Proto3 omits exactly +0.0: -0.0 has a different bit pattern and is printed.
        float f => BitConverter.SingleToInt32Bits(f) == 0,
        double d => BitConverter.DoubleToInt64Bits(d) == 0,
        System.Enum e => Convert.ToInt32(e, CultureInfo.InvariantCulture) == 0,
        null => true,
        _ => false,
    };

    private StringBuilder Indent(int level) => _out.Append(' ', 2 * level);
}

internal static class TextEscaping
{
    /// <summary>C-style escaping as protobuf's CEscape: \n \r \t \" \' \\ named, other non-printables as \ooo.</summary>
    public static void CEscape(ReadOnlySpan<byte> bytes, StringBuilder sb)
    {
        foreach (byte b in bytes)
        {
            switch (b)
            {
                case (byte)'\n': sb.Append("\\n"); break;
                case (byte)'\r': sb.Append("\\r"); break;
                case (byte)'\t': sb.Append("\\t"); break;
                case (byte)'"': sb.Append("\\\""); break;
                case (byte)'\'': sb.Append("\\'"); break;
                case (byte)'\\': sb.Append("\\\\"); break;
                default:
                    if (b < 0x20 || b >= 0x7f)
                        sb.Append('\\').Append((char)('0' + (b >> 6))).Append((char)('0' + ((b >> 3) & 7))).Append((char)('0' + (b & 7)));
                    else
                        sb.Append((char)b);
                    break;
            }
        }
    }
}
