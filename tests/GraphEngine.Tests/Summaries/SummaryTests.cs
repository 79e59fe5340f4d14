using GraphEngine.Ops.Core;
using GraphEngine.Ops.Proto;
using GraphEngine.Ops.Summaries;
using GraphEngine.TestKit;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NumSharp;

namespace GraphEngine.Tests.Summaries;

/// <summary>tf.summary ops, their kernels (histogram buckets, PNG images, text), merging, and FileWriter end to end.</summary>
[TestClass]
public sealed class SummaryTests
{
    private static IDisposable NewGraph() => new GraphEngine.Graph().as_default();

    private static Summary Run(Tensor summary, FeedDict? feed = null)
    {
        using var sess = tf.Session();
        return Summary.Parser.ParseFrom(sess.run_strings(summary, feed)[0]);
    }

    [TestMethod]
    public void Scalar_is_named_and_tagged_like_tf1()
    {
        using var _ = NewGraph();
        var loss = tf.constant(0.75f);
        var s = tf.summary.scalar("loss", loss);
        Assert.AreEqual("loss:0", s.name);
        Assert.AreEqual("ScalarSummary", s.op.type);
        Assert.AreEqual("loss/tags", s.op.inputs[0].op.name);
        var s2 = tf.summary.scalar("loss", loss);
        Assert.AreEqual("loss_1", s2.op.name);
        Tensor inScope, withFamily;
        using (tf.name_scope("train"))
        {
            inScope = tf.summary.scalar("acc", tf.constant(0.5));
            withFamily = tf.summary.scalar("lr", tf.constant(3), family: "opt");
        }
        Assert.AreEqual("train/acc", inScope.op.name);
        Assert.AreEqual("train/opt/lr", withFamily.op.name);
        Assert.AreEqual("train/acc", Run(inScope).Value[0].Tag);
        Assert.AreEqual("opt/train/opt/lr", Run(withFamily).Value[0].Tag);
        var v = Run(s).Value.Single();
        Assert.AreEqual("loss", v.Tag);
        Assert.AreEqual(0.75f, v.SimpleValue);
        Assert.AreEqual("loss_1", Run(s2).Value[0].Tag);
        Assert.AreEqual("bad_name_", Run(tf.summary.scalar("bad name!", loss)).Value[0].Tag);
        CollectionAssert.AreEqual(new object[] { s, s2, inScope, withFamily }, tf.get_collection(tf.GraphKeys.SUMMARIES).Take(4).ToList());
        var custom = tf.summary.scalar("elsewhere", loss, collections: ["mine"]);
        CollectionAssert.Contains(tf.get_collection("mine"), custom);
        CollectionAssert.DoesNotContain(tf.get_collection(tf.GraphKeys.SUMMARIES), custom);
    }

    [TestMethod]
    public void ScalarSummary_with_several_tags_and_shape_mismatch()
    {
        using var _ = NewGraph();
        var ok = new OpBuilder(SummaryOps.ScalarSummary).Input(tf.constant(new[] { "a", "b" })).Input(tf.constant(new[] { 1, 2 })).Build().outputs[0];
        var values = Run(ok).Value;
        Assert.AreEqual("b", values[1].Tag);
        Assert.AreEqual(2f, values[1].SimpleValue);
        var bad = new OpBuilder(SummaryOps.ScalarSummary, "mismatch").Input(tf.constant(new[] { "a", "b" })).Input(tf.constant(new[] { 1f, 2f, 3f })).Build().outputs[0];
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => Run(bad));
        StringAssert.Contains(e.Message, "mismatch");
        StringAssert.Contains(e.Message, "tags and values are not the same shape");
    }

    [TestMethod]
    public void Histogram_uses_tfs_bucket_layout()
    {
        var limits = Histogram.DefaultBucketLimits;
        Assert.HasCount(1551, limits, "774 limits from 1e-12 by x1.1, DBL_MAX, mirrored, and 0");
        Assert.AreEqual(-double.MaxValue, limits[0]);
        Assert.AreEqual(0.0, limits[775]);
        Assert.AreEqual(1e-12, limits[776]);
        Assert.AreEqual(double.MaxValue, limits[^1]);
        // Every limit TF 1.8 wrote in the real event file is one of ours, bit for bit.
        var path = TfData.Path("dnnregressor-events-tf1.8", "events.out.tfevents.1532035987.cori08");
        var ours = limits.ToHashSet();
        int checkedLimits = 0;
        foreach (var e in tf.train.summary_iterator(path))
            foreach (var v in e.Summary?.Value ?? [])
                if (v.Histo != null)
                    foreach (var l in v.Histo.BucketLimit) { Assert.Contains(l, ours, $"TF bucket limit {l:R} of {v.Tag}"); checkedLimits++; }
        Assert.IsGreaterThan(10, checkedLimits);

        using var _ = NewGraph();
        var h = Run(tf.summary.histogram("w", tf.constant(new[] { -1.0, 0.0, 0.5, 2.0, 2.0 }))).Value.Single();
        Assert.AreEqual("w", h.Tag);
        var p = h.Histo;
        Assert.AreEqual(-1.0, p.Min);
        Assert.AreEqual(2.0, p.Max);
        Assert.AreEqual(5.0, p.Num);
        Assert.AreEqual(3.5, p.Sum);
        Assert.AreEqual(9.25, p.SumSquares);
        // Non-empty buckets hold the value in [limit[i-1], limit[i]); runs of empty buckets collapse to their last limit.
        int Upper(double x) => Array.FindIndex(limits, l => l > x);
        var expected = new List<(double Limit, double Count)>();
        int[] hit = [Upper(-1.0), Upper(0.0), Upper(0.5), Upper(2.0)];
        double[] counts = [1, 1, 1, 2];
        int at = 0;
        for (int k = 0; k < hit.Length; k++)
        {
            if (hit[k] > at) expected.Add((limits[hit[k] - 1], 0));
            expected.Add((limits[hit[k]], counts[k]));
            at = hit[k] + 1;
        }
        expected.Add((double.MaxValue, 0));
        CollectionAssert.AreEqual(expected.Select(x => x.Limit).ToArray(), p.BucketLimit.ToArray());
        CollectionAssert.AreEqual(expected.Select(x => x.Count).ToArray(), p.Bucket.ToArray());
    }

    [TestMethod]
    public void Histogram_bucketing_matches_a_bisection_reference_at_every_limit()
    {
        var limits = Histogram.DefaultBucketLimits;
        var values = new List<double> { 0.0, -0.0, 1e-13, -1e-13, 1e25, -1e25, double.MaxValue / 2 };
        foreach (var l in limits)
            if (Math.Abs(l) < double.MaxValue) values.AddRange([l, Math.BitDecrement(l), Math.BitIncrement(l)]);
        var rng = new Random(3);
        for (int i = 0; i < 2000; i++) values.Add((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-14, 22)));
        var h = new Histogram();
        h.AddRange(values.ToArray());
        // Reference: std::upper_bound by bisection, then TF's run-collapsing encoding.
        var counts = new double[limits.Length];
        foreach (var v in values)
        {
            int lo = 0, hi = limits.Length;
            while (lo < hi) { int mid = (lo + hi) / 2; if (limits[mid] > v) hi = mid; else lo = mid + 1; }
            counts[lo]++;
        }
        var expectedLimits = new List<double>();
        var expectedCounts = new List<double>();
        for (int i = 0; i < counts.Length;)
        {
            double end = limits[i], count = counts[i++];
            if (count <= 0) while (i < counts.Length && counts[i] <= 0) { end = limits[i]; count = counts[i++]; }
            expectedLimits.Add(end);
            expectedCounts.Add(count);
        }
        var p = h.ToProto();
        CollectionAssert.AreEqual(expectedLimits, p.BucketLimit.ToList());
        CollectionAssert.AreEqual(expectedCounts, p.Bucket.ToList());
        Assert.AreEqual((double)values.Count, p.Num);
    }

    [TestMethod]
    public void Histogram_of_nothing_and_of_nan()
    {
        using var _ = NewGraph();
        var empty = Run(tf.summary.histogram("e", tf.constant(new float[0]))).Value[0].Histo;
        CollectionAssert.AreEqual(new[] { double.MaxValue }, empty.BucketLimit.ToArray());
        CollectionAssert.AreEqual(new[] { 0.0 }, empty.Bucket.ToArray());
        var nan = tf.summary.histogram("bad", tf.constant(new[] { 1f, float.NaN }));
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => Run(nan));
        StringAssert.Contains(e.Message, "Nan in summary histogram for: bad");
    }

    [TestMethod]
    public void Image_summary_encodes_pngs_of_the_right_size()
    {
        using var _ = NewGraph();
        var pixels = new byte[2 * 4 * 3 * 3];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 7);
        var images = tf.constant(HostTensor.FromArray(pixels, 2, 4, 3, 3));
        var two = Run(tf.summary.image("img", images)).Value;
        CollectionAssert.AreEqual(new[] { "img/image/0", "img/image/1" }, two.Select(v => v.Tag).ToArray());
        var first = two[0].Image;
        Assert.AreEqual(4, first.Height);
        Assert.AreEqual(3, first.Width);
        Assert.AreEqual(3, first.Colorspace);
        var decoded = PngReader.Decode(first.EncodedImageString.ToByteArray());
        Assert.AreEqual((3, 4, 3), (decoded.Width, decoded.Height, decoded.Channels));
        CollectionAssert.AreEqual(pixels[..36], decoded.Pixels);
        CollectionAssert.AreEqual(pixels[36..], PngReader.Decode(two[1].Image.EncodedImageString.ToByteArray()).Pixels);

        var one = Run(tf.summary.image("single", images, max_outputs: 1)).Value;
        Assert.AreEqual("single/image", one.Single().Tag);
    }

    [TestMethod]
    public void Float_images_are_scaled_like_tf()
    {
        using var _ = NewGraph();
        // Non-negative: scaled by 255/max. With negatives: 127/max|v| around 128. NaN pixels: bad_color (red).
        var positive = tf.constant(HostTensor.FromArray(new[] { 0f, 0.5f, 1f, 0.25f }, 1, 2, 2, 1));
        var signed = tf.constant(HostTensor.FromArray(new[] { -1.0, 0.0, 0.5, 1.0 }, 1, 2, 2, 1));
        var withNan = tf.constant(HostTensor.FromArray(new[] { 0.5f, 0.5f, 0.5f, float.NaN, 1, 1, 0, 0, 0, 0, 0, 0 }, 1, 2, 2, 3));
        byte[] Pixels(Tensor t) => PngReader.Decode(Run(tf.summary.image("i", t)).Value.Single().Image.EncodedImageString.ToByteArray()).Pixels;
        CollectionAssert.AreEqual(new byte[] { 0, 127, 255, 63 }, Pixels(positive));
        CollectionAssert.AreEqual(new byte[] { 1, 128, 191, 255 }, Pixels(signed));
        CollectionAssert.AreEqual(new byte[] { 255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0 }, Pixels(withNan));
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.summary.image("rank3", tf.constant(new float[2, 2, 2])));
        var twoChannels = tf.summary.image("c2", tf.placeholder(tf.float32, new[] { 1, 2, 2, -1 }, name: "c2_in"));
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() =>
        {
            using var sess = tf.Session();
            sess.run_strings(twoChannels, new FeedDict { ["c2_in:0"] = new float[1, 2, 2, 2] });
        });
        StringAssert.Contains(e.Message, "last dim 1, 3, or 4");
    }

    [TestMethod]
    public void Text_summary_carries_the_text_plugin()
    {
        using var _ = NewGraph();
        var v = Run(tf.summary.text("notes", tf.constant("hello **world**"))).Value.Single();
        Assert.AreEqual("notes", v.Tag);
        Assert.AreEqual("text", v.Metadata.PluginData.PluginName);
        Assert.AreEqual(DataType.DtString, v.Tensor.Dtype);
        Assert.AreEqual("hello **world**", v.Tensor.StringVal[0].ToStringUtf8());
        Assert.ThrowsExactly<InvalidArgumentException>(() => tf.summary.text("n", tf.constant(1f)));
    }

    [TestMethod]
    public void Merge_all_merges_the_collection()
    {
        using var _ = NewGraph();
        Assert.IsNull(tf.summary.merge_all());
        var x = tf.placeholder(tf.float32, new[] { 3 }, name: "x");
        // TF1 name scopes are unique case-insensitively: "mean" would become "mean_1" beside the op "Mean".
        tf.summary.scalar("avg", tf.reduce_mean(x));
        tf.summary.histogram("x", x);
        tf.summary.text("t", tf.constant("note"));
        var merged = tf.summary.merge_all()!;
        Assert.AreEqual("Merge/MergeSummary", merged.op.name);
        var s = Run(merged, new FeedDict { [x] = new[] { 1f, 2f, 6f } });
        Assert.AreEqual("avg,x_1,t", string.Join(",", s.Value.Select(v => v.Tag)));
        Assert.AreEqual(3f, s.Value[0].SimpleValue);
        Assert.AreEqual(3.0, s.Value[1].Histo.Num);

        var dup = tf.summary.merge([tf.summary.scalar("a", tf.constant(1f), collections: []), tf.summary.scalar("b", tf.constant(1f), family: "a", collections: [])]);
        Assert.AreEqual(2, Run(dup).Value.Count, "a and a/b are different tags");
        var clash = new OpBuilder(SummaryOps.ScalarSummary).Input(tf.constant("same")).Input(tf.constant(1f)).Build().outputs[0];
        var merge2 = tf.summary.merge([clash, clash], name: "twice");
        Assert.AreEqual("twice/MergeSummary", merge2.op.name);
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => Run(merge2));
        StringAssert.Contains(e.Message, "duplicate tag same");
    }

    [TestMethod]
    public void FileWriter_records_a_training_run_that_reads_back()
    {
        var dir = Directory.CreateTempSubdirectory("ge-summaries-").FullName;
        try
        {
            using var g = NewGraph();
            var x = tf.placeholder(tf.float32, new[] { -1 }, name: "x");
            var y = tf.placeholder(tf.float32, new[] { -1 }, name: "y");
            Tensor loss;
            Variable w;
            using (tf.name_scope("model"))
            {
                w = tf.Variable(0f, name: "w");
                loss = tf.reduce_mean(tf.square(w.value() * x - y));
            }
            var train = tf.train.GradientDescentOptimizer(0.1).minimize(loss);
            tf.summary.scalar("loss", loss);
            tf.summary.histogram("w", w.value());
            var merged = tf.summary.merge_all()!;
            var losses = new List<float>();
            string path;
            using (var writer = new tf.summary.FileWriter(dir, tf.get_default_graph(), flush_secs: 0.1))
            using (var sess = tf.Session())
            {
                path = writer.event_file_path;
                sess.run(tf.global_variables_initializer());
                var feed = new FeedDict { [x] = new[] { 1f, 2f, 3f }, [y] = new[] { 2f, 4f, 6f } };
                for (int step = 0; step < 20; step++)
                {
                    var (summary, values) = sess.run_with_summary(merged, [train, loss], feed);
                    losses.Add(values[1]!.GetSingle());
                    writer.add_summary(summary, step);
                }
                writer.add_run_metadata(new TaggedRunMetadata { Tag = "stand-in for RunMetadata" }, "step19", 19);
                writer.add_session_log(new SessionLog { Status = SessionLog.Types.SessionStatus.Stop }, 20);
            }
            var events = tf.train.summary_iterator(path).ToList();
            Assert.AreEqual("brain.Event:2", events[0].FileVersion);
            var graph = GraphDef.Parser.ParseFrom(events[1].GraphDef);
            CollectionAssert.IsSubsetOf(new[] { "x", "model/w", "loss", "Merge/MergeSummary" }, graph.Node.Select(n => n.Name).ToArray());
            var xShape = graph.Node.Single(n => n.Name == "x").Attr["_output_shapes"].List.Shape.Single();
            Assert.AreEqual(-1L, xShape.Dim.Single().Size, "TensorBoard's edge shapes: x is [?]");
            Assert.IsTrue(graph.Node.All(n => n.Attr.ContainsKey("_output_shapes")));
            var metaGraph = MetaGraphDef.Parser.ParseFrom(events[2].MetaGraphDef);
            Assert.AreEqual(graph.Node.Count, metaGraph.GraphDef.Node.Count);
            CollectionAssert.Contains(metaGraph.CollectionDef.Keys.ToList(), "summaries");
            var scalars = events.Where(e => e.Summary != null).Select(e => (e.Step, e.Summary.Value.Single(v => v.Tag == "loss").SimpleValue)).ToList();
            CollectionAssert.AreEqual(Enumerable.Range(0, 20).Select(i => (long)i).ToArray(), scalars.Select(s => s.Step).ToArray());
            CollectionAssert.AreEqual(losses.ToArray(), scalars.Select(s => s.SimpleValue).ToArray(), "logged loss = fetched loss of the same step");
            Assert.IsLessThan(losses[0], losses[^1]);
            var meta = events.Single(e => e.TaggedRunMetadata != null);
            Assert.AreEqual(("step19", 19L), (meta.TaggedRunMetadata.Tag, meta.Step));
            Assert.AreEqual("stand-in for RunMetadata", TaggedRunMetadata.Parser.ParseFrom(meta.TaggedRunMetadata.RunMetadata).Tag);
            Assert.AreEqual(SessionLog.Types.SessionStatus.Stop, events[^1].SessionLog.Status);
            Assert.ThrowsExactly<InvalidArgumentException>(() => new tf.summary.FileWriter(dir).add_summary([0xFF, 0xFF], 1));
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void FileWriter_sends_plugin_metadata_once_per_tag()
    {
        var dir = Directory.CreateTempSubdirectory("ge-summaries-").FullName;
        try
        {
            using var g = NewGraph();
            var text = tf.summary.text("t", tf.constant("x"));
            string path;
            using (var writer = new tf.summary.FileWriter(dir))
            using (var sess = tf.Session())
            {
                path = writer.event_file_path;
                for (int i = 0; i < 3; i++) writer.add_summary(sess.run_strings(text)[0], i);
            }
            var values = tf.train.summary_iterator(path).Where(e => e.Summary != null).Select(e => e.Summary.Value[0]).ToList();
            Assert.HasCount(3, values);
            Assert.AreEqual("text", values[0].Metadata.PluginData.PluginName);
            Assert.IsNull(values[1].Metadata);
            Assert.IsNull(values[2].Metadata);
        }
        finally { Directory.Delete(dir, true); }
    }
}
