using System.Globalization;
using System.Text.RegularExpressions;

namespace GraphEngine.Session.Tests.Io;

/// <summary>One tensor row of a PROVENANCE.md checkpoint table.</summary>
public sealed record ProvenanceEntry(string Key, string DType, long[] Shape, int Shard, long Offset, long Size, string Values);

/// <summary>A "Checkpoint prefix `P`: header ... num_shards=N ...; K tensor entries; ..." section.</summary>
public sealed record ProvenanceCheckpoint(string Prefix, int NumShards, int EntryCount, bool Snappy, List<ProvenanceEntry> Entries);

/// <summary>
/// Reads the checkpoint tables that tfdata's PROVENANCE.md files state (decoded by an independent
/// reader), so our reader is checked against every key, dtype, shape, shard, offset and size.
/// </summary>
public static partial class ProvenanceCheckpoints
{
    public static List<ProvenanceCheckpoint> Parse(string provenancePath)
    {
        var dir = Path.GetDirectoryName(provenancePath)!;
        var lines = File.ReadAllLines(provenancePath);
        var result = new List<ProvenanceCheckpoint>();
        for (int i = 0; i < lines.Length; i++)
        {
            var m = HeaderLine().Match(lines[i]);
            if (!m.Success) continue;
            var entries = new List<ProvenanceEntry>();
            int j = i + 1;
            while (j < lines.Length && !lines[j].StartsWith("| key", StringComparison.Ordinal)) j++;
            for (j += 2; j < lines.Length && lines[j].StartsWith("| `", StringComparison.Ordinal); j++)
                entries.Add(ParseRow(lines[j]));
            result.Add(new ProvenanceCheckpoint(
                Path.Combine(dir, m.Groups["prefix"].Value),
                int.Parse(m.Groups["shards"].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups["count"].Value, CultureInfo.InvariantCulture),
                lines[i].Contains("Snappy-compressed", StringComparison.Ordinal),
                entries));
        }
        return result;
    }

    private static ProvenanceEntry ParseRow(string line)
    {
        var cells = line.Split('|').Select(c => c.Trim()).ToArray();
        // cells[0] is empty (leading '|'); the key is in backticks.
        string key = cells[1].Trim('`');
        string shapeText = cells[3].Trim('[', ']');
        long[] shape = shapeText.Length == 0 ? [] : shapeText.Split(',').Select(s => long.Parse(s.Trim(), CultureInfo.InvariantCulture)).ToArray();
        return new ProvenanceEntry(key, cells[2], shape,
            int.Parse(cells[4], CultureInfo.InvariantCulture),
            long.Parse(cells[5], CultureInfo.InvariantCulture),
            long.Parse(cells[6], CultureInfo.InvariantCulture),
            cells[7]);
    }

    /// <summary>The leading values a row states ("first: a, b, c ..." or the full list); null for none or strings.</summary>
    public static double[]? ExpectedValues(ProvenanceEntry e)
    {
        string v = e.Values;
        if (v.Length == 0 || v.StartsWith('(')) return null;
        if (v.StartsWith("first:", StringComparison.Ordinal)) v = v["first:".Length..];
        v = v.Replace("...", "", StringComparison.Ordinal);
        return v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
    }

    [GeneratedRegex(@"^Checkpoint prefix `(?<prefix>[^`]+)`: header \(empty key\) num_shards=(?<shards>\d+),.*; (?<count>\d+) tensor entries;")]
    private static partial Regex HeaderLine();
}
