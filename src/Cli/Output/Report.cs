using System.Text;
using Spectre.Console;

namespace GraphEngine.Cli.Output;

/// <summary>
/// What a command prints, as structure rather than text, so one result has two renderings:
/// plain stable text (redirected output, tests, scripts) and Spectre.Console tables/trees on a terminal.
/// </summary>
public sealed class Report
{
    public List<Block> Blocks { get; } = [];

    public Report Text(string text) { Blocks.Add(new TextBlock(text)); return this; }

    public Report Table(TableBlock table) { Blocks.Add(table); return this; }

    public Report Tree(TreeItem root) { Blocks.Add(new TreeBlock(root)); return this; }

    /// <summary>Plain text: tables as space-aligned columns under a dashed rule, trees indented two spaces a level.</summary>
    public string ToPlainText()
    {
        var sb = new StringBuilder();
        foreach (var b in Blocks)
            switch (b)
            {
                case TextBlock t: sb.AppendLine(t.Text); break;
                case TableBlock t: PlainTable(sb, t); break;
                case TreeBlock t: PlainTree(sb, t.Root, 0); break;
            }
        return sb.ToString();
    }

    static void PlainTable(StringBuilder sb, TableBlock t)
    {
        if (t.Title != null) sb.AppendLine(t.Title);
        var widths = t.Header.Select((h, i) => Math.Max(h.Length, t.Rows.Count == 0 ? 0 : t.Rows.Max(c => c[i].Length))).ToArray();
        void Line(IReadOnlyList<string> c) =>
            sb.AppendLine(string.Join("  ", c.Select((x, i) => i >= t.RightAlignFrom ? x.PadLeft(widths[i]) : x.PadRight(widths[i]))).TrimEnd());
        Line(t.Header);
        sb.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var c in t.Rows) Line(c);
    }

    static void PlainTree(StringBuilder sb, TreeItem node, int depth)
    {
        sb.Append(' ', depth * 2).AppendLine(node.Label);
        foreach (var c in node.Children) PlainTree(sb, c, depth + 1);
    }

    /// <summary>Writes to the terminal with Spectre.Console widgets; text is escaped, never parsed as markup.</summary>
    public void WriteRich(IAnsiConsole console)
    {
        foreach (var b in Blocks)
            switch (b)
            {
                case TextBlock t: console.WriteLine(t.Text); break;
                case TableBlock t:
                    // The title goes above the table, not into its header: a long title must not wrap to the table's width.
                    if (t.Title != null) console.Write(new Text(t.Title + "\n", new Style(decoration: Decoration.Bold)));
                    console.Write(RichTable(t));
                    break;
                case TreeBlock t: console.Write(RichTree(t.Root)); break;
            }
    }

    static Table RichTable(TableBlock t)
    {
        var table = new Table().Border(TableBorder.Rounded);
        for (int i = 0; i < t.Header.Count; i++)
        {
            var col = new TableColumn(new Markup("[bold]" + Markup.Escape(t.Header[i]) + "[/]"));
            if (i >= t.RightAlignFrom) col.RightAligned().NoWrap();   // numbers must not break across lines
            table.AddColumn(col);
        }
        foreach (var r in t.Rows) table.AddRow(r.Select(c => (Spectre.Console.Rendering.IRenderable)new Text(c)).ToArray());
        return table;
    }

    static Tree RichTree(TreeItem root)
    {
        var tree = new Tree(Markup.Escape(root.Label));
        void Add(IHasTreeNodes parent, TreeItem item)
        {
            var node = parent.AddNode(Markup.Escape(item.Label));
            foreach (var c in item.Children) Add(node, c);
        }
        foreach (var c in root.Children) Add(tree, c);
        return tree;
    }

    /// <summary>Prints plain text when stdout is redirected (stable for scripts and tests), rich widgets on a terminal.</summary>
    public void Print()
    {
        if (Terminal.IsInteractive) WriteRich(AnsiConsole.Console);
        else Console.Out.Write(ToPlainText());
    }
}

public abstract record Block;

public sealed record TextBlock(string Text) : Block;

/// <summary>A table; columns from <see cref="RightAlignFrom"/> on are numbers and right-aligned.</summary>
public sealed record TableBlock(string? Title, IReadOnlyList<string> Header, List<string[]> Rows, int RightAlignFrom = int.MaxValue) : Block;

public sealed record TreeBlock(TreeItem Root) : Block;

public sealed class TreeItem(string label)
{
    public string Label { get; } = label;
    public List<TreeItem> Children { get; } = [];

    public TreeItem Add(string label)
    {
        var c = new TreeItem(label);
        Children.Add(c);
        return c;
    }
}

/// <summary>Whether stdout is a terminal a person watches: only then do we draw widgets and progress.</summary>
public static class Terminal
{
    public static bool IsInteractive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>
    /// Runs <paramref name="work"/> with a progress bar of <paramref name="steps"/> ticks on a terminal when the
    /// work is big enough to be worth watching; silently otherwise (redirected output stays clean).
    /// </summary>
    /// <summary>A spinner while <paramref name="work"/> runs, on a terminal and only for long work (e.g. loading a big checkpoint).</summary>
    public static T WithStatus<T>(string description, bool long_, Func<T> work)
    {
        if (!IsInteractive || !long_) return work();
        return AnsiConsole.Status().Start(Markup.Escape(description), _ => work());
    }

    public static T WithProgress<T>(string description, int steps, bool long_, Func<Action, T> work)
    {
        if (!IsInteractive || !long_ || steps <= 1) return work(() => { });
        T result = default!;
        AnsiConsole.Progress().AutoClear(true).Start(ctx =>
        {
            var task = ctx.AddTask(Markup.Escape(description), maxValue: steps);
            result = work(() => task.Increment(1));
        });
        return result;
    }
}

/// <summary>A command's result: a report for people, or JSON for machines (--json).</summary>
public sealed class CommandOutput
{
    public Report? Report { get; init; }
    public string? Json { get; init; }

    /// <summary>The stable text form: the JSON, or the plain rendering of the report.</summary>
    public string PlainText => Json != null ? Json + Environment.NewLine : Report?.ToPlainText() ?? "";

    public void Print()
    {
        if (Json != null) Console.Out.WriteLine(Json);
        else Report?.Print();
    }

    public static string ToJson(object value) => System.Text.Json.JsonSerializer.Serialize(value, JsonOptions);

    static readonly System.Text.Json.JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        // NaN and ±Infinity appear in real tensors and statistics; they are written as "NaN"/"Infinity" strings.
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
