using System.Text.Json;
using GraphEngine.Client;
using GraphEngine.Ops.Proto;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NumSharp;

namespace GraphEngine.Tests.Session;

/// <summary>RunOptions(trace_level) + RunMetadata step stats, and the Chrome-trace Timeline built from them.</summary>
[TestClass]
public sealed class RunTracingTests
{
    private static (GraphEngine.Graph G, Tensor X, Tensor Y) SmallModel()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var x = tf.placeholder(tf.float32, new[] { 2, 3 }, name: "x");
        var w = tf.constant(new float[,] { { 1, 0 }, { 0, 1 }, { 1, 1 } }, name: "w");
        var h = tf.matmul(x, w, name: "h");
        var y = tf.nn.relu(h + 1f, name: "y");
        return (g, x, y);
    }

    private static FeedDict Feed(Tensor x) => new() { [x] = new float[,] { { 1, 2, 3 }, { -4, -5, -6 } } };

    [TestMethod]
    [DataRow(RunOptions.Types.TraceLevel.FullTrace)]
    [DataRow(RunOptions.Types.TraceLevel.SoftwareTrace)]
    public void Traced_run_records_every_node_with_times_labels_and_outputs(RunOptions.Types.TraceLevel level)
    {
        var (g, x, y) = SmallModel();
        using var sess = tf.Session(g);
        var md = tf.RunMetadata();
        NDArray r = sess.run(y, Feed(x), tf.RunOptions(trace_level: level), md);
        CollectionAssert.AreEqual(new float[] { 5, 6, 0, 0 }, r.ToArray<float>());

        Assert.AreEqual(1, md.StepStats.DevStats.Count);
        var dev = md.StepStats.DevStats[0];
        StringAssert.Contains(dev.Device, "CPU:0");
        var names = dev.NodeStats.Select(n => n.NodeName).ToList();
        // x is fed, so it does not run; everything else on the path to y does, once, in order.
        CollectionAssert.AreEquivalent(new[] { "w", "h", "add/y", "add", "y" }, names);
        Assert.IsTrue(names.IndexOf("h") < names.IndexOf("add") && names.IndexOf("add") < names.IndexOf("y"));
        long nowMicros = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10;
        long previous = 0;
        foreach (var n in dev.NodeStats)
        {
            Assert.IsTrue(n.AllStartMicros > nowMicros - 60_000_000 && n.AllStartMicros <= nowMicros, $"{n.NodeName} start {n.AllStartMicros}");
            Assert.IsTrue(n.AllStartMicros >= previous, "nodes start in execution order");
            previous = n.AllStartMicros;
            Assert.IsTrue(n.OpStartRelMicros <= n.OpEndRelMicros && n.OpEndRelMicros <= n.AllEndRelMicros);
        }
        var h = dev.NodeStats.Single(n => n.NodeName == "h");
        Assert.AreEqual("h = MatMul(x, w)", h.TimelineLabel);
        var output = h.Output.Single();
        Assert.AreEqual(0, output.Slot);
        Assert.AreEqual(DataType.DtFloat, output.TensorDescription.Dtype);
        CollectionAssert.AreEqual(new long[] { 2, 2 }, output.TensorDescription.Shape.Dim.Select(d => d.Size).ToArray());
        Assert.AreEqual(16, output.TensorDescription.AllocationDescription.AllocatedBytes);
        Assert.AreEqual(16, output.TensorDescription.AllocationDescription.RequestedBytes);
    }

    [TestMethod]
    public void Untraced_runs_leave_metadata_empty()
    {
        var (g, x, y) = SmallModel();
        using var sess = tf.Session(g);
        var md = tf.RunMetadata();
        sess.run(y, Feed(x), tf.RunOptions(), md);
        Assert.IsNull(md.StepStats);
        // Without a RunMetadata there is nowhere to put stats: the run simply works.
        NDArray r = sess.run(y, Feed(x), tf.RunOptions(trace_level: RunOptions.Types.TraceLevel.FullTrace));
        Assert.AreEqual(5f, r.ToArray<float>()[0]);
    }

    [TestMethod]
    public void Metadata_round_trips_through_protobuf_bytes()
    {
        var (g, x, y) = SmallModel();
        using var sess = tf.Session(g);
        var md = tf.RunMetadata();
        sess.run(y, Feed(x), tf.RunOptions(trace_level: RunOptions.Types.TraceLevel.FullTrace, output_partition_graphs: true), md);
        var back = RunMetadata.Parser.ParseFrom(Google.Protobuf.MessageExtensions.ToByteArray(md));
        Assert.AreEqual(md, back);
        Assert.AreEqual(1, back.PartitionGraphs.Count);
        CollectionAssert.AreEquivalent(new[] { "w", "h", "add/y", "add", "y" }, back.PartitionGraphs[0].Node.Select(n => n.Name).ToArray());
    }

    [TestMethod]
    public void A_failing_traced_run_still_reports_the_nodes_it_ran()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var v = tf.Variable(1f, name: "v");
        var y = tf.add(v, 1f, name: "y");
        using var sess = tf.Session(g);
        var md = tf.RunMetadata();
        Assert.ThrowsExactly<GraphEngine.Ops.Core.FailedPreconditionException>(() =>
            sess.run(y, null, tf.RunOptions(trace_level: RunOptions.Types.TraceLevel.FullTrace), md));
        Assert.IsTrue(md.StepStats.DevStats[0].NodeStats.Any(n => n.NodeName == "v/read"));
    }

    [TestMethod]
    public void Timeline_is_chrome_trace_json_with_one_complete_event_per_node()
    {
        var (g, x, y) = SmallModel();
        using var sess = tf.Session(g);
        var md = tf.RunMetadata();
        sess.run(y, Feed(x), tf.RunOptions(trace_level: RunOptions.Types.TraceLevel.FullTrace), md);

        var json = new Timeline(md.StepStats).generate_chrome_trace_format();
        using var doc = JsonDocument.Parse(json);
        var events = doc.RootElement.GetProperty("traceEvents").EnumerateArray().ToList();
        var complete = events.Where(e => e.GetProperty("ph").GetString() == "X").ToList();
        var executed = md.StepStats.DevStats[0].NodeStats.Select(n => n.NodeName).ToList();
        CollectionAssert.AreEquivalent(executed, complete.Select(e => e.GetProperty("args").GetProperty("name").GetString()).ToList());
        var matmul = complete.Single(e => e.GetProperty("args").GetProperty("name").GetString() == "h");
        Assert.AreEqual("MatMul", matmul.GetProperty("name").GetString());
        Assert.AreEqual("MatMul", matmul.GetProperty("args").GetProperty("op").GetString());
        Assert.AreEqual("x", matmul.GetProperty("args").GetProperty("input0").GetString());
        Assert.AreEqual("w", matmul.GetProperty("args").GetProperty("input1").GetString());
        Assert.IsTrue(matmul.GetProperty("dur").GetInt64() >= 1);
        Assert.AreEqual(md.StepStats.DevStats[0].NodeStats.Single(n => n.NodeName == "h").AllStartMicros, matmul.GetProperty("ts").GetInt64());
        // Every event sits in a named process (the device) and thread lane.
        var process = events.Single(e => e.GetProperty("ph").GetString() == "M" && e.GetProperty("name").GetString() == "process_name");
        StringAssert.Contains(process.GetProperty("args").GetProperty("name").GetString(), "CPU:0");
        foreach (var e in complete)
        {
            Assert.AreEqual(process.GetProperty("pid").GetInt32(), e.GetProperty("pid").GetInt32());
            Assert.IsTrue(events.Any(m => m.GetProperty("name").GetString() == "thread_name" && m.GetProperty("tid").GetUInt32() == e.GetProperty("tid").GetUInt32()));
        }
    }

    [TestMethod]
    public void Timeline_of_an_empty_step_is_valid_json()
    {
        var json = new Timeline(new StepStats()).generate_chrome_trace_format();
        using var doc = JsonDocument.Parse(json);
        Assert.AreEqual(0, doc.RootElement.GetProperty("traceEvents").GetArrayLength());
    }
}
