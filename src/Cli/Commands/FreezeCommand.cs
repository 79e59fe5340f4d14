using System.CommandLine;
using System.Globalization;
using GraphEngine.Cli.Output;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Model.Serialization;

namespace GraphEngine.Cli.Commands;

public sealed record FreezeOptions(string Path, string? Checkpoint, string OutputNodeNames, string Out, string? TagSet = null,
    bool AsText = false, bool Json = false);

/// <summary>
/// <c>graphengine freeze MODEL --checkpoint PREFIX --output_node_names a,b --out frozen.pb</c>: TF's freeze_graph,
/// i.e. restore, then tf.graph_util.convert_variables_to_constants on the subgraph the outputs need.
/// </summary>
public static class FreezeCommand
{
    public static Command Definition()
    {
        var path = new Argument<string>("MODEL") { Description = "SavedModel directory, .meta file, or GraphDef with Saver ops" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Checkpoint with the variable values (default for a .meta: the prefix beside it)" };
        var outputs = new Option<string>("--output_node_names") { Description = "Comma-separated names of the nodes the frozen graph must compute", Required = true };
        var output = new Option<string>("--out") { Description = "Frozen GraphDef file to write", Required = true };
        var tagSet = new Option<string?>("--tag_set") { Description = "SavedModel meta graph tags, comma-separated" };
        var asText = new Option<bool>("--as_text") { Description = "Write a text GraphDef instead of binary" };
        var json = new Option<bool>("--json") { Description = "Machine-readable output" };
        var cmd = new Command("freeze", "Freeze a graph: variables become constants, only what the outputs need is kept")
            { path, checkpoint, outputs, output, tagSet, asText, json };
        cmd.SetAction(r => Program.Print(r, () => Produce(new FreezeOptions(r.GetValue(path)!, r.GetValue(checkpoint),
            r.GetValue(outputs)!, r.GetValue(output)!, r.GetValue(tagSet), r.GetValue(asText), r.GetValue(json)))));
        return cmd;
    }

    public static string Run(FreezeOptions o) => Produce(o).PlainText;

    public static CommandOutput Produce(FreezeOptions o)
    {
        var names = o.OutputNodeNames.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        if (names.Count == 0) throw new UsageException("--output_node_names names no node");
        var source = ModelSource.Open(o.Path);
        using var model = ModelLoader.Load(source, o.TagSet, o.Checkpoint);
        var graphDef = model.Graph.as_graph_def();
        foreach (var n in names)
            if (graphDef.Find(TensorName.Parse(n).Node) == null)
                throw new NotFoundException($"output node '{n}' is not in {o.Path}{InspectCommand.Suggest(n, graphDef.Nodes.Select(x => x.Name))}");

        var variables = tf.graph_util.extract_sub_graph(graphDef, names).Nodes.Where(n => n.Op is "VariableV2" or "Variable").ToList();
        if (variables.Count > 0 && model.RestoredFrom == null)
            throw new FailedPreconditionException($"{o.Path}: the outputs need {variables.Count} variables (e.g. '{variables[0].Name}') but no checkpoint was given; pass --checkpoint PREFIX");
        var frozen = tf.graph_util.convert_variables_to_constants(model.Session, graphDef, names);
        if (o.AsText) GraphDefIO.WriteText(frozen, o.Out);
        else GraphDefIO.WriteBinary(frozen, o.Out);

        long parameters = variables.Sum(v => v.Attr.TryGetValue("shape", out var s) && s.Shape.IsFullyDefined ? s.Shape.NumElements : 0);
        if (o.Json)
            return new CommandOutput
            {
                Json = CommandOutput.ToJson(new Dictionary<string, object?>
                {
                    ["model"] = o.Path, ["checkpoint"] = model.RestoredFrom, ["out"] = o.Out, ["outputs"] = names,
                    ["variables_frozen"] = variables.Select(v => v.Name).ToList(), ["parameters"] = parameters,
                    ["nodes_in"] = graphDef.Count, ["nodes_out"] = frozen.Count,
                }),
            };
        return new CommandOutput
        {
            Report = new Report()
                .Text(model.RestoredFrom != null ? $"Restored variables from {model.RestoredFrom}" : "No variables to restore")
                .Text($"Converted {variables.Count} variables to constants ({parameters.ToString("N0", CultureInfo.InvariantCulture)} parameters)")
                .Text($"Kept {frozen.Count} of {graphDef.Count} nodes for outputs {string.Join(", ", names)}")
                .Text($"Wrote {(o.AsText ? "text" : "binary")} GraphDef to {o.Out}"),
        };
    }
}
