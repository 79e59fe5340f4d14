using System.Text;
using System.Text.Json;
using GraphEngine.Ops.Proto;

namespace GraphEngine.Client;

/// <summary>
/// TF's <c>tensorflow.python.client.timeline.Timeline</c>: turns a traced run's StepStats into a
/// Chrome trace (open chrome://tracing or https://ui.perfetto.dev and load the JSON) — one process
/// per device, one thread lane per executing thread, one complete ("X") event per node.
/// </summary>
public sealed class Timeline
{
    private readonly StepStats _stepStats;

    public Timeline(StepStats step_stats)
    {
        _stepStats = step_stats ?? throw new GraphEngine.Ops.Core.InvalidArgumentException("Timeline needs a StepStats (run_metadata.step_stats of a traced run).");
    }

    /// <summary>The trace as Chrome's JSON trace-event format (<c>{"traceEvents": [...]}</c>).</summary>
    public string generate_chrome_trace_format()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false }))
        {
            w.WriteStartObject();
            w.WriteStartArray("traceEvents");
            for (int pid = 0; pid < _stepStats.DevStats.Count; pid++)
            {
                var dev = _stepStats.DevStats[pid];
                Metadata(w, "process_name", pid, 0, dev.Device + " Compute");
                Metadata(w, "process_sort_index", pid, 0, null, pid);
                foreach (var tid in dev.NodeStats.Select(n => n.ThreadId).Distinct().Order())
                    Metadata(w, "thread_name", pid, tid, dev.ThreadNames.TryGetValue(tid, out var tn) ? tn : $"thread {tid}");
                foreach (var node in dev.NodeStats) NodeEvent(w, pid, node);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Metadata(Utf8JsonWriter w, string name, int pid, uint tid, string? text, int? sortIndex = null)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteString("ph", "M");
        w.WriteNumber("pid", pid);
        w.WriteNumber("tid", tid);
        w.WriteStartObject("args");
        if (text != null) w.WriteString("name", text);
        if (sortIndex != null) w.WriteNumber("sort_index", sortIndex.Value);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void NodeEvent(Utf8JsonWriter w, int pid, NodeExecStats node)
    {
        var (op, inputs) = ParseLabel(node);
        w.WriteStartObject();
        w.WriteString("name", op);
        w.WriteString("cat", "Op");
        w.WriteString("ph", "X");
        w.WriteNumber("pid", pid);
        w.WriteNumber("tid", node.ThreadId);
        w.WriteNumber("ts", node.AllStartMicros);
        // Chrome hides zero-length events; a node that took under a microsecond still gets one.
        w.WriteNumber("dur", Math.Max(1, node.AllEndRelMicros));
        w.WriteStartObject("args");
        w.WriteString("name", node.NodeName);
        w.WriteString("op", op);
        for (int i = 0; i < inputs.Length; i++) w.WriteString($"input{i}", inputs[i]);
        foreach (var output in node.Output)
        {
            var d = output.TensorDescription;
            if (d == null) continue;
            var shape = d.Shape == null ? "?" : "[" + string.Join(",", d.Shape.Dim.Select(x => x.Size)) + "]";
            w.WriteString($"output{output.Slot}", $"{d.Dtype} {shape} {d.AllocationDescription?.AllocatedBytes ?? 0} bytes");
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Splits TF's timeline label "name = Op(a, b)" into the op type and its inputs.</summary>
    private static (string Op, string[] Inputs) ParseLabel(NodeExecStats node)
    {
        var label = node.TimelineLabel;
        int eq = label.IndexOf(" = ", StringComparison.Ordinal);
        int open = label.IndexOf('(', eq < 0 ? 0 : eq);
        if (eq < 0 || open < 0 || !label.EndsWith(')')) return (node.NodeName, []);
        var op = label[(eq + 3)..open];
        var args = label[(open + 1)..^1];
        return (op, args.Length == 0 ? [] : args.Split(", "));
    }
}
