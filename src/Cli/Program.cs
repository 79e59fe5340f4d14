using System.CommandLine;
using GraphEngine.Cli.Commands;
using GraphEngine.Cli.Output;
using GraphEngine.Ops.Core;

namespace GraphEngine.Cli;

/// <summary>Entry point: only argument parsing and error-to-exit-code mapping; the work lives in Commands/.</summary>
public static class Program
{
    /// <summary>--verbose is accepted before or after the command name.</summary>
    internal static readonly Option<bool> Verbose = new("--verbose") { Description = "Print stack traces on failure", Recursive = true };

    public static int Main(string[] args)
    {
        var root = new RootCommand("GraphEngine command-line tool: inspect checkpoints, show, run and freeze graphs");
        root.Options.Add(Verbose);
        root.Subcommands.Add(InspectCommand.Definition());
        root.Subcommands.Add(ShowCommand.Definition());
        root.Subcommands.Add(RunCommand.Definition());
        root.Subcommands.Add(FreezeCommand.Definition());
        root.Subcommands.Add(PlotCommand.Create(Verbose));
        root.Subcommands.Add(ExportOnnxCommand.Create(Verbose, Guard));

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // Usage errors get exit code 2 (as argparse does) so scripts can tell them from runtime failures.
            Console.Error.WriteLine("error: " + parsed.Errors[0].Message);
            return 2;
        }
        return parsed.Invoke();
    }

    /// <summary>
    /// Runs a command body: 0 on success; 2 for usage errors found after parsing; 1 for any failure,
    /// reported as one line (the exception's first line) and a stack trace only with --verbose.
    /// </summary>
    internal static int Guard(ParseResult r, Action body) => Guard(r.GetValue(Verbose), body);

    /// <summary>As <see cref="Guard(ParseResult, Action)"/>, for commands that read --verbose themselves.</summary>
    internal static int Guard(bool verbose, Action body)
    {
        try { body(); return 0; }
        catch (Exception e) when (e is UsageException or System.Text.RegularExpressions.RegexParseException)
        {
            Console.Error.WriteLine("error: " + FirstLine(e.Message));
            if (verbose) Console.Error.WriteLine(e);
            return 2;
        }
        catch (Exception e)
        {
            // Typed engine errors carry their own clear message; anything else is prefixed with its type so it is still one line.
            var message = e is GraphEngineException or IOException or UnauthorizedAccessException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            Console.Error.WriteLine("error: " + FirstLine(message));
            if (verbose) Console.Error.WriteLine(e);
            return 1;
        }
    }

    static string FirstLine(string s) => s.Split('\n')[0].TrimEnd('\r');

    /// <summary>Runs a command that produces output and prints it (plain when redirected, widgets on a terminal).</summary>
    internal static int Print(ParseResult r, Func<CommandOutput> produce) => Guard(r, () => produce().Print());
}
