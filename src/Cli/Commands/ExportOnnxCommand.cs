using System.CommandLine;
using GraphEngine.Runtime.Onnx;

namespace GraphEngine.Cli.Commands;

/// <summary>What `graphengine export-onnx` was asked to do.</summary>
internal sealed record ExportOnnxOptions(string Model, string? Checkpoint, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs,
    string Out, int Opset = 17);

/// <summary>`graphengine export-onnx MODEL --checkpoint PREFIX --inputs x:0 --outputs y:0 --out m.onnx [--opset 17]`.</summary>
internal static class ExportOnnxCommand
{
    /// <summary>The subcommand, wired to <paramref name="guard"/> (the tool's error-to-exit-code mapping).</summary>
    public static Command Create(Option<bool> verbose, Func<bool, Action, int> guard)
    {
        var model = new Argument<string>("MODEL") { Description = "GraphDef (.pb, .pbtxt) or MetaGraphDef (.meta)" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Checkpoint prefix holding the graph's variables" };
        var inputs = new Option<string[]>("--inputs") { Description = "Input tensor names (x:0), space- or comma-separated", Required = true, AllowMultipleArgumentsPerToken = true };
        var outputs = new Option<string[]>("--outputs") { Description = "Output tensor names (y:0), space- or comma-separated", Required = true, AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "Path of the .onnx file to write", Required = true };
        var opset = new Option<int>("--opset") { Description = "ONNX opset version (13 to 21)", DefaultValueFactory = _ => 17 };
        var command = new Command("export-onnx", "Export a model to ONNX (variables frozen from a checkpoint)")
            { model, checkpoint, inputs, outputs, output, opset };
        command.SetAction(r => guard(r.GetValue(verbose), () => Console.Out.WriteLine(Run(new ExportOnnxOptions(
            r.GetValue(model)!, r.GetValue(checkpoint), Split(r.GetValue(inputs)), Split(r.GetValue(outputs)), r.GetValue(output)!, r.GetValue(opset))))));
        return command;
    }

    private static string[] Split(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();

    /// <summary>Exports and returns the one-line summary the tool prints.</summary>
    public static string Run(ExportOnnxOptions o)
    {
        OnnxExport.Export(OnnxExport.ReadModel(o.Model), o.Inputs, o.Outputs, o.Out, o.Opset, o.Checkpoint);
        return $"wrote {o.Out} (opset {o.Opset}; inputs {string.Join(", ", o.Inputs)}; outputs {string.Join(", ", o.Outputs)})";
    }
}
