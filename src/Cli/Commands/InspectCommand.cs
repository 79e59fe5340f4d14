using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using GraphEngine.Ops.Core;
using GraphEngine.Runtime.Io;

namespace GraphEngine.Cli.Commands;

/// <summary>Options of <c>graphengine inspect</c>.</summary>
public sealed record InspectOptions(string Path, string? Tensor = null, bool All = false, bool Stats = false,
    string? Filter = null, bool Json = false, int Threshold = 1000);

/// <summary>
/// Pure back end of <c>graphengine inspect</c>: returns the text to print so tests can call it in-process.
/// </summary>
public static class InspectCommand
{
    /// <summary>Resolves a prefix, a directory holding a <c>checkpoint</c> state file, or an <c>.index</c> file to a prefix.</summary>
    public static string ResolvePrefix(string path)
    {
        if (path.EndsWith(".index", StringComparison.Ordinal) && File.Exists(path))
            return path[..^".index".Length];
        if (Directory.Exists(path))
        {
            // A directory means "the latest checkpoint in it", as tf.train.latest_checkpoint does.
            return CheckpointStateFile.LatestCheckpoint(path)
                ?? throw new NotFoundException($"{path}: directory has no 'checkpoint' state file naming a checkpoint");
        }
        if (File.Exists(path + ".index")) return path;
        throw new NotFoundException($"{path}: no checkpoint found (expected PREFIX.index, a directory with a 'checkpoint' file, or an .index file)");
    }

    public static string Run(InspectOptions o)
    {
        var prefix = ResolvePrefix(o.Path);
        var reader = CheckpointReader.Open(prefix);
        var shapes = reader.GetVariableToShapeMap();
        var dtypes = reader.GetVariableToDTypeMap();
        var keys = reader.Keys.Where(k => k.Length > 0).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (o.Filter != null)
        {
            var re = new Regex(o.Filter);
            keys = keys.Where(k => re.IsMatch(k)).ToList();
        }
        if (o.Tensor != null)
        {
            if (!reader.HasTensor(o.Tensor))
                throw new NotFoundException($"tensor '{o.Tensor}' not found in {prefix}{Suggest(o.Tensor, reader.Keys)}");
            keys = [o.Tensor];
        }

        var rows = keys.Select(k => new Row(k, dtypes[k], shapes[k])).ToList();
        if (o.Stats || o.Json && o.All)
            foreach (var r in rows) r.Stats = ComputeStats(reader, r);

        if (o.Json) return ToJson(prefix, rows, reader, o);

        var sb = new StringBuilder();
        sb.AppendLine($"Checkpoint: {prefix}");
        sb.Append(Table(rows, o.Stats));
        long elems = rows.Sum(r => r.Elements), bytes = rows.Sum(r => r.Bytes);
        sb.AppendLine($"Total: {rows.Count} tensors, {elems.ToString("N0", CultureInfo.InvariantCulture)} parameters, {FormatBytes(bytes)}");
        if (o.Tensor != null || o.All)
            foreach (var r in rows)
            {
                sb.AppendLine();
                sb.AppendLine($"{r.Name} ({r.DType.Name()}, {ShapeText(r.Shape)}):");
                sb.AppendLine(ValueFormatter.Format(reader.GetTensor(r.Name), o.Threshold));
            }
        return sb.ToString();
    }

    internal sealed class Row(string name, DType dtype, TensorShape shape)
    {
        public string Name { get; } = name;
        public DType DType { get; } = dtype;
        public TensorShape Shape { get; } = shape;
        public long Elements => Shape.IsFullyDefined ? Shape.NumElements : 0;
        // String tensors have no fixed element size; their size is reported as 0 rather than guessed.
        public long Bytes => DType == DType.String ? 0 : Elements * DType.Size();
        public TensorStats? Stats { get; set; }
    }

    public sealed record TensorStats(double Min, double Max, double Mean, double Std, long NaN, long Inf);

    static TensorStats? ComputeStats(CheckpointReader reader, Row r)
    {
        if (r.DType == DType.String) return null;
        var v = ValueFormatter.ToDoubles(reader.GetTensor(r.Name));
        if (v == null || v.Length == 0) return null;
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0, sq = 0;
        long nan = 0, inf = 0, n = 0;
        foreach (var x in v)
        {
            if (double.IsNaN(x)) { nan++; continue; }
            if (double.IsInfinity(x)) { inf++; continue; }
            min = Math.Min(min, x); max = Math.Max(max, x); sum += x; sq += x * x; n++;
        }
        double mean = n > 0 ? sum / n : double.NaN;
        double std = n > 0 ? Math.Sqrt(Math.Max(0, sq / n - mean * mean)) : double.NaN;
        return new TensorStats(min, max, mean, std, nan, inf);
    }

    static string Table(List<Row> rows, bool stats)
    {
        var header = new List<string> { "name", "dtype", "shape", "elements", "bytes" };
        if (stats) header.AddRange(["min", "max", "mean", "std", "nan", "inf"]);
        var cells = rows.Select(r =>
        {
            var c = new List<string> { r.Name, r.DType.Name(), ShapeText(r.Shape), r.Elements.ToString(CultureInfo.InvariantCulture), r.Bytes.ToString(CultureInfo.InvariantCulture) };
            if (stats)
            {
                var s = r.Stats;
                c.AddRange(s == null ? ["-", "-", "-", "-", "-", "-"] :
                    [G(s.Min), G(s.Max), G(s.Mean), G(s.Std), s.NaN.ToString(CultureInfo.InvariantCulture), s.Inf.ToString(CultureInfo.InvariantCulture)]);
            }
            return c;
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(c => c[i].Length))).ToArray();
        var sb = new StringBuilder();
        void Line(List<string> c) => sb.AppendLine(string.Join("  ", c.Select((x, i) => i >= 3 ? x.PadLeft(widths[i]) : x.PadRight(widths[i]))).TrimEnd());
        Line(header);
        sb.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var c in cells) Line(c);
        return sb.ToString();
    }

    static string G(double d) => d.ToString("G6", CultureInfo.InvariantCulture);

    public static string ShapeText(TensorShape s) =>
        !s.HasRank ? "<unknown>" : "[" + string.Join(", ", s.ToArray().Select(d => d < 0 ? "?" : d.ToString(CultureInfo.InvariantCulture))) + "]";

    static string FormatBytes(long b) => b switch
    {
        >= 1 << 20 => $"{b / 1048576.0:F2} MiB".Replace(',', '.'),
        >= 1 << 10 => $"{b / 1024.0:F2} KiB".Replace(',', '.'),
        _ => $"{b} B",
    };

    static string ToJson(string prefix, List<Row> rows, CheckpointReader reader, InspectOptions o)
    {
        var obj = new Dictionary<string, object?>
        {
            ["checkpoint"] = prefix,
            ["tensors"] = rows.Select(r => new Dictionary<string, object?>
            {
                ["name"] = r.Name, ["dtype"] = r.DType.Name(),
                ["shape"] = r.Shape.HasRank ? r.Shape.ToArray() : null,
                ["elements"] = r.Elements, ["bytes"] = r.Bytes,
                ["stats"] = r.Stats == null ? null : new Dictionary<string, object>
                {
                    ["min"] = r.Stats.Min, ["max"] = r.Stats.Max, ["mean"] = r.Stats.Mean, ["std"] = r.Stats.Std,
                    ["nan"] = r.Stats.NaN, ["inf"] = r.Stats.Inf,
                },
            }).ToList(),
            ["total_parameters"] = rows.Sum(r => r.Elements),
            ["total_bytes"] = rows.Sum(r => r.Bytes),
        };
        var opts = new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
        return JsonSerializer.Serialize(obj, opts);
    }

    /// <summary>" (did you mean 'x'?)" for the closest key by edit distance, or empty when nothing is close.</summary>
    public static string Suggest(string name, IEnumerable<string> candidates)
    {
        var best = candidates.Where(c => c.Length > 0).Select(c => (c, d: Levenshtein(name, c))).OrderBy(t => t.d).FirstOrDefault();
        return best.c != null && best.d <= Math.Max(3, name.Length / 3) ? $" (did you mean '{best.c}'?)" : "";
    }

    static int Levenshtein(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
