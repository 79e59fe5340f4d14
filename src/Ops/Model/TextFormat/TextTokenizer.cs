using GraphEngine.Ops.Core;

namespace GraphEngine.Ops.Model.TextFormat;

internal enum TokenKind
{
    End,
    Identifier,
    Number,
    String,
    Symbol,
}

/// <summary>One token with the 1-based line and column where it starts (for error messages).</summary>
internal readonly record struct Token(TokenKind Kind, string Text, byte[]? Bytes, int Line, int Column)
{
    public bool Is(char symbol) => Kind == TokenKind.Symbol && Text.Length == 1 && Text[0] == symbol;

    public string Describe() => Kind switch
    {
        TokenKind.End => "end of input",
        TokenKind.String => "a string",
        _ => $"'{Text}'",
    };
}

/// <summary>
/// Splits protobuf text format into tokens. Works on bytes, not chars, because quoted strings
/// may hold arbitrary bytes (raw UTF-8 or C escapes) that bytes fields must keep exactly.
/// Comments run from '#' to the end of the line.
/// </summary>
internal sealed class TextTokenizer
{
    private readonly byte[] _text;
    private readonly string _source;
    private int _pos;
    private int _line = 1;
    private int _lineStart;

    public TextTokenizer(byte[] text, string source)
    {
        _text = text;
        _source = source;
        Current = ReadToken();
    }

    public Token Current { get; private set; }

    public string Source => _source;

    /// <summary>Consumes the current token and returns it.</summary>
    public Token Next()
    {
        var t = Current;
        Current = ReadToken();
        return t;
    }

    public InvalidArgumentException Error(Token at, string message) =>
        new($"{_source}:{at.Line}:{at.Column}: {message}");

    private Token ReadToken()
    {
        SkipWhitespaceAndComments();
        int line = _line, col = _pos - _lineStart + 1;
        if (_pos >= _text.Length) return new Token(TokenKind.End, "", null, line, col);
        byte c = _text[_pos];
        if (IsLetter(c))
        {
            int start = _pos;
            while (_pos < _text.Length && (IsLetter(_text[_pos]) || IsDigit(_text[_pos]))) _pos++;
            return new Token(TokenKind.Identifier, Ascii(start, _pos), null, line, col);
        }
        if (IsDigit(c) || (c == '.' && _pos + 1 < _text.Length && IsDigit(_text[_pos + 1])))
            return ReadNumber(line, col);
        if (c is (byte)'"' or (byte)'\'')
            return ReadString(c, line, col);
        if (c < 0x20 || c >= 0x7f)
            throw new InvalidArgumentException($"{_source}:{line}:{col}: unexpected byte 0x{c:x2}.");
        _pos++;
        return new Token(TokenKind.Symbol, ((char)c).ToString(), null, line, col);
    }

    private void SkipWhitespaceAndComments()
    {
        while (_pos < _text.Length)
        {
            byte c = _text[_pos];
            if (c == '\n')
            {
                _pos++;
                _line++;
                _lineStart = _pos;
            }
            else if (c is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\v' or (byte)'\f')
            {
                _pos++;
            }
            else if (c == '#')
            {
                while (_pos < _text.Length && _text[_pos] != '\n') _pos++;
            }
            else
            {
                return;
            }
        }
    }

    private Token ReadNumber(int line, int col)
    {
        // Numbers are read loosely (digits, letters, dots, exponent signs) and checked when the
        // parser knows the field type, so "1e-05", "0x1F", "1.5f" and "inf" all reach it intact.
        int start = _pos;
        bool hex = _pos + 1 < _text.Length && _text[_pos] == '0' && (_text[_pos + 1] | 0x20) == 'x';
        while (_pos < _text.Length)
        {
            byte c = _text[_pos];
            if (IsLetter(c) || IsDigit(c) || c == '.')
            {
                _pos++;
            }
            else if ((c == '-' || c == '+') && !hex && (_text[_pos - 1] | 0x20) == 'e')
            {
                _pos++;
            }
            else
            {
                break;
            }
        }
        return new Token(TokenKind.Number, Ascii(start, _pos), null, line, col);
    }

    private Token ReadString(byte quote, int line, int col)
    {
        _pos++;
        var bytes = new List<byte>();
        while (true)
        {
            if (_pos >= _text.Length || _text[_pos] == '\n')
                throw new InvalidArgumentException($"{_source}:{line}:{col}: string literal is not closed with {(char)quote}.");
            byte c = _text[_pos++];
            if (c == quote) break;
            if (c != '\\')
            {
                bytes.Add(c);
                continue;
            }
            if (_pos >= _text.Length)
                throw new InvalidArgumentException($"{_source}:{line}:{col}: string literal ends inside an escape.");
            ReadEscape(bytes, line, col);
        }
        return new Token(TokenKind.String, "", bytes.ToArray(), line, col);
    }

    private void ReadEscape(List<byte> bytes, int line, int col)
    {
        byte e = _text[_pos++];
        switch (e)
        {
            case (byte)'n': bytes.Add((byte)'\n'); return;
            case (byte)'r': bytes.Add((byte)'\r'); return;
            case (byte)'t': bytes.Add((byte)'\t'); return;
            case (byte)'a': bytes.Add(7); return;
            case (byte)'b': bytes.Add(8); return;
            case (byte)'f': bytes.Add(12); return;
            case (byte)'v': bytes.Add(11); return;
            case (byte)'\\': case (byte)'\'': case (byte)'"': case (byte)'?': bytes.Add(e); return;
        }
        if (e >= '0' && e <= '7')
        {
            // Up to three octal digits, as C and TF's CEscape write them.
            int v = e - '0';
            for (int k = 0; k < 2 && _pos < _text.Length && _text[_pos] >= '0' && _text[_pos] <= '7'; k++)
                v = v * 8 + (_text[_pos++] - '0');
            if (v > 255) throw new InvalidArgumentException($"{_source}:{line}:{col}: octal escape \\{Convert.ToString(v, 8)} is larger than a byte.");
            bytes.Add((byte)v);
            return;
        }
        if (e is (byte)'x' or (byte)'X')
        {
            int v = 0, n = 0;
            while (n < 2 && _pos < _text.Length && HexValue(_text[_pos]) >= 0)
            {
                v = v * 16 + HexValue(_text[_pos++]);
                n++;
            }
            if (n == 0) throw new InvalidArgumentException($"{_source}:{line}:{col}: \\x escape without hex digits.");
            bytes.Add((byte)v);
            return;
        }
        throw new InvalidArgumentException($"{_source}:{line}:{col}: unknown escape sequence \\{(char)e} in string.");
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    private static bool IsLetter(byte c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';

    private static bool IsDigit(byte c) => c >= '0' && c <= '9';

    private string Ascii(int start, int end) => System.Text.Encoding.ASCII.GetString(_text, start, end - start);
}
