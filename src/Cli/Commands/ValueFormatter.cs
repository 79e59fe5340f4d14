using System.Globalization;
using System.Text;
using GraphEngine.Ops.Core;

namespace GraphEngine.Cli.Commands;

/// <summary>NumPy-style printing of a host tensor, with "..." summaries past a threshold like np.set_printoptions.</summary>
public static class ValueFormatter
{
    /// <summary>Numeric tensors as doubles (for printing and statistics); null for strings and unsupported dtypes.</summary>
    public static double[]? ToDoubles(HostTensor t) => t.DType switch
    {
        DType.Float => Array.ConvertAll(t.ToArray<float>(), x => (double)x),
        DType.Double => t.ToArray<double>(),
        DType.Int32 => Array.ConvertAll(t.ToArray<int>(), x => (double)x),
        DType.Int64 => Array.ConvertAll(t.ToArray<long>(), x => (double)x),
        DType.UInt8 => Array.ConvertAll(t.ToArray<byte>(), x => (double)x),
        DType.Int8 => Array.ConvertAll(t.ToArray<sbyte>(), x => (double)x),
        DType.Int16 => Array.ConvertAll(t.ToArray<short>(), x => (double)x),
        DType.Bool => Array.ConvertAll(t.ToArray<byte>(), x => (double)x),
        _ => null,
    };

    public static string Format(HostTensor t, int threshold = 1000, int edgeItems = 3)
    {
        string[] items;
        if (t.DType == DType.String)
            items = (t.Strings ?? []).Select(s => "b'" + Encoding.UTF8.GetString(s) + "'").ToArray();
        else
        {
            var d = ToDoubles(t);
            if (d == null) return $"<{t.DType.Name()} values not printable>";
            bool isInt = t.DType is not (DType.Float or DType.Double);
            items = d.Select(x => isInt ? x.ToString("R", CultureInfo.InvariantCulture)
                : t.DType == DType.Bool ? (x != 0 ? "True" : "False") : x.ToString("G8", CultureInfo.InvariantCulture)).ToArray();
            if (t.DType == DType.Bool) items = d.Select(x => x != 0 ? "True" : "False").ToArray();
        }
        var dims = t.Dims.ToArray();
        if (dims.Length == 0) return items.Length > 0 ? items[0] : "";
        bool summarise = items.Length > threshold;
        int width = items.Length == 0 ? 0 : items.Max(s => s.Length);
        var sb = new StringBuilder();
        Write(sb, items, dims, 0, 0, summarise, edgeItems, width);
        return sb.ToString();
    }

    static void Write(StringBuilder sb, string[] items, long[] dims, int axis, long offset, bool summarise, int edge, int width)
    {
        long n = dims[axis];
        long stride = 1;
        for (int i = axis + 1; i < dims.Length; i++) stride *= dims[i];
        sb.Append('[');
        bool cut = summarise && n > 2 * edge;
        for (long i = 0; i < n; i++)
        {
            if (cut && i == edge) { sb.Append(axis == dims.Length - 1 ? "..., " : "...,\n" + new string(' ', axis + 1)); i = n - edge; }
            if (axis == dims.Length - 1) sb.Append(items[offset + i].PadLeft(width));
            else Write(sb, items, dims, axis + 1, offset + i * stride, summarise, edge, width);
            if (i < n - 1) sb.Append(axis == dims.Length - 1 ? " " : "\n" + new string(' ', axis + 1));
        }
        sb.Append(']');
    }
}
