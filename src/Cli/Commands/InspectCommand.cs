using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using GraphEngine.Cli.Output;
using GraphEngine.Data;
using GraphEngine.Ops.Core;
using GraphEngine.Runtime.Io;

namespace GraphEngine.Cli.Commands;

/// <summary>Options of <c>graphengine inspect</c>.</summary>
public sealed record InspectOptions(string Path, string? Tensor = null, bool All = false, bool Stats = false,
    string? Filter = null, bool Json = false, int Threshold = 1000, string? Diff = null, IReadOnlyList<string>? Export = null);

/// <summary>
/// Back end of <c>graphengine inspect</c>: builds the report (or JSON) so tests can call it in-process;
/// <see cref="Run"/> gives the plain text printed when output is redirected.
/// </summary>
public static class InspectCommand
{
    public static Command Definition()
    {
        var path = new Argument<string>("CKPT") { Description = "Checkpoint prefix, directory with a 'checkpoint' file, or .index file" };
        var tensor = new Option<string?>("--tensor") { Description = "Print the values of one tensor" };
        var all = new Option<bool>("--all") { Description = "Print the values of every tensor" };
        var stats = new Option<bool>("--stats") { Description = "Min/max/mean/std/NaN/Inf per tensor" };
        var filter = new Option<string?>("--filter") { Description = "Only tensors whose name matches this regex" };
        var json = new Option<bool>("--json") { Description = "Machine-readable output" };
        var threshold = new Option<int>("--threshold") { Description = "Summarise arrays with more elements than this", DefaultValueFactory = _ => 1000 };
        var diff = new Option<string?>("--diff") { Description = "Compare with another checkpoint: missing/extra tensors, dtype/shape changes, max abs difference" };
        var export = new Option<string[]>("--export") { Description = "Write a tensor to a .npy file: NAME=file.npy (repeatable)", AllowMultipleArgumentsPerToken = false };
        var cmd = new Command("inspect", "List the tensors of a checkpoint") { path, tensor, all, stats, filter, json, threshold, diff, export };
        cmd.SetAction(r => Program.Print(r, () => Produce(new InspectOptions(r.GetValue(path)!, r.GetValue(tensor), r.GetValue(all),
            r.GetValue(stats), r.GetValue(filter), r.GetValue(json), r.GetValue(threshold), r.GetValue(diff), r.GetValue(export)))));
        return cmd;
    }

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

    /// <summary>The stable text of the result (plain table or JSON), as printed when output is redirected.</summary>
    public static string Run(InspectOptions o) => Produce(o).PlainText;

    public static CommandOutput Produce(InspectOptions o)
    {
        var prefix = ResolvePrefix(o.Path);
        var reader = CheckpointReader.Open(prefix);
        if (o.Diff != null) return InspectDiff.Compare(prefix, reader, ResolvePrefix(o.Diff), o);
        var keys = SelectKeys(reader, o.Filter);
        if (o.Tensor != null)
        {
            RequireTensor(reader, prefix, o.Tensor);
            keys = [o.Tensor];
        }
        var exported = Export(reader, prefix, o.Export);

        var shapes = reader.GetVariableToShapeMap();
        var dtypes = reader.GetVariableToDTypeMap();
        var rows = keys.Select(k => new Row(k, dtypes[k], shapes[k])).ToList();
        if (o.Stats || o.Json && o.All)
            Terminal.WithProgress("computing statistics", rows.Count, IsLong(rows), tick =>
            {
                foreach (var r in rows) { r.Stats = ComputeStats(reader, r); tick(); }
                return 0;
            });

        if (o.Json) return new CommandOutput { Json = ToJson(prefix, rows, exported) };

        var report = new Report().Text($"Checkpoint: {prefix}");
        report.Table(Table(rows, o.Stats));
        long elems = rows.Sum(r => r.Elements), bytes = rows.Sum(r => r.Bytes);
        report.Text($"Total: {rows.Count} tensors, {elems.ToString("N0", CultureInfo.InvariantCulture)} parameters, {FormatBytes(bytes)}");
        foreach (var (name, file) in exported) report.Text($"Exported {name} to {file}");
        if (o.Tensor != null || o.All)
            foreach (var r in rows)
                report.Text("").Text($"{r.Name} ({r.DType.Name()}, {ShapeText(r.Shape)}):")
                      .Text(ValueFormatter.Format(reader.GetTensor(r.Name), o.Threshold));
        return new CommandOutput { Report = report };
    }

    /// <summary>Keys in name order (the empty header key left out), filtered by a regex when given.</summary>
    internal static List<string> SelectKeys(CheckpointReader reader, string? filter)
    {
        var keys = reader.Keys.Where(k => k.Length > 0).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (filter == null) return keys;
        var re = new Regex(filter);
        return keys.Where(k => re.IsMatch(k)).ToList();
    }

    internal static void RequireTensor(CheckpointReader reader, string prefix, string name)
    {
        if (!reader.HasTensor(name))
            throw new NotFoundException($"tensor '{name}' not found in {prefix}{Suggest(name, reader.Keys)}");
    }

    /// <summary>Big checkpoints (over 64 MiB) are worth a progress bar on a terminal.</summary>
    internal static bool IsLong(IEnumerable<Row> rows) => rows.Sum(r => r.Bytes) > 64L << 20;

    /// <summary>Writes each NAME=file.npy pair; names are checked before any file is written.</summary>
    static List<(string Name, string File)> Export(CheckpointReader reader, string prefix, IReadOnlyList<string>? specs)
    {
        var pairs = new List<(string, string)>();
        foreach (var spec in specs ?? [])
        {
            int eq = spec.LastIndexOf('=');
            if (eq <= 0 || eq == spec.Length - 1)
                throw new UsageException($"--export expects NAME=file.npy, got '{spec}'");
            pairs.Add((spec[..eq], spec[(eq + 1)..]));
        }
        foreach (var (name, _) in pairs) RequireTensor(reader, prefix, name);
        foreach (var (name, file) in pairs) Npy.SaveTensor(file, reader.GetTensor(name));
        return pairs;
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

    internal static TensorStats? ComputeStats(CheckpointReader reader, Row r)
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

    static TableBlock Table(List<Row> rows, bool stats)
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
            return c.ToArray();
        }).ToList();
        return new TableBlock(null, header, cells, RightAlignFrom: 3);
    }

    internal static string G(double d) => d.ToString("G6", CultureInfo.InvariantCulture);

    public static string ShapeText(TensorShape s) =>
        !s.HasRank ? "<unknown>" : "[" + string.Join(", ", s.ToArray().Select(d => d < 0 ? "?" : d.ToString(CultureInfo.InvariantCulture))) + "]";

    internal static string FormatBytes(long b) => b switch
    {
        >= 1 << 20 => $"{b / 1048576.0:F2} MiB".Replace(',', '.'),
        >= 1 << 10 => $"{b / 1024.0:F2} KiB".Replace(',', '.'),
        _ => $"{b} B",
    };

    static string ToJson(string prefix, List<Row> rows, List<(string Name, string File)> exported) => CommandOutput.ToJson(new Dictionary<string, object?>
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
        ["exported"] = exported.Select(e => new Dictionary<string, string> { ["name"] = e.Name, ["file"] = e.File }).ToList(),
    });

    /// <summary>" (did you mean 'x'?)" for the closest key by edit distance, or empty when nothing is close.</summary>
    public static string Suggest(string name, IEnumerable<string> candidates)
    {
        var best = candidates.Where(c => c.Length > 0).Select(c => (c, d: Levenshtein(name, c))).OrderBy(t => t.d)
            .ThenBy(t => string.Equals(t.c, name, StringComparison.OrdinalIgnoreCase) ? 0 : 1).FirstOrDefault();   // a case slip is the likeliest typo
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
