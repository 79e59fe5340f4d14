using System.Globalization;

namespace GraphEngine.Ops.Model.TextFormat;

/// <summary>
/// How a text-format printer spells float and double values. TF's text files were written by
/// different printers, and each spells the same float differently; reproducing a file byte for
/// byte needs the printer that wrote it:
/// <list type="bullet">
/// <item><see cref="Cpp"/>: protobuf C++ (TF's C++ tools, ops.pbtxt, TF2 write_graph):
///   %.6g for floats (%.15g for doubles), widened to %.9g (%.17g) when that does not round-trip: "1", "0.1", "1e-05".</item>
/// <item><see cref="Python3"/>: Python 3 protobuf before 3.8 (TF 1.x write_graph under Python 3):
///   repr() of the float widened to double: "1.0", "0.10000000149011612".</item>
/// <item><see cref="Python2"/>: Python 2 protobuf (TF 1.x under Python 2): str() = %.12g, ".0" added to integers:
///   "1.0", "0.949999988079", "9.99999993923e-09".</item>
/// <item><see cref="PythonShortest"/>: Python protobuf 3.8+: the shortest decimal that round-trips as a float,
///   written like repr(): "1.0", "0.1".</item>
/// </list>
/// </summary>
public enum TextFloatStyle
{
    Cpp,
    Python3,
    Python2,
    PythonShortest,
}

internal static class FloatText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Format(double value, bool isFloat, TextFloatStyle style)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        switch (style)
        {
            case TextFloatStyle.Cpp:
                if (isFloat)
                {
                    float f = (float)value;
                    string s = FormatG(f, 6);
                    return float.Parse(s, Inv) == f ? s : FormatG(f, 9);
                }
                else
                {
                    string s = FormatG(value, 15);
                    return double.Parse(s, Inv) == value ? s : FormatG(value, 17);
                }
            case TextFloatStyle.Python2:
                {
                    string s = FormatG(value, 12);
                    return s.AsSpan().IndexOfAny(".en") < 0 ? s + ".0" : s;
                }
            case TextFloatStyle.PythonShortest when isFloat:
                return Repr(((float)value).ToString("R", Inv));
            default:
                return Repr(value.ToString("R", Inv));
        }
    }

    /// <summary>C's printf("%.{precision}g").</summary>
    public static string FormatG(double value, int precision)
    {
        if (value == 0) return double.IsNegative(value) ? "-0" : "0";
        string e = value.ToString("E" + (precision - 1), Inv);
        int ePos = e.IndexOf('E');
        int exp = int.Parse(e.AsSpan(ePos + 1), NumberStyles.AllowLeadingSign, Inv);
        if (exp < -4 || exp >= precision)
        {
            string mantissa = TrimZeros(e[..ePos]);
            return mantissa + "e" + (exp < 0 ? "-" : "+") + System.Math.Abs(exp).ToString("00", Inv);
        }
        return TrimZeros(value.ToString("F" + (precision - 1 - exp), Inv));
    }

    private static string TrimZeros(string s)
    {
        if (!s.Contains('.')) return s;
        s = s.TrimEnd('0');
        return s.EndsWith('.') ? s[..^1] : s;
    }

    /// <summary>
    /// Python's repr() layout for the shortest digits in <paramref name="shortest"/> (a .NET "R"
    /// string): positional when the decimal exponent is in [-4, 16), else d.ddde±XX; ".0" on integers.
    /// </summary>
    private static string Repr(string shortest)
    {
        bool negative = shortest.StartsWith('-');
        if (negative) shortest = shortest[1..];
        int ePos = shortest.IndexOfAny(['E', 'e']);
        int exp10 = 0;
        string mant = shortest;
        if (ePos >= 0)
        {
            exp10 = int.Parse(shortest.AsSpan(ePos + 1), NumberStyles.AllowLeadingSign, Inv);
            mant = shortest[..ePos];
        }
        int dot = mant.IndexOf('.');
        string digits = dot < 0 ? mant : mant.Remove(dot, 1);
        int pointPos = (dot < 0 ? mant.Length : dot) + exp10;
        // Normalise: strip leading zeros (moving the point) and trailing zeros.
        int lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0') { lead++; pointPos--; }
        digits = digits[lead..].TrimEnd('0');
        if (digits.Length == 0) { digits = "0"; pointPos = 1; }
        // digits = d1 d2 ..., value = 0.d1d2... * 10^pointPos
        string body;
        if (pointPos <= -4 || pointPos > 16)
        {
            int x = pointPos - 1;
            body = digits[..1] + (digits.Length > 1 ? "." + digits[1..] : "") + "e" + (x < 0 ? "-" : "+") + System.Math.Abs(x).ToString("00", Inv);
        }
        else if (pointPos <= 0)
        {
            body = "0." + new string('0', -pointPos) + digits;
        }
        else if (pointPos >= digits.Length)
        {
            body = digits + new string('0', pointPos - digits.Length) + ".0";
        }
        else
        {
            body = digits[..pointPos] + "." + digits[pointPos..];
        }
        return negative ? "-" + body : body;
    }
}
