using System.Globalization;
using System.Text;
using GraphEngine.Ops.Core;

namespace GraphEngine.Ops.Logging;

/// <summary>
/// TF's Tensor::SummarizeValue: the text Assert, Print (v1 layout) and StringFormat/tf.print
/// (v2, NumPy-like layout) show for a tensor, at most <c>summarize</c> elements (v1) or
/// <c>summarize</c> elements at each end of every dimension (v2). Numbers print as C's %g with
/// the fewest of 6/9 (float) or 15/17 (double) digits that round-trip, as TF's StrCat does.
/// </summary>
public static class TensorSummary
{
    public static string Summarize(HostTensor t, long maxEntries, bool v2)
    {
        long n = t.NumElements;
        if (maxEntries < 0) maxEntries = n;
        long limit = System.Math.Min(maxEntries, n);
        var sb = new StringBuilder();
        if (t.Rank == 0)
        {
            if (n > 0) sb.Append(Element(t, 0, v2));
            return sb.ToString();
        }
        if (v2)
        {
            OneDimV2(t, 0, limit, 0, sb);
            return sb.ToString();
        }
        long index = 0;
        OneDimV1(t, 0, limit, ref index, sb);
        if (n > limit) sb.Append("...");
        return sb.ToString();
    }

    private static void OneDimV1(HostTensor t, int dim, long limit, ref long index, StringBuilder sb)
    {
        if (index >= limit) return;
        long count = t.Dims[dim];
        if (dim == t.Rank - 1)
        {
            for (long i = 0; i < count; i++)
            {
                if (index >= limit)
                {
                    if (dim != 0) sb.Append("...");
                    return;
                }
                if (i > 0) sb.Append(' ');
                sb.Append(Element(t, index++, false));
            }
            return;
        }
        for (long i = 0; i < count; i++)
        {
            bool open = index < limit;
            if (open) sb.Append('[');
            OneDimV1(t, dim + 1, limit, ref index, sb);
            if (index < limit || open) sb.Append(']');
        }
    }

    private static void OneDimV2(HostTensor t, int dim, long ends, long offset, StringBuilder sb)
    {
        if (dim == t.Rank)
        {
            sb.Append(Element(t, offset, true));
            return;
        }
        sb.Append('[');
        long count = t.Dims[dim];
        long startOfEnd = System.Math.Max(ends, count - ends);
        long stride = 1;
        for (int d = dim + 1; d < t.Rank; d++) stride *= t.Dims[d];
        for (long i = 0; i < ends && i < count; i++)
        {
            if (i > 0) Spacing(dim, t.Rank, sb);
            OneDimV2(t, dim + 1, ends, offset + stride * i, sb);
        }
        if (count > 2 * ends)
        {
            Spacing(dim, t.Rank, sb);
            sb.Append("...");
        }
        for (long i = startOfEnd; i < count; i++)
        {
            Spacing(dim, t.Rank, sb);
            OneDimV2(t, dim + 1, ends, offset + stride * i, sb);
        }
        sb.Append(']');
    }

    private static void Spacing(int dim, int rank, StringBuilder sb)
    {
        if (dim == rank - 1)
        {
            sb.Append(' ');
            return;
        }
        sb.Append('\n', rank - dim - 1);
        sb.Append(' ', dim + 1);
    }

    private static string Element(HostTensor t, long i, bool v2)
    {
        int k = checked((int)i);
        return t.DType switch
        {
            DType.Float => Number(t.AsReadOnlySpan<float>()[k]),
            DType.Double => Number(t.AsReadOnlySpan<double>()[k]),
            DType.Int32 => t.AsReadOnlySpan<int>()[k].ToString(CultureInfo.InvariantCulture),
            DType.Int64 => t.AsReadOnlySpan<long>()[k].ToString(CultureInfo.InvariantCulture),
            DType.Int16 => t.AsReadOnlySpan<short>()[k].ToString(CultureInfo.InvariantCulture),
            DType.Int8 => t.AsReadOnlySpan<sbyte>()[k].ToString(CultureInfo.InvariantCulture),
            DType.UInt8 => t.AsReadOnlySpan<byte>()[k].ToString(CultureInfo.InvariantCulture),
            DType.UInt16 => t.AsReadOnlySpan<ushort>()[k].ToString(CultureInfo.InvariantCulture),
            DType.UInt32 => t.AsReadOnlySpan<uint>()[k].ToString(CultureInfo.InvariantCulture),
            DType.UInt64 => t.AsReadOnlySpan<ulong>()[k].ToString(CultureInfo.InvariantCulture),
            DType.Bool => t.AsReadOnlySpan<bool>()[k] ? (v2 ? "True" : "true") : (v2 ? "False" : "false"),
            DType.String => v2 ? "\"" + Escape(t.Strings![k]) + "\"" : Escape(t.Strings![k]),
            _ => $"<{t.DType.Name()}>",
        };
    }

    /// <summary>C's %g with 6 digits, or 9 when 6 do not round-trip (TF's FloatToBuffer).</summary>
    public static string Number(float v)
    {
        if (float.IsNaN(v)) return "nan";
        if (float.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        var s = G(v, 6);
        return float.Parse(s, CultureInfo.InvariantCulture) == v ? s : G(v, 9);
    }

    /// <summary>C's %g with 15 digits, or 17 when 15 do not round-trip (TF's DoubleToBuffer).</summary>
    public static string Number(double v)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        var s = G(v, 15);
        return double.Parse(s, CultureInfo.InvariantCulture) == v ? s : G(v, 17);
    }

    /// <summary>printf("%.{p}g"): .NET's G format with C's exponent spelling (e+05, not E+5).</summary>
    private static string G(double v, int precision)
    {
        if (v == 0) return BitConverter.DoubleToInt64Bits(v) < 0 ? "-0" : "0";
        int exp = (int)System.Math.Floor(System.Math.Log10(System.Math.Abs(v)));
        var rounded = double.Parse(v.ToString("E" + (precision - 1), CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        exp = (int)System.Math.Floor(System.Math.Log10(System.Math.Abs(rounded)));
        if (exp < -4 || exp >= precision)
        {
            var e = rounded.ToString("E" + (precision - 1), CultureInfo.InvariantCulture);   // d.dddE+xxx
            int at = e.IndexOf('E');
            string mantissa = TrimZeros(e[..at]);
            int ev = int.Parse(e[(at + 1)..], CultureInfo.InvariantCulture);
            return mantissa + "e" + (ev < 0 ? "-" : "+") + System.Math.Abs(ev).ToString("00", CultureInfo.InvariantCulture);
        }
        return TrimZeros(rounded.ToString("F" + System.Math.Max(0, precision - 1 - exp), CultureInfo.InvariantCulture));
    }

    private static string TrimZeros(string s) => s.Contains('.') ? s.TrimEnd('0').TrimEnd('.') : s;

    /// <summary>absl::Utf8SafeCEscape: C escapes for control characters, quotes and backslashes.</summary>
    private static string Escape(byte[] bytes)
    {
        var sb = new StringBuilder();
        foreach (char c in Encoding.UTF8.GetString(bytes))
        {
            switch (c)
            {
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\\': sb.Append("\\\\"); break;
                case '\'': sb.Append("\\'"); break;
                case '"': sb.Append("\\\""); break;
                default:
                    if (c < 0x20 || c == 0x7f) sb.Append('\\').Append(Convert.ToString(c, 8).PadLeft(3, '0'));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }
}
