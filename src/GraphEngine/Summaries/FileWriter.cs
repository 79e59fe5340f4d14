using Google.Protobuf;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model.Serialization;
using GraphEngine.Ops.Proto;
using GraphEngine.Runtime.Io.Records;
using PGraphDef = GraphEngine.Ops.Proto.GraphDef;
using PAttrValue = GraphEngine.Ops.Proto.AttrValue;

namespace GraphEngine;

public static partial class tf
{
    public static partial class summary
    {
        /// <summary>
        /// TF1's tf.summary.FileWriter (python/summary/writer/writer.py): writes an event file in
        /// <c>logdir</c> that TensorBoard reads. Events go through a background queue of
        /// <c>max_queue</c> entries and reach the disk at least every <c>flush_secs</c>.
        /// </summary>
        public sealed class FileWriter : IDisposable
        {
            private readonly EventFileWriter _writer;
            // TF sends a tag's plugin metadata only with its first summary value (writer.py _seen_summary_tags).
            private readonly HashSet<string> _seenTags = new(StringComparer.Ordinal);
            private readonly object _tagsLock = new();

            public FileWriter(string logdir, Graph? graph = null, int max_queue = 10, double flush_secs = 120, string filename_suffix = "")
            {
                if (string.IsNullOrEmpty(logdir)) throw new InvalidArgumentException("FileWriter needs a logdir.");
                _writer = new EventFileWriter(logdir, max_queue, flush_secs, filename_suffix);
                _logdir = logdir;
                if (graph != null)
                {
                    add_graph(graph);
                    // TF1's FileWriter also exports the meta graph when given a graph (writer.py).
                    add_meta_graph(train.export_meta_graph(graph: graph));
                }
            }

            private readonly string _logdir;

            /// <summary>The event file's full path.</summary>
            public string event_file_path => _writer.Path_;

            /// <summary>The directory the event file is written to.</summary>
            public string get_logdir() => _logdir;

            /// <summary>Adds a serialized Summary (the value of a summary op, e.g. from <see cref="Session.run_with_summary"/>).</summary>
            public void add_summary(byte[] summary, long? global_step = null)
            {
                Summary parsed;
                try { parsed = Summary.Parser.ParseFrom(summary); }
                catch (InvalidProtocolBufferException e)
                {
                    throw new InvalidArgumentException($"FileWriter.add_summary: the {summary.Length} bytes are not a serialized Summary proto: {e.Message}");
                }
                add_summary(parsed, global_step);
            }

            public void add_summary(Summary summary, long? global_step = null)
            {
                var copy = summary.Clone();
                lock (_tagsLock)
                {
                    foreach (var v in copy.Value)
                    {
                        if (v.Metadata == null) continue;
                        if (!_seenTags.Add(v.Tag)) v.Metadata = null;
                    }
                }
                add_event(new Event { Summary = copy }, global_step);
            }

            /// <summary>
            /// Writes the graph's GraphDef so TensorBoard's graph tab shows it, with each node's
            /// inferred output shapes in an <c>_output_shapes</c> attr (TF1's as_graph_def(add_shapes=True)),
            /// which TensorBoard draws on the edges.
            /// </summary>
            public void add_graph(Graph graph, long? global_step = null)
            {
                var proto = GraphDefConverter.ToProto(graph.as_graph_def());
                foreach (var node in proto.Node)
                {
                    var op = graph.get_operation_by_name(node.Name);
                    var shapes = new PAttrValue.Types.ListValue();
                    foreach (var t in op.outputs) shapes.Shape.Add(ShapeTypeConverter.ToProto(t.shape));
                    node.Attr["_output_shapes"] = new PAttrValue { List = shapes };
                }
                add_graph(proto, global_step);
            }

            public void add_graph(PGraphDef graph_def, long? global_step = null) =>
                add_event(new Event { GraphDef = graph_def.ToByteString() }, global_step);

            /// <summary>Writes a MetaGraphDef event (TensorBoard reads the graph from it when no graph_def event exists).</summary>
            public void add_meta_graph(MetaGraphDef meta_graph_def, long? global_step = null) =>
                add_event(new Event { MetaGraphDef = meta_graph_def.ToByteString() }, global_step);

            /// <summary>
            /// Records a step's RunMetadata (any protobuf message, serialized into the event's
            /// tagged_run_metadata) under <paramref name="tag"/>, as TensorBoard's graph tab expects.
            /// </summary>
            public void add_run_metadata(IMessage run_metadata, string tag, long? global_step = null)
            {
                ArgumentNullException.ThrowIfNull(run_metadata);
                if (string.IsNullOrEmpty(tag)) throw new InvalidArgumentException("FileWriter.add_run_metadata needs a non-empty tag.");
                add_event(new Event { TaggedRunMetadata = new TaggedRunMetadata { Tag = tag, RunMetadata = run_metadata.ToByteString() } }, global_step);
            }

            /// <summary>A SessionLog event (START, STOP, CHECKPOINT).</summary>
            public void add_session_log(SessionLog session_log, long? global_step = null) =>
                add_event(new Event { SessionLog = session_log.Clone() }, global_step);

            /// <summary>Queues an event; its step is set from <paramref name="global_step"/> when given.</summary>
            public void add_event(Event e, long? global_step = null)
            {
                if (global_step is { } step) e.Step = step;
                _writer.AddEvent(e);
            }

            /// <summary>Writes everything queued so far to disk.</summary>
            public void flush() => _writer.Flush();

            /// <summary>Flushes and closes the event file.</summary>
            public void close() => _writer.Close();

            public void Dispose() => close();
        }
    }

    public static partial class train
    {
        /// <summary>The Event protos of an event file, in order, with every record's CRCs checked (TF1 tf.train.summary_iterator).</summary>
        public static IEnumerable<Event> summary_iterator(string path) => EventFileReader.Read(path);
    }
}
