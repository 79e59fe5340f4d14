using System.Text;
using Google.Protobuf;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Proto;
using GraphEngine.Runtime.Io.Records;
using GraphEngine.TestKit;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Session.Tests.Io.Records;

/// <summary>TFRecord framing and event files: the real TF files in tfdata, our writer, and corruption.</summary>
[TestClass]
public sealed class EventFileTests
{
    private static string TrainFile => TfData.Path("dnnregressor-events-tf1.8", "events.out.tfevents.1532035987.cori08");
    private static string EvalFile => TfData.Path("dnnregressor-events-tf1.8", "eval", "events.out.tfevents.1532035990.cori08");

    private static string NewTempDir() => Directory.CreateTempSubdirectory("ge-events-").FullName;

    [TestMethod]
    public void Reads_the_tf_record_example_and_frames_it_byte_identically()
    {
        var path = TfData.Path("tf-rust-binding-graphs", "test_resources", "io", "expected.tfrecord");
        var records = TfRecordReader.ReadFile(path).ToList();
        Assert.HasCount(1, records);
        Assert.AreEqual("The Quick Brown Fox", Encoding.ASCII.GetString(records[0]));
        CollectionAssert.AreEqual(File.ReadAllBytes(path), TfRecordWriter.Frame(records[0]));
    }

    [TestMethod]
    public void Reads_every_event_of_the_tf18_training_file()
    {
        var events = EventFileReader.Read(TrainFile).ToList();
        Assert.HasCount(10, events);
        Assert.AreEqual("brain.Event:2", events[0].FileVersion);
        Assert.AreEqual(1532035987.0, Math.Floor(events[0].WallTime));
        var kinds = events.GroupBy(e => e.WhatCase).ToDictionary(g => g.Key, g => g.Count());
        Assert.AreEqual(1, kinds[Event.WhatOneofCase.FileVersion]);
        Assert.AreEqual(2, kinds[Event.WhatOneofCase.GraphDef]);
        Assert.AreEqual(2, kinds[Event.WhatOneofCase.MetaGraphDef]);
        Assert.AreEqual(3, kinds[Event.WhatOneofCase.SessionLog]);
        Assert.AreEqual(2, kinds[Event.WhatOneofCase.Summary]);
        var steps = events.Where(e => e.Step != 0).Select(e => e.Step).ToList(); // graph events carry no step
        Assert.AreEqual(2653L, steps.Min());
        Assert.AreEqual(2665L, steps.Max());

        var tags = events.Where(e => e.Summary != null).SelectMany(e => e.Summary.Value).ToList();
        string[] expectedScalars =
        [
            "enqueue_input/queue/enqueue_input/random_shuffle_queuefraction_over_250_of_750_full",
            "dnn/dnn/hiddenlayer_0/fraction_of_zero_values", "dnn/dnn/hiddenlayer_1/fraction_of_zero_values",
            "dnn/dnn/hiddenlayer_2/fraction_of_zero_values", "dnn/dnn/logits/fraction_of_zero_values", "loss", "average_loss",
        ];
        string[] expectedHistograms =
            ["dnn/dnn/hiddenlayer_0/activation", "dnn/dnn/hiddenlayer_1/activation", "dnn/dnn/hiddenlayer_2/activation", "dnn/dnn/logits/activation"];
        foreach (var t in expectedScalars)
            Assert.IsTrue(tags.Any(v => v.Tag == t && v.ValueCase == Summary.Types.Value.ValueOneofCase.SimpleValue), $"scalar {t}");
        foreach (var t in expectedHistograms)
        {
            var h = tags.First(v => v.Tag == t).Histo;
            Assert.IsNotNull(h, $"histogram {t}");
            Assert.HasCount(h.BucketLimit.Count, h.Bucket);
            Assert.AreEqual(h.Num, h.Bucket.Sum(), 1e-9, $"{t}: bucket counts add up to num");
            Assert.IsLessThanOrEqualTo(h.Max, h.Min);
        }
        Assert.IsEmpty(tags.Select(v => v.Tag).Except(expectedScalars).Except(expectedHistograms));

        foreach (var e in events.Where(e => e.WhatCase == Event.WhatOneofCase.GraphDef))
            Assert.IsNotEmpty(GraphDef.Parser.ParseFrom(e.GraphDef).Node);
        foreach (var e in events.Where(e => e.WhatCase == Event.WhatOneofCase.MetaGraphDef))
            Assert.AreEqual("1.8.0", MetaGraphDef.Parser.ParseFrom(e.MetaGraphDef).MetaInfoDef.TensorflowVersion);
        Assert.IsTrue(events.Any(e => e.SessionLog?.Status == SessionLog.Types.SessionStatus.Start));
        Assert.IsTrue(events.Any(e => e.SessionLog?.Status == SessionLog.Types.SessionStatus.Checkpoint));
    }

    [TestMethod]
    public void Reads_the_eval_files_values()
    {
        var events = EventFileReader.Read(EvalFile).ToList();
        Assert.HasCount(4, events);
        var summary = events.Single(e => e.Summary != null);
        Assert.AreEqual(2665L, summary.Step);
        var values = summary.Summary.Value.ToDictionary(v => v.Tag, v => v.SimpleValue);
        CollectionAssert.AreEquivalent(
            new[] { "accuracy", "accuracy_baseline", "auc", "auc_precision_recall", "average_loss", "label/mean", "loss", "precision", "prediction/mean", "recall" },
            values.Keys.ToArray());
        Assert.AreEqual(0.925f, values["accuracy"]);

        var htru = EventFileReader.Read(TfData.Path("htru2-dnn-rmsprop-estimator-tf1.7", "eval", "events.out.tfevents.1524101257.Desktop-Linux")).ToList();
        var last = htru.Last(e => e.Summary != null);
        Assert.AreEqual(14318L, last.Step);
        Assert.AreEqual(0.97765, last.Summary.Value.Single(v => v.Tag == "accuracy").SimpleValue, 1e-5);
        Assert.AreEqual(0.07471, last.Summary.Value.Single(v => v.Tag == "loss").SimpleValue, 1e-5);
    }

    [TestMethod]
    public void Reframing_tfs_records_gives_the_same_bytes()
    {
        using var output = new MemoryStream();
        using (var writer = new TfRecordWriter(output, ownsStream: false))
            foreach (var r in TfRecordReader.ReadFile(TrainFile)) writer.Write(r);
        CollectionAssert.AreEqual(File.ReadAllBytes(TrainFile), output.ToArray());
    }

    [TestMethod]
    public void Our_event_file_reads_back_identically()
    {
        var dir = NewTempDir();
        try
        {
            var original = EventFileReader.Read(TrainFile).Skip(1).ToList();
            string path;
            using (var writer = new EventFileWriter(dir, maxQueue: 3, flushSecs: 0.05))
            {
                path = writer.Path_;
                foreach (var e in original) writer.AddEvent(e.Clone());
            }
            StringAssert.Matches(Path.GetFileName(path), new System.Text.RegularExpressions.Regex(@"^events\.out\.tfevents\.\d{10}\.\S+$"));
            var back = EventFileReader.Read(path).ToList();
            Assert.AreEqual("brain.Event:2", back[0].FileVersion);
            Assert.AreEqual(Math.Floor(back[0].WallTime), back[0].WallTime, "file_version wall_time is whole seconds");
            Assert.HasCount(original.Count + 1, back);
            for (int i = 0; i < original.Count; i++) Assert.AreEqual(original[i], back[i + 1], $"event {i}");
            CollectionAssert.AreEqual(new[] { path }, EventFileReader.EventFilesIn(dir));
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void Flush_makes_queued_events_visible_and_close_refuses_more()
    {
        var dir = NewTempDir();
        try
        {
            var writer = new EventFileWriter(dir, maxQueue: 10, flushSecs: 3600);
            for (int step = 0; step < 25; step++)
                writer.AddEvent(new Event { Step = step, Summary = new Summary { Value = { new Summary.Types.Value { Tag = "x", SimpleValue = step } } } });
            writer.Flush();
            Assert.HasCount(26, EventFileReader.Read(writer.Path_).ToList());
            Assert.IsTrue(EventFileReader.Read(writer.Path_).Skip(1).All(e => e.WallTime > 1.5e9), "wall_time is filled in");
            writer.Close();
            Assert.ThrowsExactly<FailedPreconditionException>(() => writer.AddEvent(new Event { Step = 1 }));
            var points = EventFileReader.Scalars(dir, "x");
            CollectionAssert.AreEqual(Enumerable.Range(0, 25).Select(i => (double)i).ToArray(), points.Select(p => p.Value).ToArray());
            // A second writer in the same second gets its own file.
            using (var second = new EventFileWriter(dir)) Assert.AreNotEqual(writer.Path_, second.Path_);
            Assert.HasCount(2, EventFileReader.EventFilesIn(dir));
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void Events_from_several_threads_all_arrive_whole()
    {
        var dir = NewTempDir();
        try
        {
            string path;
            using (var writer = new EventFileWriter(dir, maxQueue: 2, flushSecs: 0.01))
            {
                path = writer.Path_;
                Parallel.For(0, 4, t =>
                {
                    for (int i = 0; i < 100; i++)
                        writer.AddEvent(new Event { Step = t * 1000 + i, Summary = new Summary { Value = { new Summary.Types.Value { Tag = "t" + t, SimpleValue = i } } } });
                    writer.Flush();
                });
            }
            var steps = EventFileReader.Read(path).Skip(1).Select(e => e.Step).ToList();
            CollectionAssert.AreEquivalent(Enumerable.Range(0, 4).SelectMany(t => Enumerable.Range(0, 100).Select(i => (long)(t * 1000 + i))).ToList(), steps);
            for (int t = 0; t < 4; t++)
            {
                var mine = steps.Where(s => s / 1000 == t).ToList();
                CollectionAssert.AreEqual(mine.Order().ToList(), mine, $"thread {t}'s events keep their order");
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void Bad_writer_settings_are_invalid_arguments()
    {
        var dir = NewTempDir();
        try
        {
            Assert.ThrowsExactly<InvalidArgumentException>(() => new EventFileWriter(dir, maxQueue: 0));
            Assert.ThrowsExactly<InvalidArgumentException>(() => new EventFileWriter(dir, flushSecs: 0));
            Assert.ThrowsExactly<NotFoundException>(() => EventFileReader.Read(Path.Combine(dir, "missing")).ToList());
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void Corrupt_files_are_data_loss_naming_the_record()
    {
        var good = File.ReadAllBytes(EvalFile);
        var dir = NewTempDir();
        try
        {
            void Expect(string what, byte[] bytes, string message)
            {
                var path = Path.Combine(dir, what);
                File.WriteAllBytes(path, bytes);
                var e = Assert.ThrowsExactly<DataLossException>(() => EventFileReader.Read(path).ToList(), what);
                StringAssert.Contains(e.Message, path);
                StringAssert.Contains(e.Message, message, what);
            }
            var firstLength = (int)BitConverter.ToUInt64(good, 0);
            var dataFlip = (byte[])good.Clone();
            dataFlip[12 + 3] ^= 0x10;
            Expect("data-crc", dataFlip, "data CRC");
            var lengthFlip = (byte[])good.Clone();
            lengthFlip[2] ^= 0x01;
            Expect("length-crc", lengthFlip, "length CRC");
            var secondRecord = 16 + firstLength;
            var secondFlip = (byte[])good.Clone();
            secondFlip[secondRecord + 20] ^= 0xFF;
            Expect("second-record", secondFlip, "record 1 at offset " + secondRecord);
            Expect("truncated-data", good[..(good.Length - 10)], "truncated record");
            Expect("truncated-header", good[..(secondRecord + 5)], "truncated record header");
            Expect("missing-data-crc", good[..(good.Length - 2)], "truncated record");
            // Valid framing around bytes that are not an Event proto.
            Expect("not-an-event", TfRecordWriter.Frame([0xFF, 0xFF, 0xFF]), "not a valid Event proto");
            // A huge declared length with a valid length CRC must not be allocated.
            var header = new byte[12];
            TfRecordWriter.EncodeHeader(1L << 40, header);
            Expect("huge-length", header.Concat(new byte[8]).ToArray(), "runs past the end");
        }
        finally { Directory.Delete(dir, true); }
    }
}
