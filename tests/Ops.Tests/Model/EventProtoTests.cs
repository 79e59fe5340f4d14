using System.Buffers.Binary;
using GraphEngine.Ops.Model.Serialization;
using GraphEngine.Ops.Model.TextFormat;
using GraphEngine.Ops.Proto;
using GraphEngine.TestKit;
using Google.Protobuf;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Model;

/// <summary>
/// The Event/Summary schemas read TF 1.8's event files. The record framing is walked here without
/// CRC checks (the runtime's tfevents reader owns that); this test is about the protos.
/// </summary>
[TestClass]
public sealed class EventProtoTests
{
    private static List<Event> ReadEvents(string path)
    {
        var data = File.ReadAllBytes(path);
        var events = new List<Event>();
        int pos = 0;
        while (pos < data.Length)
        {
            long len = BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(pos));
            events.Add(ProtoFile.ParseBinary<Event>(data.AsSpan(pos + 12, (int)len).ToArray(), path));
            pos += 12 + (int)len + 4;
        }
        return events;
    }

    [TestMethod]
    public void TrainEventsParse()
    {
        var path = TfData.Path("dnnregressor-events-tf1.8", "events.out.tfevents.1532035987.cori08");
        var events = ReadEvents(path);
        Assert.AreEqual(10, events.Count);
        Assert.AreEqual("brain.Event:2", events[0].FileVersion);
        Assert.AreEqual(2, events.Count(e => e.WhatCase == Event.WhatOneofCase.GraphDef));
        Assert.AreEqual(2, events.Count(e => e.WhatCase == Event.WhatOneofCase.MetaGraphDef));
        Assert.AreEqual(3, events.Count(e => e.WhatCase == Event.WhatOneofCase.SessionLog));
        Assert.IsTrue(events.Any(e => e.SessionLog?.Status == SessionLog.Types.SessionStatus.Start));
        var values = events.Where(e => e.Summary != null).SelectMany(e => e.Summary.Value).ToList();
        var histo = values.First(v => v.Tag == "dnn/dnn/hiddenlayer_0/activation").Histo;
        Assert.IsTrue(histo.Num > 0 && histo.BucketLimit.Count == histo.Bucket.Count && histo.Bucket.Sum() == histo.Num);
        Assert.AreEqual(Summary.Types.Value.ValueOneofCase.SimpleValue, values.First(v => v.Tag == "loss").ValueCase);
        var graph = GraphDefIO.ReadBinary(events.First(e => e.WhatCase == Event.WhatOneofCase.GraphDef).GraphDef.ToByteArray(), path);
        Assert.IsTrue(graph.Count > 100);
        var meta = ProtoFile.ParseBinary<MetaGraphDef>(events.First(e => e.WhatCase == Event.WhatOneofCase.MetaGraphDef).MetaGraphDef.ToByteArray(), path);
        Assert.AreEqual("1.8.0", meta.MetaInfoDef.TensorflowVersion);
        foreach (var e in events)
        {
            CollectionAssert.AreEqual(e.ToByteArray(), Event.Parser.ParseFrom(e.ToByteArray()).ToByteArray());
            Assert.AreEqual(e, ProtoText.Parse<Event>(ProtoText.Print(e)), "text round trip");
        }
    }

    [TestMethod]
    public void EvalScalarsParse()
    {
        var events = ReadEvents(TfData.Path("dnnregressor-events-tf1.8", "eval", "events.out.tfevents.1532035990.cori08"));
        Assert.AreEqual(4, events.Count);
        var summary = events.Single(e => e.Summary != null);
        Assert.AreEqual(2665L, summary.Step);
        Assert.AreEqual(0.925f, summary.Summary.Value.Single(v => v.Tag == "accuracy").SimpleValue, 1e-6f);
    }
}
