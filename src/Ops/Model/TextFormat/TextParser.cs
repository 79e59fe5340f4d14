using System.Collections;
using System.Globalization;
using System.Text;
using GraphEngine.Ops.Core;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace GraphEngine.Ops.Model.TextFormat;

/// <summary>
/// Parses protobuf text format into any generated message, driven by its descriptor (the same
/// grammar TF's C++ and Python parsers accept). Every malformed input becomes an
/// InvalidArgumentException naming source:line:column and what was expected.
/// </summary>
internal sealed class TextParser
{
    // Deeper nesting than this is refused instead of risking a stack overflow on hostile input.
    private const int MaxDepth = 100;

    private readonly TextTokenizer _tok;
    private readonly TypeRegistry _registry;

    public TextParser(byte[] text, string source, TypeRegistry registry)
    {
        _tok = new TextTokenizer(text, source);
        _registry = registry;
    }

    public void ParseInto(IMessage message)
    {
        ParseFields(message, endSymbol: null, depth: 0);
        if (_tok.Current.Kind != TokenKind.End)
            throw _tok.Error(_tok.Current, $"expected a field name, got {_tok.Current.Describe()}.");
    }

    private void ParseFields(IMessage message, char? endSymbol, int depth)
    {
        if (depth > MaxDepth) throw _tok.Error(_tok.Current, $"messages nested deeper than {MaxDepth} levels.");
        while (true)
        {
            var t = _tok.Current;
            if (endSymbol != null && t.Is(endSymbol.Value))
            {
                _tok.Next();
                return;
            }
            if (t.Kind == TokenKind.End)
            {
                if (endSymbol == null) return;
                throw _tok.Error(t, $"expected '{endSymbol}' to close message {message.Descriptor.FullName}, got end of input.");
            }
            ParseField(message, depth);
            if (_tok.Current.Is(',') || _tok.Current.Is(';')) _tok.Next();
        }
    }

    private void ParseField(IMessage message, int depth)
    {
        var desc = message.Descriptor;
        var nameTok = _tok.Next();
        if (nameTok.Is('['))
        {
            ParseExpandedAny(message, nameTok, depth);
            return;
        }
        if (nameTok.Kind != TokenKind.Identifier)
            throw _tok.Error(nameTok, $"expected a field name of message {desc.FullName}, got {nameTok.Describe()}.");
        var field = desc.FindFieldByName(nameTok.Text)
            ?? throw _tok.Error(nameTok, $"message {desc.FullName} has no field named '{nameTok.Text}'.");

        if (field.IsMap)
        {
            var map = (IDictionary)field.Accessor.GetValue(message);
            ParseRepeatedOrSingle(field, () => ParseMapEntry(field, map, depth));
            return;
        }
        if (field.FieldType == FieldType.Message || field.FieldType == FieldType.Group)
        {
            if (field.IsRepeated)
            {
                var list = (IList)field.Accessor.GetValue(message);
                ParseRepeatedOrSingle(field, () => list.Add(ParseMessageValue(field.MessageType, null, depth)));
            }
            else
            {
                // A singular message written twice merges, as protobuf's own parsers do.
                var existing = field.Accessor.HasValue(message) ? (IMessage)field.Accessor.GetValue(message) : null;
                var value = ParseMessageValue(field.MessageType, existing, depth);
                if (existing == null) field.Accessor.SetValue(message, value);
            }
            return;
        }
        Expect(':', $"':' after field name '{field.Name}'");
        if (field.IsRepeated)
        {
            var list = (IList)field.Accessor.GetValue(message);
            if (_tok.Current.Is('['))
            {
                _tok.Next();
                if (_tok.Current.Is(']')) { _tok.Next(); return; }
                while (true)
                {
                    list.Add(ParseScalar(field));
                    var sep = _tok.Next();
                    if (sep.Is(']')) return;
                    if (!sep.Is(',')) throw _tok.Error(sep, $"expected ',' or ']' in list of field '{field.Name}', got {sep.Describe()}.");
                }
            }
            list.Add(ParseScalar(field));
            return;
        }
        field.Accessor.SetValue(message, ParseScalar(field));
    }

    /// <summary>Message-valued fields take an optional ':' and then one value or a [v, v] list.</summary>
    private void ParseRepeatedOrSingle(FieldDescriptor field, Action parseOne)
    {
        if (_tok.Current.Is(':')) _tok.Next();
        if (_tok.Current.Is('[') && field.IsRepeated)
        {
            _tok.Next();
            if (_tok.Current.Is(']')) { _tok.Next(); return; }
            while (true)
            {
                parseOne();
                var sep = _tok.Next();
                if (sep.Is(']')) return;
                if (!sep.Is(',')) throw _tok.Error(sep, $"expected ',' or ']' in list of field '{field.Name}', got {sep.Describe()}.");
            }
        }
        parseOne();
    }

    private IMessage ParseMessageValue(MessageDescriptor type, IMessage? into, int depth)
    {
        if (_tok.Current.Is(':')) _tok.Next();
        var open = _tok.Next();
        char close = open.Is('{') ? '}' : open.Is('<') ? '>'
            : throw _tok.Error(open, $"expected '{{' or '<' to open message {type.FullName}, got {open.Describe()}.");
        var msg = into ?? NewMessage(type);
        ParseFields(msg, close, depth + 1);
        return msg;
    }

    /// <summary>Map entries are written as messages with fields key and value; we have no entry type, so parse them here.</summary>
    private void ParseMapEntry(FieldDescriptor mapField, IDictionary map, int depth)
    {
        var entry = mapField.MessageType;
        var keyField = entry.FindFieldByNumber(1);
        var valueField = entry.FindFieldByNumber(2);
        var open = _tok.Next();
        char close = open.Is('{') ? '}' : open.Is('<') ? '>'
            : throw _tok.Error(open, $"expected '{{' or '<' to open an entry of map '{mapField.Name}', got {open.Describe()}.");
        object? key = null, value = null;
        while (!_tok.Current.Is(close))
        {
            var name = _tok.Next();
            if (name.Kind != TokenKind.Identifier || (name.Text != "key" && name.Text != "value"))
                throw _tok.Error(name, $"expected 'key' or 'value' in an entry of map '{mapField.Name}', got {name.Describe()}.");
            var f = name.Text == "key" ? keyField : valueField;
            object v;
            if (f.FieldType == FieldType.Message)
            {
                v = ParseMessageValue(f.MessageType, name.Text == "value" ? value as IMessage : null, depth);
            }
            else
            {
                Expect(':', $"':' after '{name.Text}'");
                v = ParseScalar(f);
            }
            if (name.Text == "key") key = v; else value = v;
            if (_tok.Current.Is(',') || _tok.Current.Is(';')) _tok.Next();
        }
        _tok.Next();
        key ??= DefaultOf(keyField);
        value ??= valueField.FieldType == FieldType.Message ? NewMessage(valueField.MessageType) : DefaultOf(valueField);
        map[key] = value;
    }

    private static object DefaultOf(FieldDescriptor f) => f.FieldType switch
    {
        FieldType.String => "",
        FieldType.Bytes => ByteString.Empty,
        FieldType.Bool => false,
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => 0,
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => 0L,
        FieldType.UInt32 or FieldType.Fixed32 => 0u,
        FieldType.UInt64 or FieldType.Fixed64 => 0UL,
        FieldType.Float => 0f,
        FieldType.Double => 0d,
        FieldType.Enum => System.Enum.ToObject(f.EnumType.ClrType, 0),
        _ => throw new InternalException($"No default for map field type {f.FieldType}."),
    };

    /// <summary>google.protobuf.Any written as <c>[type.googleapis.com/pkg.Type] { ... }</c>.</summary>
    private void ParseExpandedAny(IMessage message, Token open, int depth)
    {
        if (message is not Any any)
            throw _tok.Error(open, $"extensions are not supported; '[' may only open an expanded Any, and {message.Descriptor.FullName} is not google.protobuf.Any.");
        var url = new StringBuilder();
        while (!_tok.Current.Is(']'))
        {
            var t = _tok.Next();
            if (t.Kind is TokenKind.End or TokenKind.String)
                throw _tok.Error(t, $"expected a type URL and ']' in an expanded Any, got {t.Describe()}.");
            url.Append(t.Text);
        }
        _tok.Next();
        string typeUrl = url.ToString();
        string typeName = typeUrl[(typeUrl.LastIndexOf('/') + 1)..];
        var type = _registry.Find(typeName)
            ?? throw _tok.Error(open, $"unknown type '{typeName}' in expanded Any (known: the tensorflow.* messages of this library).");
        var inner = ParseMessageValue(type, null, depth);
        any.TypeUrl = typeUrl;
        any.Value = inner.ToByteString();
    }

    private object ParseScalar(FieldDescriptor field)
    {
        switch (field.FieldType)
        {
            case FieldType.String:
                {
                    var t = _tok.Current;
                    var bytes = ParseStringBytes(field);
                    try { return new UTF8Encoding(false, true).GetString(bytes); }
                    catch (DecoderFallbackException) { throw _tok.Error(t, $"field '{field.Name}' is a string and must hold valid UTF-8."); }
                }
            case FieldType.Bytes:
                return ByteString.CopyFrom(ParseStringBytes(field));
            case FieldType.Bool:
                return ParseBool(field);
            case FieldType.Float:
                return (float)ParseFloating(field);
            case FieldType.Double:
                return ParseFloating(field);
            case FieldType.Enum:
                return ParseEnum(field);
            case FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32:
                return (int)ParseInteger(field, int.MinValue, int.MaxValue);
            case FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64:
                return (long)ParseInteger(field, long.MinValue, long.MaxValue);
            case FieldType.UInt32 or FieldType.Fixed32:
                return (uint)ParseInteger(field, 0, uint.MaxValue);
            case FieldType.UInt64 or FieldType.Fixed64:
                return (ulong)ParseInteger(field, 0, ulong.MaxValue);
            default:
                throw _tok.Error(_tok.Current, $"field '{field.Name}' has unsupported type {field.FieldType}.");
        }
    }

    private byte[] ParseStringBytes(FieldDescriptor field)
    {
        var first = _tok.Next();
        if (first.Kind != TokenKind.String)
            throw _tok.Error(first, $"expected a quoted string for field '{field.Name}', got {first.Describe()}.");
        if (_tok.Current.Kind != TokenKind.String) return first.Bytes!;
        // Adjacent literals concatenate, as in C.
        var all = new List<byte>(first.Bytes!);
        while (_tok.Current.Kind == TokenKind.String) all.AddRange(_tok.Next().Bytes!);
        return all.ToArray();
    }

    private bool ParseBool(FieldDescriptor field)
    {
        var t = _tok.Next();
        return t.Text switch
        {
            "true" or "True" or "t" or "1" => true,
            "false" or "False" or "f" or "0" => false,
            _ => throw _tok.Error(t, $"expected true or false for field '{field.Name}', got {t.Describe()}."),
        };
    }

    private object ParseEnum(FieldDescriptor field)
    {
        var t = _tok.Current;
        int number;
        if (t.Kind == TokenKind.Identifier)
        {
            _tok.Next();
            var v = field.EnumType.FindValueByName(t.Text)
                ?? throw _tok.Error(t, $"enum {field.EnumType.FullName} has no value named '{t.Text}' (field '{field.Name}').");
            number = v.Number;
        }
        else
        {
            number = (int)ParseInteger(field, int.MinValue, int.MaxValue);
        }
        return System.Enum.ToObject(field.EnumType.ClrType, number);
    }

    /// <summary>Integers as decimal, hex (0x) or octal (leading 0), with an optional '-'; range-checked.</summary>
    private Int128 ParseInteger(FieldDescriptor field, Int128 min, Int128 max)
    {
        bool negative = false;
        var t = _tok.Next();
        if (t.Is('-'))
        {
            negative = true;
            t = _tok.Next();
        }
        if (t.Kind != TokenKind.Number)
            throw _tok.Error(t, $"expected an integer for field '{field.Name}', got {t.Describe()}.");
        string s = t.Text;
        Int128 value;
        bool ok;
        if (s.Length > 2 && s[0] == '0' && (s[1] | 0x20) == 'x')
        {
            ok = UInt128.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var u) && u <= (UInt128)Int128.MaxValue;
            value = ok ? (Int128)u : 0;
        }
        else if (s.Length > 1 && s[0] == '0')
            ok = TryParseOctal(s.AsSpan(1), out value);
        else
            ok = Int128.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        if (!ok) throw _tok.Error(t, $"expected an integer for field '{field.Name}', got '{s}'.");
        if (negative) value = -value;
        if (value < min || value > max)
            throw _tok.Error(t, $"integer {(negative ? "-" : "")}{s} is out of range [{min}, {max}] for field '{field.Name}'.");
        return value;
    }

    private static IMessage NewMessage(MessageDescriptor type) => type.Parser.ParseFrom(ByteString.Empty);

    private static bool TryParseOctal(ReadOnlySpan<char> s, out Int128 value)
    {
        value = 0;
        foreach (char c in s)
        {
            if (c < '0' || c > '7' || value > Int128.MaxValue / 8) return false;
            value = value * 8 + (c - '0');
        }
        return true;
    }

    private double ParseFloating(FieldDescriptor field)
    {
        bool negative = false;
        var t = _tok.Next();
        if (t.Is('-'))
        {
            negative = true;
            t = _tok.Next();
        }
        double v;
        if (t.Kind == TokenKind.Identifier)
        {
            string lower = t.Text.ToLowerInvariant();
            v = lower is "inf" or "infinity" or "inff" or "infinityf" ? double.PositiveInfinity
                : lower is "nan" or "nanf" ? double.NaN
                : throw _tok.Error(t, $"expected a number for field '{field.Name}', got {t.Describe()}.");
        }
        else if (t.Kind == TokenKind.Number)
        {
            string s = t.Text;
            if (s.EndsWith('f') || s.EndsWith('F')) s = s[..^1];
            if (s.Length > 2 && s[0] == '0' && (s[1] | 0x20) == 'x' &&
                ulong.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
                v = hex;
            else if (!double.TryParse(s, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out v))
                throw _tok.Error(t, $"expected a number for field '{field.Name}', got '{t.Text}'.");
        }
        else
        {
            throw _tok.Error(t, $"expected a number for field '{field.Name}', got {t.Describe()}.");
        }
        return negative ? -v : v;
    }

    private void Expect(char symbol, string what)
    {
        var t = _tok.Next();
        if (!t.Is(symbol)) throw _tok.Error(t, $"expected {what}, got {t.Describe()}.");
    }
}
