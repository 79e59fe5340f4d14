using System.Globalization;
using GraphEngine.Cli.Output;
using GraphEngine.Ops.Core;
using GraphEngine.Runtime.Io;

namespace GraphEngine.Cli.Commands;

/// <summary>
/// <c>graphengine inspect A --diff B</c>: tensors only in A (missing from B), only in B (extra), with a
/// different dtype or shape, and for the rest the largest absolute element difference. Differences are
/// the answer, not a failure, so the exit code stays 0.
/// </summary>
public static class InspectDiff
{
    public sealed record Entry(string Name, string Status, string? DTypeA, string? DTypeB, long[]? ShapeA, long[]? ShapeB, double? MaxAbsDiff);

    public static CommandOutput Compare(string prefixA, CheckpointReader a, string prefixB, InspectOptions o)
    {
        var b = CheckpointReader.Open(prefixB);
        var keysA = InspectCommand.SelectKeys(a, o.Filter);
        var keysB = InspectCommand.SelectKeys(b, o.Filter);
        var setB = keysB.ToHashSet(StringComparer.Ordinal);
        var setA = keysA.ToHashSet(StringComparer.Ordinal);
        var dA = a.GetVariableToDTypeMap(); var sA = a.GetVariableToShapeMap();
        var dB = b.GetVariableToDTypeMap(); var sB = b.GetVariableToShapeMap();

        var common = keysA.Where(setB.Contains).ToList();
        var rows = common.Select(k => new InspectCommand.Row(k, dA[k], sA[k])).ToList();
        var entries = new List<Entry>();
        foreach (var k in keysA.Where(k => !setB.Contains(k)))
            entries.Add(new Entry(k, "missing", dA[k].Name(), null, Dims(sA[k]), null, null));
        foreach (var k in keysB.Where(k => !setA.Contains(k)))
            entries.Add(new Entry(k, "extra", null, dB[k].Name(), null, Dims(sB[k]), null));
        Terminal.WithProgress("comparing tensors", common.Count, InspectCommand.IsLong(rows), tick =>
        {
            foreach (var k in common)
            {
                string status;
                double? diff = null;
                if (dA[k] != dB[k]) status = "dtype";
                else if (!SameShape(sA[k], sB[k])) status = "shape";
                else
                {
                    diff = MaxAbsDiff(a.GetTensor(k), b.GetTensor(k));
                    status = diff == 0 ? "same" : "changed";
                }
                entries.Add(new Entry(k, status, dA[k].Name(), dB[k].Name(), Dims(sA[k]), Dims(sB[k]), diff));
                tick();
            }
            return 0;
        });
        entries.Sort((x, y) => string.CompareOrdinal(x.Name, y.Name));
        int Count(string s) => entries.Count(e => e.Status == s);

        if (o.Json)
            return new CommandOutput
            {
                Json = CommandOutput.ToJson(new Dictionary<string, object?>
                {
                    ["a"] = prefixA, ["b"] = prefixB,
                    ["missing"] = entries.Where(e => e.Status == "missing").Select(e => e.Name).ToList(),
                    ["extra"] = entries.Where(e => e.Status == "extra").Select(e => e.Name).ToList(),
                    ["tensors"] = entries.Select(e => new Dictionary<string, object?>
                    {
                        ["name"] = e.Name, ["status"] = e.Status, ["dtype_a"] = e.DTypeA, ["dtype_b"] = e.DTypeB,
                        ["shape_a"] = e.ShapeA, ["shape_b"] = e.ShapeB, ["max_abs_diff"] = e.MaxAbsDiff,
                    }).ToList(),
                    ["identical"] = entries.All(e => e.Status == "same"),
                }),
            };

        var table = new TableBlock(null, ["name", "status", "a", "b", "max_abs_diff"], entries.Select(e => new[]
        {
            e.Name, e.Status, Describe(e.DTypeA, e.ShapeA), Describe(e.DTypeB, e.ShapeB),
            e.MaxAbsDiff is { } d ? InspectCommand.G(d) : "-",
        }).ToList(), RightAlignFrom: 4);
        return new CommandOutput
        {
            Report = new Report().Text($"A: {prefixA}").Text($"B: {prefixB}").Table(table).Text(
                $"Summary: {Count("same")} same, {Count("changed")} changed, {Count("dtype") + Count("shape")} dtype/shape changes, " +
                $"{Count("missing")} missing from B, {Count("extra")} extra in B"),
        };
    }

    static long[]? Dims(TensorShape s) => s.HasRank ? s.ToArray() : null;

    static bool SameShape(TensorShape x, TensorShape y) =>
        x.HasRank == y.HasRank && (!x.HasRank || x.ToArray().SequenceEqual(y.ToArray()));

    static string Describe(string? dtype, long[]? shape) =>
        dtype == null ? "-" : $"{dtype} [{string.Join(", ", (shape ?? []).Select(d => d.ToString(CultureInfo.InvariantCulture)))}]";

    /// <summary>Largest |a-b| over the elements; NaN when either side has a NaN where the other differs; strings compare as 0/1.</summary>
    internal static double MaxAbsDiff(HostTensor x, HostTensor y)
    {
        if (x.DType == DType.String)
        {
            var sx = x.Strings ?? []; var sy = y.Strings ?? [];
            for (int i = 0; i < sx.Length; i++) if (!sx[i].AsSpan().SequenceEqual(sy[i])) return 1;
            return 0;
        }
        var a = ValueFormatter.ToDoubles(x);
        var b = ValueFormatter.ToDoubles(y);
        if (a == null || b == null) return double.NaN;
        double max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i].Equals(b[i])) continue;   // equal values, including NaN==NaN and matching infinities
            double d = Math.Abs(a[i] - b[i]);
            if (double.IsNaN(d)) return double.NaN;
            max = Math.Max(max, d);
        }
        return max;
    }
}
