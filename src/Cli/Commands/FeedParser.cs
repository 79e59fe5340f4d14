using System.Globalization;
using System.Text;
using System.Text.Json;
using GraphEngine.Data;
using GraphEngine.Ops.Core;

namespace GraphEngine.Cli.Commands;

/// <summary>
/// Values given on the command line: <c>name=file.npy</c>, <c>name=file.csv</c>, or a JSON-like literal
/// (<c>name=[[1,2],[3,4]]</c>, <c>name=3.5</c>, <c>name="text"</c>), and <c>--inputs_json</c> objects of name → literal.
/// Numbers are parsed as float64 and converted to the fed tensor's dtype later.
/// </summary>
public static class FeedParser
{
    /// <summary>Splits NAME=VALUE at the first '=' (tensor names have none; values such as paths may).</summary>
    public static (string Name, string Value) SplitPair(string spec, string option)
    {
        int eq = spec.IndexOf('=');
        if (eq <= 0 || eq == spec.Length - 1)
            throw new UsageException($"{option} expects NAME=VALUE (a .npy or .csv file, or a literal such as [[1,2],[3,4]]), got '{spec}'");
        return (spec[..eq], spec[(eq + 1)..]);
    }

    public static HostTensor ParseValue(string value, string name)
    {
        if (value.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)) return Npy.LoadTensor(RequireFile(value, name));
        if (value.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) return ParseCsv(RequireFile(value, name));
        JsonDocument doc;
        try { doc = JsonDocument.Parse(value); }
        catch (JsonException e)
        {
            throw new UsageException($"input '{name}': '{Short(value)}' is neither a .npy/.csv file nor a literal such as [[1,2],[3,4]] ({e.Message.Split('.')[0]})");
        }
        using (doc) return FromJson(doc.RootElement, name);
    }

    /// <summary>--inputs_json: a JSON object (inline, or the path of a file holding one) mapping names to literals.</summary>
    public static List<(string Name, HostTensor Value)> ParseInputsJson(string text)
    {
        if (!text.TrimStart().StartsWith('{'))
            text = File.Exists(text) ? File.ReadAllText(text)
                : throw new UsageException($"--inputs_json: '{Short(text)}' is neither a JSON object nor an existing file");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(text); }
        catch (JsonException e) { throw new UsageException($"--inputs_json is not valid JSON: {e.Message.Split('.')[0]}"); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new UsageException("--inputs_json must be a JSON object mapping input names to values");
            return doc.RootElement.EnumerateObject().Select(p => (p.Name, FromJson(p.Value, p.Name))).ToList();
        }
    }

    static string RequireFile(string path, string name) =>
        File.Exists(path) ? path : throw new NotFoundException($"input '{name}': file '{path}' does not exist");

    static string Short(string s) => s.Length > 60 ? s[..60] + "…" : s;

    /// <summary>A rectangular nested array of numbers, booleans or strings; the nesting gives the shape.</summary>
    public static HostTensor FromJson(JsonElement e, string name)
    {
        var dims = new List<long>();
        var probe = e;
        while (probe.ValueKind == JsonValueKind.Array)
        {
            dims.Add(probe.GetArrayLength());
            if (probe.GetArrayLength() == 0) break;
            probe = probe[0];
        }
        var leaves = new List<JsonElement>();
        Collect(e, 0, dims, leaves, name);
        var kind = leaves.Count == 0 ? JsonValueKind.Number : leaves[0].ValueKind;
        if (leaves.Any(l => Kind(l.ValueKind) != Kind(kind)))
            throw new UsageException($"input '{name}': a literal must hold only numbers, only booleans or only strings");
        var shape = dims.ToArray();
        return kind switch
        {
            JsonValueKind.String => HostTensor.FromStrings(leaves.Select(l => Encoding.UTF8.GetBytes(l.GetString()!)).ToArray(), shape),
            JsonValueKind.True or JsonValueKind.False => HostTensor.FromSpan<bool>(leaves.Select(l => l.GetBoolean()).ToArray(), shape),
            JsonValueKind.Number => HostTensor.FromSpan<double>(leaves.Select(l => l.GetDouble()).ToArray(), shape),
            _ => throw new UsageException($"input '{name}': unsupported literal element {kind}"),
        };
    }

    static int Kind(JsonValueKind k) => k is JsonValueKind.True or JsonValueKind.False ? 1 : k == JsonValueKind.String ? 2 : k == JsonValueKind.Number ? 0 : 3;

    static void Collect(JsonElement e, int depth, List<long> dims, List<JsonElement> leaves, string name)
    {
        if (depth == dims.Count)
        {
            if (e.ValueKind == JsonValueKind.Array)
                throw new UsageException($"input '{name}': ragged literal (nesting deeper than the first element's at depth {depth})");
            leaves.Add(e);
            return;
        }
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() != dims[depth])
            throw new UsageException($"input '{name}': ragged literal (at depth {depth} expected a list of {dims[depth]} elements)");
        foreach (var c in e.EnumerateArray()) Collect(c, depth + 1, dims, leaves, name);
    }

    /// <summary>Comma-separated numbers, one row per line → [rows, columns]; a first line that is not numeric is a header and skipped.</summary>
    public static HostTensor ParseCsv(string path)
    {
        var rows = new List<double[]>();
        int lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var cells = line.Split(',', StringSplitOptions.TrimEntries);
            var values = new double[cells.Length];
            bool ok = true;
            for (int i = 0; i < cells.Length && ok; i++)
                ok = double.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]);
            if (!ok)
            {
                if (rows.Count == 0 && lineNo == 1) continue;
                throw new InvalidArgumentException($"{path}:{lineNo}: '{Short(line)}' is not a row of comma-separated numbers");
            }
            if (rows.Count > 0 && values.Length != rows[0].Length)
                throw new InvalidArgumentException($"{path}:{lineNo}: row has {values.Length} columns, the first row has {rows[0].Length}");
            rows.Add(values);
        }
        if (rows.Count == 0) throw new InvalidArgumentException($"{path}: CSV file holds no rows of numbers");
        return HostTensor.FromSpan<double>(rows.SelectMany(r => r).ToArray(), [rows.Count, rows[0].Length]);
    }

    /// <summary>
    /// Converts a parsed value to the dtype of the tensor it feeds, and, for literals and CSV, to its shape
    /// when only the layout differs (same element count: a CSV row for a vector, [[1],[2]] for [2]).
    /// </summary>
    public static HostTensor Conform(HostTensor value, DType dtype, TensorShape target, string name)
    {
        var t = value;
        dtype = dtype.BaseType();
        if (t.DType != dtype)
        {
            if (t.DType == DType.String || dtype == DType.String)
                throw new InvalidArgumentException($"input '{name}': cannot feed {t.DType.Name()} values to a {dtype.Name()} tensor");
            t = Cast(t, dtype, name);
        }
        if (target.HasRank && !target.IsCompatibleWith(t.Shape))
        {
            var dims = target.ToArray();
            int unknown = dims.Count(d => d < 0);
            long known = dims.Where(d => d >= 0).Aggregate(1L, (a, b) => a * b);
            if (unknown <= 1 && known > 0 && t.NumElements % known == 0 && (unknown == 1 || known == t.NumElements))
                t = t.Reshaped(dims.Select(d => d < 0 ? t.NumElements / known : d).ToArray());
        }
        return t;
    }

    static HostTensor Cast(HostTensor t, DType dtype, string name)
    {
        var v = ValueFormatter.ToDoubles(t) ?? throw new InvalidArgumentException($"input '{name}': {t.DType.Name()} values cannot be converted");
        var dims = t.Dims;
        bool integral = dtype is DType.Int32 or DType.Int64 or DType.UInt8 or DType.Int8 or DType.Int16;
        if (integral && v.Any(x => x != Math.Floor(x)))
            throw new InvalidArgumentException($"input '{name}': non-integer values cannot be fed to a {dtype.Name()} tensor");
        try { return CastChecked(v, dims, dtype, name); }
        catch (OverflowException)
        {
            throw new InvalidArgumentException($"input '{name}': a value is out of the range of {dtype.Name()}");
        }
    }

    static HostTensor CastChecked(double[] v, ReadOnlySpan<long> dims, DType dtype, string name)
    {
        return dtype switch
        {
            DType.Float => HostTensor.FromSpan<float>(v.Select(x => (float)x).ToArray(), dims),
            DType.Double => HostTensor.FromSpan<double>(v, dims),
            DType.Int32 => HostTensor.FromSpan<int>(v.Select(x => checked((int)x)).ToArray(), dims),
            DType.Int64 => HostTensor.FromSpan<long>(v.Select(x => checked((long)x)).ToArray(), dims),
            DType.UInt8 => HostTensor.FromSpan<byte>(v.Select(x => checked((byte)x)).ToArray(), dims),
            DType.Int8 => HostTensor.FromSpan<sbyte>(v.Select(x => checked((sbyte)x)).ToArray(), dims),
            DType.Int16 => HostTensor.FromSpan<short>(v.Select(x => checked((short)x)).ToArray(), dims),
            DType.Bool => HostTensor.FromSpan<bool>(v.Select(x => x != 0).ToArray(), dims),
            _ => throw new UnimplementedException($"input '{name}': feeding {dtype.Name()} tensors from the command line is not supported"),
        };
    }
}
