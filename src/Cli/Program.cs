using System.CommandLine;
using GraphEngine.Cli.Commands;
using GraphEngine.Ops.Core;

namespace GraphEngine.Cli;

/// <summary>Entry point: only argument parsing and error-to-exit-code mapping; the work lives in Commands/.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var verbose = new Option<bool>("--verbose") { Description = "Print stack traces on failure" };
        var root = new RootCommand("GraphEngine command-line tool: inspect checkpoints");
        root.Options.Add(verbose);

        var path = new Argument<string>("CKPT") { Description = "Checkpoint prefix, directory with a 'checkpoint' file, or .index file" };
        var tensor = new Option<string?>("--tensor") { Description = "Print the values of one tensor" };
        var all = new Option<bool>("--all") { Description = "Print the values of every tensor" };
        var stats = new Option<bool>("--stats") { Description = "Min/max/mean/std/NaN/Inf per tensor" };
        var filter = new Option<string?>("--filter") { Description = "Only tensors whose name matches this regex" };
        var json = new Option<bool>("--json") { Description = "Machine-readable output" };
        var threshold = new Option<int>("--threshold") { Description = "Summarise arrays with more elements than this", DefaultValueFactory = _ => 1000 };
        var inspect = new Command("inspect", "List the tensors of a checkpoint") { path, tensor, all, stats, filter, json, threshold };
        inspect.SetAction(r => Guard(r.GetValue(verbose), () => Console.Out.Write(InspectCommand.Run(new InspectOptions(
            r.GetValue(path)!, r.GetValue(tensor), r.GetValue(all), r.GetValue(stats), r.GetValue(filter), r.GetValue(json), r.GetValue(threshold))))));
        root.Subcommands.Add(inspect);
        root.Subcommands.Add(PlotCommand.Create(verbose));

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // Usage errors get exit code 2 (as argparse does) so scripts can tell them from runtime failures.
            Console.Error.WriteLine("error: " + parsed.Errors[0].Message);
            return 2;
        }
        return parsed.Invoke();
    }

    static int Guard(bool verbose, Action body)
    {
        try { body(); return 0; }
        catch (Exception e) when (e is GraphEngineException or IOException or UnauthorizedAccessException or System.Text.RegularExpressions.RegexParseException)
        {
            Console.Error.WriteLine("error: " + e.Message.Split('\n')[0]);
            if (verbose) Console.Error.WriteLine(e);
            return e is System.Text.RegularExpressions.RegexParseException ? 2 : 1;
        }
    }
}
