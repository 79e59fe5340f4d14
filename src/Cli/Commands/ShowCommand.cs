using System.CommandLine;
using System.Globalization;
using GraphEngine.Cli.Output;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model.Serialization;
using PMetaGraphDef = GraphEngine.Ops.Proto.MetaGraphDef;
using PSignatureDef = GraphEngine.Ops.Proto.SignatureDef;
using PTensorInfo = GraphEngine.Ops.Proto.TensorInfo;

namespace GraphEngine.Cli.Commands;

public sealed record ShowOptions(string Path, string? TagSet = null, string? SignatureDef = null, bool All = false, bool Ops = false, bool Json = false);

/// <summary>
/// <c>graphengine show MODEL</c>: summarize_graph plus saved_model_cli show. Inputs, likely outputs, variables
/// and parameter count, op-type histogram; for SavedModels the tag-sets and SignatureDefs.
/// </summary>
public static class ShowCommand
{
    const int HistogramRows = 15;

    public static Command Definition()
    {
        var path = new Argument<string>("MODEL") { Description = "SavedModel directory, .meta file, or GraphDef (.pb binary or .pbtxt text)" };
        var tagSet = new Option<string?>("--tag_set") { Description = "SavedModel meta graph to show, tags comma-separated (default: the only one, or 'serve')" };
        var signature = new Option<string?>("--signature_def") { Description = "Show only this SignatureDef key" };
        var all = new Option<bool>("--all") { Description = "Every meta graph and SignatureDef (saved_model_cli show --all)" };
        var ops = new Option<bool>("--ops") { Description = "The full op-type histogram and every node with its op" };
        var json = new Option<bool>("--json") { Description = "Machine-readable output" };
        var cmd = new Command("show", "Summarise a graph or SavedModel: inputs, outputs, variables, ops, signatures") { path, tagSet, signature, all, ops, json };
        cmd.SetAction(r => Program.Print(r, () => Produce(new ShowOptions(r.GetValue(path)!, r.GetValue(tagSet), r.GetValue(signature),
            r.GetValue(all), r.GetValue(ops), r.GetValue(json)))));
        return cmd;
    }

    public static string Run(ShowOptions o) => Produce(o).PlainText;

    public static CommandOutput Produce(ShowOptions o)
    {
        var model = ModelSource.Open(o.Path);
        if (model.Kind == ModelKind.GraphDef && (o.TagSet != null || o.SignatureDef != null))
            throw new UsageException($"{o.Path} is a GraphDef: --tag_set and --signature_def apply to SavedModels and .meta files only");
        var meta = model.Kind == ModelKind.GraphDef ? null : model.SelectMetaGraph(o.TagSet);
        var metas = model.Kind == ModelKind.SavedModel && o.All && o.TagSet == null ? model.SavedModel!.MetaGraphs.ToList()
            : meta != null ? [meta] : new List<PMetaGraphDef>();
        if (o.SignatureDef != null)
        {
            var keys = meta!.SignatureDef.Keys;
            if (!meta.SignatureDef.ContainsKey(o.SignatureDef))
                throw new NotFoundException($"{o.Path}: no SignatureDef '{o.SignatureDef}' in meta graph '{ModelSource.TagSetText(meta)}'" +
                    $"{InspectCommand.Suggest(o.SignatureDef, keys)}; available: {string.Join(", ", keys.Order(StringComparer.Ordinal))}");
        }
        var summary = GraphSummary.Of(model.GraphFor(meta));
        return o.Json ? new CommandOutput { Json = Json(model, metas, summary, o) } : new CommandOutput { Report = Text(model, metas, summary, o) };
    }

    static string Shape(TensorShape s) => InspectCommand.ShapeText(s);

    static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    static Report Text(ModelSource model, List<PMetaGraphDef> metas, GraphSummary s, ShowOptions o)
    {
        var r = new Report();
        r.Text($"Model: {model.Path} ({Kind(model.Kind)}, {s.NodeCount} nodes, producer {s.Producer})");
        if (model.Kind == ModelKind.SavedModel)
            r.Text("Tag-sets: " + string.Join("; ", model.SavedModel!.MetaGraphs.Select(m => "'" + ModelSource.TagSetText(m) + "'")));
        foreach (var m in metas)
        {
            if (m.SignatureDef.Count == 0) continue;
            var root = new TreeItem($"MetaGraphDef with tag-set '{ModelSource.TagSetText(m)}': SignatureDefs");
            foreach (var (key, sig) in m.SignatureDef.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (o.SignatureDef != null && key != o.SignatureDef) continue;
                var node = root.Add($"signature_def['{key}'] method: {sig.MethodName}");
                var ins = node.Add("inputs");
                foreach (var (k, ti) in sig.Inputs.OrderBy(kv => kv.Key, StringComparer.Ordinal)) ins.Add(Describe(k, ti));
                var outs = node.Add("outputs");
                foreach (var (k, ti) in sig.Outputs.OrderBy(kv => kv.Key, StringComparer.Ordinal)) outs.Add(Describe(k, ti));
            }
            r.Text("").Tree(root);
        }
        if (o.SignatureDef != null && !o.All) return r;

        r.Text("").Table(new TableBlock("Inputs (placeholders):", ["name", "dtype", "shape", "op"],
            s.Inputs.Select(i => new[] { i.Name, i.DType.Name(), Shape(i.Shape), i.Op }).ToList()));
        r.Text("").Table(new TableBlock("Likely outputs (nodes nothing consumes):", ["name", "op"],
            s.Outputs.Select(x => new[] { x.Name, x.Op }).ToList()));
        if (s.Variables.Count > 0) r.Text("").Table(new TableBlock("Variables:", ["name", "dtype", "shape", "elements"],
            s.Variables.Select(v => new[] { v.Name, v.DType.Name(), Shape(v.Shape), v.Elements.ToString(CultureInfo.InvariantCulture) }).ToList(), RightAlignFrom: 3));
        r.Text($"Parameters: {Count(s.Parameters)} in {s.Variables.Count} variables; {Count(s.ConstantElements)} elements in {s.ConstantCount} constants");
        var hist = o.Ops ? s.OpTypes : s.OpTypes.Take(HistogramRows).ToList();
        r.Text("").Table(new TableBlock($"Op types ({s.OpTypes.Count} types):", ["op", "count"],
            hist.Select(kv => new[] { kv.Key, kv.Value.ToString(CultureInfo.InvariantCulture) }).ToList(), RightAlignFrom: 1));
        if (hist.Count < s.OpTypes.Count) r.Text($"... {s.OpTypes.Count - hist.Count} more op types (--ops lists all)");
        if (o.Ops)
        {
            var nodes = model.GraphFor(metas.FirstOrDefault()).Nodes;
            r.Text("").Table(new TableBlock("Nodes:", ["name", "op", "inputs"],
                nodes.Select(n => new[] { n.Name, n.Op, string.Join(", ", n.Input) }).ToList()));
        }
        return r;
    }

    static string Kind(ModelKind k) => k switch
    {
        ModelKind.SavedModel => "SavedModel",
        ModelKind.MetaGraph => "MetaGraphDef",
        _ => "GraphDef",
    };

    static string Describe(string key, PTensorInfo ti)
    {
        var (dtype, shape) = InfoType(ti);
        return $"{key}: {ti.Name} ({dtype}, {shape})";
    }

    static (string DType, string Shape) InfoType(PTensorInfo ti) =>
        (ShapeTypeConverter.ToDType(ti.Dtype).Name(), ti.TensorShape == null ? "<unknown>" : Shape(ShapeTypeConverter.ToShape(ti.TensorShape)));

    static Dictionary<string, object?> InfoJson(PTensorInfo ti)
    {
        var (dtype, _) = InfoType(ti);
        var shape = ti.TensorShape == null ? null : ShapeTypeConverter.ToShape(ti.TensorShape);
        return new() { ["name"] = ti.Name, ["dtype"] = dtype, ["shape"] = shape is { HasRank: true } ? shape.ToArray() : null };
    }

    static Dictionary<string, object?> SignatureJson(PSignatureDef sig) => new()
    {
        ["method_name"] = sig.MethodName,
        ["inputs"] = sig.Inputs.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => InfoJson(kv.Value)),
        ["outputs"] = sig.Outputs.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => InfoJson(kv.Value)),
    };

    static string Json(ModelSource model, List<PMetaGraphDef> metas, GraphSummary s, ShowOptions o) => CommandOutput.ToJson(new Dictionary<string, object?>
    {
        ["path"] = model.Path,
        ["kind"] = Kind(model.Kind),
        ["producer"] = s.Producer,
        ["node_count"] = s.NodeCount,
        ["tag_sets"] = model.SavedModel?.MetaGraphs.Select(ModelSource.TagSetText).ToList(),
        ["meta_graphs"] = metas.Select(m => new Dictionary<string, object?>
        {
            ["tags"] = m.MetaInfoDef?.Tags.ToList() ?? [],
            ["signature_defs"] = m.SignatureDef.Where(kv => o.SignatureDef == null || kv.Key == o.SignatureDef)
                .OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => SignatureJson(kv.Value)),
        }).ToList(),
        ["inputs"] = s.Inputs.Select(i => new Dictionary<string, object?>
        {
            ["name"] = i.Name, ["dtype"] = i.DType.Name(), ["shape"] = i.Shape.HasRank ? i.Shape.ToArray() : null, ["op"] = i.Op,
        }).ToList(),
        ["outputs"] = s.Outputs.Select(x => new Dictionary<string, object?> { ["name"] = x.Name, ["op"] = x.Op }).ToList(),
        ["variables"] = s.Variables.Select(v => new Dictionary<string, object?>
        {
            ["name"] = v.Name, ["dtype"] = v.DType.Name(), ["shape"] = v.Shape.HasRank ? v.Shape.ToArray() : null, ["elements"] = v.Elements,
        }).ToList(),
        ["parameters"] = s.Parameters,
        ["constants"] = new Dictionary<string, long> { ["count"] = s.ConstantCount, ["elements"] = s.ConstantElements },
        ["op_types"] = s.OpTypes.ToDictionary(kv => kv.Key, kv => kv.Value),
    });
}
