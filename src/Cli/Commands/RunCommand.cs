using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GraphEngine.Cli.Output;
using GraphEngine.Data;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model.Serialization;
using PSignatureDef = GraphEngine.Ops.Proto.SignatureDef;

namespace GraphEngine.Cli.Commands;

public sealed record RunOptions(string Path, string? Checkpoint = null, IReadOnlyList<string>? Inputs = null, string? InputsJson = null,
    string? TagSet = null, string? SignatureDef = null, string? Outputs = null, string? OutDir = null, int Repeat = 1,
    bool Json = false, int Threshold = 1000, string? Trace = null);

/// <summary>
/// <c>graphengine run MODEL</c>: feeds inputs, fetches outputs (the signature's, or the graph's sinks), prints
/// them or writes .npy files, and with --repeat reports latency percentiles and throughput.
/// </summary>
public static class RunCommand
{
    public static Command Definition()
    {
        var path = new Argument<string>("MODEL") { Description = "SavedModel directory, .meta file, or GraphDef (.pb/.pbtxt)" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Checkpoint to restore variables from (default for a .meta: the prefix beside it)" };
        var input = new Option<string[]>("--input") { Description = "NAME=file.npy | NAME=file.csv | NAME=[[1,2],[3,4]] (repeatable)" };
        var inputsJson = new Option<string?>("--inputs_json") { Description = "JSON object of NAME: literal, inline or a file path" };
        var tagSet = new Option<string?>("--tag_set") { Description = "SavedModel meta graph tags, comma-separated (default: the only one, or 'serve')" };
        var signature = new Option<string?>("--signature_def") { Description = "SavedModel signature whose inputs/outputs to use (default: serving_default when present)" };
        var output = new Option<string?>("--output") { Description = "Tensor or op names (or signature output keys) to fetch, comma-separated" };
        var outdir = new Option<string?>("--outdir") { Description = "Write each output as NAME.npy in this directory instead of printing values" };
        var repeat = new Option<int>("--repeat") { Description = "Run N times and report latency min/median/p90/max and throughput", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Machine-readable output" };
        var threshold = new Option<int>("--threshold") { Description = "Summarise arrays with more elements than this", DefaultValueFactory = _ => 1000 };
        var trace = new Option<string?>("--trace") { Description = "Write a Chrome trace (chrome://tracing, Perfetto) of one more, fully traced run to this JSON file" };
        var cmd = new Command("run", "Run a graph or SavedModel on inputs and print or save its outputs")
            { path, checkpoint, input, inputsJson, tagSet, signature, output, outdir, repeat, json, threshold, trace };
        cmd.SetAction(r => Program.Print(r, () => Produce(new RunOptions(r.GetValue(path)!, r.GetValue(checkpoint), r.GetValue(input),
            r.GetValue(inputsJson), r.GetValue(tagSet), r.GetValue(signature), r.GetValue(output), r.GetValue(outdir), r.GetValue(repeat),
            r.GetValue(json), r.GetValue(threshold), r.GetValue(trace)))));
        return cmd;
    }

    public static string Run(RunOptions o) => Produce(o).PlainText;

    public static CommandOutput Produce(RunOptions o)
    {
        if (o.Repeat < 1) throw new UsageException($"--repeat must be at least 1, got {o.Repeat}");
        var source = ModelSource.Open(o.Path);
        if (source.Kind == ModelKind.GraphDef && (o.TagSet != null || o.SignatureDef != null))
            throw new UsageException($"{o.Path} is a GraphDef: --tag_set and --signature_def apply to SavedModels and .meta files only");
        var specs = (o.Inputs ?? []).Select(s => FeedParser.SplitPair(s, "--input")).ToList();
        using var model = ModelLoader.Load(source, o.TagSet, o.Checkpoint);
        var signature = Signature(model, o);
        var graph = model.Graph;

        var feeds = new FeedDict();
        var fedNames = new List<string>();
        void AddFeed(string name, HostTensor value)
        {
            var tensor = ResolveTensor(graph, signature?.Inputs.ToDictionary(kv => kv.Key, kv => kv.Value.Name), name, "input");
            feeds[tensor] = FeedParser.Conform(value, tensor.dtype, tensor.shape, name);
            fedNames.Add(tensor.name);
        }
        foreach (var (name, value) in specs) AddFeed(name, FeedParser.ParseValue(value, name));
        if (o.InputsJson != null)
            foreach (var (name, value) in FeedParser.ParseInputsJson(o.InputsJson)) AddFeed(name, value);

        var fetches = Fetches(graph, signature, o.Outputs);
        if (fetches.Count == 0)
            throw new InvalidArgumentException($"{o.Path}: nothing to fetch (the graph has no likely outputs); name them with --output");
        var tensors = fetches.Select(f => f.Element).OfType<Tensor>().ToArray();
        var targets = fetches.Select(f => f.Element).OfType<Operation>().ToArray();

        var times = new List<double>(o.Repeat);
        // With --repeat, a first untimed run compiles the plan (and fills caches), so the statistics describe steady state.
        var warm = Stopwatch.StartNew();
        var results = RunOnce(model.Session, tensors, targets, feeds);
        double firstMs = warm.Elapsed.TotalMilliseconds;
        if (o.Repeat == 1) times.Add(firstMs);
        else Terminal.WithProgress($"running {o.Repeat} times", o.Repeat, o.Repeat >= 10, tick =>
        {
            for (int i = 0; i < o.Repeat; i++)
            {
                var sw = Stopwatch.StartNew();
                results = RunOnce(model.Session, tensors, targets, feeds);
                times.Add(sw.Elapsed.TotalMilliseconds);
                tick();
            }
            return 0;
        });

        if (o.Trace != null) WriteTrace(model.Session, tensors, targets, feeds, o.Trace);

        var named = tensors.Select((t, i) => (Label: fetches.First(f => f.Element == t).Label, Tensor: t, Value: results[i])).ToList();
        var written = new List<(string Name, string File)>();
        if (o.OutDir != null)
        {
            Directory.CreateDirectory(o.OutDir);
            foreach (var (label, _, value) in named)
            {
                var file = System.IO.Path.Combine(o.OutDir, FileName(label) + ".npy");
                Npy.SaveTensor(file, value);
                written.Add((label, file));
            }
        }
        var latency = o.Repeat > 1 ? Latency.Of(times) with { FirstRun = firstMs } : null;
        return o.Json ? new CommandOutput { Json = Json(o, model, fedNames, named, written, latency) }
            : new CommandOutput { Report = Text(o, model, named, written, latency, targets) };
    }

    /// <summary>
    /// One more run with RunOptions(FULL_TRACE): its step stats become a Chrome trace, written
    /// atomically. It runs after the measured runs so tracing never skews --repeat's figures.
    /// </summary>
    static void WriteTrace(Session sess, Tensor[] tensors, Operation[] targets, FeedDict feeds, string path)
    {
        ITensorOrOperation[] all = [.. tensors.Where(t => t.dtype.BaseType() != DType.String), .. targets];
        if (all.Length == 0)
            throw new UsageException("--trace needs at least one non-string output or target to run");
        var metadata = tf.RunMetadata();
        sess.run(all, feeds, tf.RunOptions(trace_level: GraphEngine.Ops.Proto.RunOptions.Types.TraceLevel.FullTrace), metadata);
        var json = new GraphEngine.Client.Timeline(metadata.StepStats).generate_chrome_trace_format();
        var full = System.IO.Path.GetFullPath(path);
        var dir = System.IO.Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        var temp = full + ".tmp" + Environment.ProcessId;
        File.WriteAllText(temp, json);
        File.Move(temp, full, overwrite: true);
    }

    static HostTensor[] RunOnce(Session sess, Tensor[] tensors, Operation[] targets, FeedDict feeds)
    {
        // Targets and fetches run in one step, as sess.run([...]) does; strings come back through run_strings.
        ITensorOrOperation[] all = [.. tensors.Where(t => t.dtype.BaseType() != DType.String), .. targets];
        var values = all.Length == 0 ? [] : sess.run(all, feeds);
        var result = new HostTensor[tensors.Length];
        int k = 0;
        for (int i = 0; i < tensors.Length; i++)
            result[i] = tensors[i].dtype.BaseType() == DType.String
                ? HostTensor.FromStrings(sess.run_strings(tensors[i], feeds), [])
                : NDArrayConversion.ToHostTensor(values[k++]!);
        return result;
    }

    /// <summary>The SignatureDef to use: --signature_def, else serving_default when the meta graph has it.</summary>
    static PSignatureDef? Signature(LoadedModel model, RunOptions o)
    {
        if (model.Meta == null) return null;
        var sigs = model.Meta.SignatureDef;
        if (o.SignatureDef == null) return sigs.TryGetValue("serving_default", out var d) ? d : null;
        if (sigs.TryGetValue(o.SignatureDef, out var s)) return s;
        throw new NotFoundException($"{o.Path}: no SignatureDef '{o.SignatureDef}'{InspectCommand.Suggest(o.SignatureDef, sigs.Keys)}; available: {string.Join(", ", sigs.Keys.Order(StringComparer.Ordinal))}");
    }

    /// <summary>A signature key, a tensor name ("x:0") or an op name ("x" → its first output); NotFound suggests the closest.</summary>
    static Tensor ResolveTensor(Graph graph, Dictionary<string, string>? keys, string name, string what)
    {
        if (keys != null && keys.TryGetValue(name, out var mapped)) name = mapped;
        var opName = name.Contains(':') ? name[..name.LastIndexOf(':')] : name;
        var op = graph.get_operations().FirstOrDefault(x => x.name == opName);
        if (op == null)
        {
            // Ties go to the earliest candidate: signature keys, then placeholders, then every other op.
            var ops = graph.get_operations();
            var candidates = (keys?.Keys ?? Enumerable.Empty<string>())
                .Concat(ops.Where(x => x.type is "Placeholder" or "PlaceholderWithDefault").Select(x => x.name))
                .Concat(ops.Select(x => x.name));
            throw new NotFoundException($"{what} '{name}': no such tensor or op in the graph{InspectCommand.Suggest(name, candidates)}");
        }
        return graph.get_tensor_by_name(name.Contains(':') ? name : name + ":0");
    }

    static List<(string Label, ITensorOrOperation Element)> Fetches(Graph graph, PSignatureDef? signature, string? outputs)
    {
        var keys = signature?.Outputs.ToDictionary(kv => kv.Key, kv => kv.Value.Name);
        if (outputs != null)
            return outputs.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(n =>
            {
                var name = keys != null && keys.TryGetValue(n, out var m) ? m : n;
                // An op without outputs (a train op, an init op) is run as a target.
                if (!name.Contains(':') && graph.get_operations().FirstOrDefault(x => x.name == name) is { outputs.Length: 0 } op)
                    return (n, (ITensorOrOperation)op);
                return (n, (ITensorOrOperation)ResolveTensor(graph, keys, n, "output"));
            }).ToList();
        if (keys != null)
            return keys.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, (ITensorOrOperation)graph.get_tensor_by_name(kv.Value))).ToList();
        return GraphSummary.Of(graph.as_graph_def()).Outputs
            .Select(x => graph.get_operation_by_name(x.Name)).Where(op => op.outputs.Length > 0)
            .Select(op => (op.name, (ITensorOrOperation)op.outputs[0])).ToList();
    }

    static string FileName(string label) => string.Concat(label.Select(c => char.IsLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '_'));

    static Report Text(RunOptions o, LoadedModel model, List<(string Label, Tensor Tensor, HostTensor Value)> named,
        List<(string Name, string File)> written, Latency? latency, Operation[] targets)
    {
        var r = new Report();
        if (model.RestoredFrom != null) r.Text($"Restored variables from {model.RestoredFrom}");
        foreach (var t in targets) r.Text($"Ran {t.name}");
        if (written.Count > 0)
            r.Table(new TableBlock(null, ["output", "tensor", "dtype", "shape", "file"], named.Select((n, i) => new[]
            {
                n.Label, n.Tensor.name, n.Value.DType.Name(), InspectCommand.ShapeText(n.Value.Shape), written[i].File,
            }).ToList()));
        else
            foreach (var (label, tensor, value) in named)
                r.Text($"{label} ({tensor.name}, {value.DType.Name()}, {InspectCommand.ShapeText(value.Shape)}):")
                 .Text(ValueFormatter.Format(value, o.Threshold));
        if (latency != null)
            r.Table(new TableBlock($"Latency over {latency.Runs} runs after a warm-up run of {F(latency.FirstRun)} ms (ms):", ["min", "median", "p90", "max", "runs/s"],
                [[F(latency.Min), F(latency.Median), F(latency.P90), F(latency.Max), F(latency.Throughput)]], RightAlignFrom: 0));
        return r;
    }

    static string F(double d) => d.ToString("F3", CultureInfo.InvariantCulture);

    static string Json(RunOptions o, LoadedModel model, List<string> fed, List<(string Label, Tensor Tensor, HostTensor Value)> named,
        List<(string Name, string File)> written, Latency? latency) => CommandOutput.ToJson(new Dictionary<string, object?>
    {
        ["model"] = o.Path,
        ["restored_from"] = model.RestoredFrom,
        ["inputs"] = fed,
        ["outputs"] = named.Select(n => new Dictionary<string, object?>
        {
            ["name"] = n.Label, ["tensor"] = n.Tensor.name, ["dtype"] = n.Value.DType.Name(), ["shape"] = n.Value.Dims.ToArray(),
            ["values"] = written.Count > 0 ? null : Nested(n.Value),
            ["file"] = written.FirstOrDefault(w => w.Name == n.Label).File,
        }).ToList(),
        ["latency_ms"] = latency == null ? null : new Dictionary<string, double>
        {
            ["min"] = latency.Min, ["median"] = latency.Median, ["p90"] = latency.P90, ["max"] = latency.Max, ["runs_per_second"] = latency.Throughput, ["first_run"] = latency.FirstRun,
        },
        ["runs"] = o.Repeat,
    });

    /// <summary>Values as nested lists (numbers, booleans or strings) in the tensor's shape.</summary>
    static object? Nested(HostTensor t)
    {
        object[] flat = t.DType == DType.String ? (t.Strings ?? []).Select(b => (object)System.Text.Encoding.UTF8.GetString(b)).ToArray()
            : t.DType == DType.Bool ? t.ToArray<bool>().Select(b => (object)b).ToArray()
            : (ValueFormatter.ToDoubles(t) ?? []).Select(d => (object)d).ToArray();
        var dims = t.Dims.ToArray();
        if (dims.Length == 0) return flat.Length > 0 ? flat[0] : null;
        object Build(int axis, long offset)
        {
            long stride = dims.Skip(axis + 1).Aggregate(1L, (a, b) => a * b);
            if (axis == dims.Length - 1) return Enumerable.Range(0, (int)dims[axis]).Select(i => flat[offset + i]).ToArray();
            return Enumerable.Range(0, (int)dims[axis]).Select(i => Build(axis + 1, offset + i * stride)).ToArray();
        }
        return Build(0, 0);
    }
}

/// <summary>Latency statistics of repeated runs (ms) and the resulting throughput.</summary>
public sealed record Latency(int Runs, double Min, double Median, double P90, double Max, double Throughput)
{
    /// <summary>The untimed-in-statistics first run, which includes compiling the plan.</summary>
    public double FirstRun { get; init; }

    public static Latency Of(IReadOnlyList<double> ms)
    {
        var s = ms.Order().ToArray();
        double Pct(double p) => s[Math.Min(s.Length - 1, (int)Math.Ceiling(p * s.Length) - 1)];
        double median = s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
        return new Latency(s.Length, s[0], median, Pct(0.9), s[^1], s.Sum() > 0 ? s.Length / (s.Sum() / 1000) : double.PositiveInfinity);
    }
}
