using System.CommandLine;
using System.Globalization;
using GraphEngine.Ops.Core;
using GraphEngine.Runtime.Io.Records;

namespace GraphEngine.Cli.Commands;

/// <summary>What <c>graphengine plot</c> draws.</summary>
/// <param name="LogDir">A run directory (event files in it) or, with <paramref name="All"/>, a directory of runs.</param>
/// <param name="Smoothing">TensorBoard's smoothing weight in [0, 1): 0 draws the raw curve only.</param>
public sealed record PlotOptions(string LogDir, string Tag = "loss", string Out = "plot.png", bool All = false,
    double Smoothing = 0.6, int Width = 800, int Height = 500);

/// <summary>
/// Renders the scalar curves of one or several runs (event files written by tf.summary.FileWriter
/// or TensorFlow) to a PNG with ScottPlot: per run the raw values, faint, and TensorBoard's
/// debiased exponential moving average on top.
/// </summary>
public static class PlotCommand
{
    private const int MaxSide = 10_000;

    /// <summary>The <c>plot</c> subcommand, for Program to add to the root command.</summary>
    public static Command Create(Option<bool> verbose)
    {
        var logdir = new Argument<string>("LOGDIR") { Description = "Run directory with events.out.tfevents.* files, or a directory of runs with --all" };
        var tag = new Option<string>("--tag") { Description = "Scalar summary tag to plot", DefaultValueFactory = _ => "loss" };
        var output = new Option<string>("--out") { Description = "PNG file to write", DefaultValueFactory = _ => "plot.png" };
        var all = new Option<bool>("--all") { Description = "Plot every run: LOGDIR and each subdirectory holding event files" };
        var smoothing = new Option<double>("--smoothing") { Description = "Exponential moving average weight in [0, 1), as TensorBoard's slider", DefaultValueFactory = _ => 0.6 };
        var width = new Option<int>("--width") { Description = "Image width in pixels", DefaultValueFactory = _ => 800 };
        var height = new Option<int>("--height") { Description = "Image height in pixels", DefaultValueFactory = _ => 500 };
        var plot = new Command("plot", "Render scalar curves of event files to a PNG") { logdir, tag, output, all, smoothing, width, height };
        plot.SetAction(r =>
        {
            try
            {
                Console.Out.WriteLine(Run(new PlotOptions(r.GetValue(logdir)!, r.GetValue(tag)!, r.GetValue(output)!, r.GetValue(all),
                    r.GetValue(smoothing), r.GetValue(width), r.GetValue(height))));
                return 0;
            }
            catch (Exception e) when (e is GraphEngineException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine("error: " + e.Message.Split('\n')[0]);
                if (r.GetValue(verbose)) Console.Error.WriteLine(e);
                return 1;
            }
        });
        return plot;
    }

    /// <summary>Draws the plot and returns a one-line report of what was written.</summary>
    public static string Run(PlotOptions o)
    {
        if (o.Width is < 16 or > MaxSide || o.Height is < 16 or > MaxSide)
            throw new InvalidArgumentException($"--width and --height must be between 16 and {MaxSide} pixels, got {o.Width}x{o.Height}.");
        if (!(o.Smoothing >= 0 && o.Smoothing < 1))
            throw new InvalidArgumentException($"--smoothing must be in [0, 1), got {o.Smoothing.ToString(CultureInfo.InvariantCulture)}.");
        if (!Directory.Exists(o.LogDir)) throw new NotFoundException($"Log directory '{o.LogDir}' does not exist.");
        var runs = FindRuns(o.LogDir, o.All);
        if (runs.Count == 0)
            throw new NotFoundException(o.All
                ? $"No event files (events.out.tfevents.*) under '{o.LogDir}'."
                : $"No event files (events.out.tfevents.*) in '{o.LogDir}'; use --all to plot the runs in its subdirectories.");

        var curves = new List<(string Run, List<(long Step, double WallTime, double Value)> Points)>();
        var otherTags = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (name, dir) in runs)
        {
            var points = EventFileReader.Scalars(dir, o.Tag);
            if (points.Count > 0) curves.Add((name, points.OrderBy(p => p.Step).ThenBy(p => p.WallTime).ToList()));
            else foreach (var t in ScalarTags(dir)) otherTags.Add(t);
        }
        if (curves.Count == 0)
            throw new NotFoundException($"No scalar summaries tagged '{o.Tag}' in {runs.Count} run(s) under '{o.LogDir}'. Scalar tags found: " +
                (otherTags.Count == 0 ? "none" : string.Join(", ", otherTags.Take(20))) + ".");

        var plot = new ScottPlot.Plot();
        for (int i = 0; i < curves.Count; i++)
        {
            var (name, points) = curves[i];
            var xs = points.Select(p => (double)p.Step).ToArray();
            var ys = points.Select(p => p.Value).ToArray();
            var color = plot.Add.Palette.GetColor(i);
            var raw = plot.Add.ScatterLine(xs, ys);
            raw.Color = o.Smoothing > 0 ? color.WithAlpha(0.3) : color;
            raw.LineWidth = 1.5f;
            if (o.Smoothing > 0)
            {
                var smooth = plot.Add.ScatterLine(xs, Smooth(ys, o.Smoothing));
                smooth.Color = color;
                smooth.LineWidth = 2f;
                smooth.LegendText = name;
            }
            else raw.LegendText = name;
        }
        plot.Title(o.Tag);
        plot.XLabel("step");
        plot.YLabel(o.Tag);
        // Loss-like curves fall toward the lower right: keep the run names out of their way.
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);

        var full = Path.GetFullPath(o.Out);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        // Written beside the target and renamed, so a reader never sees a half-written image.
        var temp = full + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".png";
        try
        {
            plot.SavePng(temp, o.Width, o.Height);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        int total = curves.Sum(c => c.Points.Count);
        return $"Wrote {full} ({o.Width}x{o.Height}): '{o.Tag}' from {curves.Count} run(s), {total} point(s).";
    }

    /// <summary>
    /// TensorBoard's scalar smoothing: an exponential moving average started at 0 and divided by
    /// 1 - w^n so early points are not pulled toward 0; non-finite values pass through; a
    /// constant series stays as it is.
    /// </summary>
    public static double[] Smooth(double[] values, double weight)
    {
        var result = new double[values.Length];
        bool constant = values.All(v => v == values[0]);
        double last = 0;
        int n = 0;
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (!double.IsFinite(v) || constant) { result[i] = v; continue; }
            last = last * weight + (1 - weight) * v;
            n++;
            result[i] = last / (1 - Math.Pow(weight, n));
        }
        return result;
    }

    /// <summary>(name, directory) of each run: LOGDIR itself when it holds event files, and with --all every subdirectory that does.</summary>
    private static List<(string Name, string Dir)> FindRuns(string logdir, bool all)
    {
        var runs = new List<(string, string)>();
        if (EventFileReader.EventFilesIn(logdir).Length > 0) runs.Add((Path.GetFileName(Path.GetFullPath(logdir).TrimEnd(Path.DirectorySeparatorChar)), logdir));
        if (all)
            foreach (var dir in Directory.EnumerateDirectories(logdir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                if (EventFileReader.EventFilesIn(dir).Length > 0)
                    runs.Add((Path.GetRelativePath(logdir, dir).Replace('\\', '/'), dir));
        return runs;
    }

    private static IEnumerable<string> ScalarTags(string dir) =>
        EventFileReader.EventFilesIn(dir).SelectMany(EventFileReader.Read)
            .Where(e => e.Summary != null).SelectMany(e => e.Summary.Value)
            .Where(v => EventFileReader.ScalarOf(v) != null).Select(v => v.Tag).Distinct();
}
