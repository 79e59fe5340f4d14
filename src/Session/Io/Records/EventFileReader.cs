using Google.Protobuf;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Proto;

namespace GraphEngine.Runtime.Io.Records;

/// <summary>
/// Reads the Event protos of a tfevents file (TF: python/summary/summary_iterator.py), verifying
/// each record's CRCs. A record that is not a valid Event proto is DataLoss naming the record.
/// </summary>
public static class EventFileReader
{
    public static IEnumerable<Event> Read(string path)
    {
        if (!File.Exists(path)) throw new NotFoundException($"Event file '{path}' does not exist.");
        using var reader = TfRecordReader.Open(path);
        foreach (var e in Read(reader, path)) yield return e;
    }

    public static IEnumerable<Event> Read(Stream stream, string name)
    {
        using var reader = new TfRecordReader(stream, name, ownsStream: false);
        foreach (var e in Read(reader, name)) yield return e;
    }

    private static IEnumerable<Event> Read(TfRecordReader reader, string name)
    {
        while (true)
        {
            long index = reader.RecordIndex;
            var data = reader.ReadNext();
            if (data == null) yield break;
            Event e;
            try { e = Event.Parser.ParseFrom(data); }
            catch (InvalidProtocolBufferException ex)
            {
                throw new DataLossException($"Event file '{name}': record {index} ({data.Length} bytes) is not a valid Event proto: {ex.Message}", ex);
            }
            yield return e;
        }
    }

    /// <summary>The event files of a directory (not recursive), oldest name first, as TensorBoard orders them.</summary>
    public static string[] EventFilesIn(string dir) =>
        Directory.Exists(dir)
            ? Directory.GetFiles(dir).Where(f => Path.GetFileName(f).Contains("tfevents", StringComparison.Ordinal)).OrderBy(f => f, StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>(step, wall_time, value) of every scalar summary value with <paramref name="tag"/> in the files of <paramref name="dir"/>.</summary>
    public static List<(long Step, double WallTime, double Value)> Scalars(string dir, string tag)
    {
        var points = new List<(long, double, double)>();
        foreach (var file in EventFilesIn(dir))
            foreach (var e in Read(file))
            {
                if (e.WhatCase != Event.WhatOneofCase.Summary) continue;
                foreach (var v in e.Summary.Value)
                    if (v.Tag == tag && ScalarOf(v) is { } x) points.Add((e.Step, e.WallTime, x));
            }
        return points;
    }

    /// <summary>A summary value's scalar: simple_value, or a scalar float/double tensor (TF2-style scalars).</summary>
    public static double? ScalarOf(Summary.Types.Value v)
    {
        if (v.ValueCase == Summary.Types.Value.ValueOneofCase.SimpleValue) return v.SimpleValue;
        if (v.ValueCase == Summary.Types.Value.ValueOneofCase.Tensor && v.Tensor.TensorShape is null or { Dim.Count: 0 })
        {
            var t = v.Tensor;
            if (t.FloatVal.Count == 1) return t.FloatVal[0];
            if (t.DoubleVal.Count == 1) return t.DoubleVal[0];
            if (t.TensorContent.Length == 4 && t.Dtype == Ops.Proto.DataType.DtFloat) return BitConverter.ToSingle(t.TensorContent.Span);
            if (t.TensorContent.Length == 8 && t.Dtype == Ops.Proto.DataType.DtDouble) return BitConverter.ToDouble(t.TensorContent.Span);
        }
        return null;
    }
}
