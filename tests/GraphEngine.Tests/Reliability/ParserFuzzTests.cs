using System.Diagnostics;
using System.Text;
using GraphEngine.Data;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model.Serialization;
using Google.Protobuf;
using PMetaGraphDef = GraphEngine.Ops.Proto.MetaGraphDef;
using GraphEngine.Runtime.Io.TensorBundle;
using GraphEngine.TestKit;
using GraphEngine.TestKit.Fuzz;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Reliability;

/// <summary>
/// Mutation fuzzing of every reader that takes files from users: GraphDef and MetaGraphDef (binary and
/// text, parsed and then imported), TensorBundle index and data, and .npy. A mutated input may be
/// rejected only with one of the engine's typed errors; any other exception, an input that takes more
/// than a second, or an allocation far beyond the input's size (a declared size trusted without a
/// check) fails the test with the seed and iteration that reproduce it.
/// CI runs a bounded number of inputs per reader; set GRAPHENGINE_FUZZ_ITERATIONS for a longer local run.
/// </summary>
[TestClass]
public sealed class ParserFuzzTests
{
    private static readonly int Iterations =
        int.TryParse(Environment.GetEnvironmentVariable("GRAPHENGINE_FUZZ_ITERATIONS"), out var n) && n > 0 ? n : 4000;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void GraphDef_binary_reader_and_importer() =>
        Fuzz("GraphDef binary", GraphSeeds().Select(GraphDefIO.ToBinary), 1, bytes =>
        {
            var def = GraphDefIO.ReadBinary(bytes);
            using var _ = new GraphEngine.Graph().as_default();
            tf.import_graph_def(def, name: "");
        });

    [TestMethod]
    public void GraphDef_text_reader_and_importer() =>
        Fuzz("GraphDef text", GraphSeeds().Select(g => Encoding.UTF8.GetBytes(GraphDefIO.ToText(g))), 2, bytes =>
        {
            var def = GraphDefIO.ParseText(Encoding.UTF8.GetString(bytes));
            using var _ = new GraphEngine.Graph().as_default();
            tf.import_graph_def(def, name: "");
        });

    [TestMethod]
    public void MetaGraphDef_binary_and_text_readers_and_importer()
    {
        var meta = MetaGraphSeed();
        Fuzz("MetaGraphDef", [meta.ToByteArray(), Encoding.UTF8.GetBytes(Ops.Model.TextFormat.ProtoText.Print(meta))], 3, bytes =>
        {
            var parsed = ProtoFile.LooksLikeText(bytes)
                ? Ops.Model.TextFormat.ProtoText.Parse<PMetaGraphDef>(bytes, "<fuzz>")
                : ProtoFile.ParseBinary<PMetaGraphDef>(bytes, "<fuzz>");
            using var _ = new GraphEngine.Graph().as_default();
            tf.train.import_meta_graph(parsed);
        });
    }

    [TestMethod]
    public void TensorBundle_index_reader() => FuzzBundle(mutateIndex: true, seed: 4);

    [TestMethod]
    public void TensorBundle_data_reader() => FuzzBundle(mutateIndex: false, seed: 5);

    [TestMethod]
    public void Npy_reader()
    {
        var seeds = new[]
        {
            Npy.Serialize(HostTensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3)),
            Npy.Serialize(HostTensor.FromArray(new long[] { -1, 7 }, 2)),
            Npy.Serialize(HostTensor.FromArray(new bool[] { true, false, true }, 3)),
            Npy.Serialize(HostTensor.Scalar(2.5)),
        };
        Fuzz("npy", seeds, 6, bytes => Npy.Parse(bytes, "<fuzz>.npy"));
    }

    [TestMethod]
    public void Event_file_reader()
    {
        var events = new[]
        {
            new Ops.Proto.Event { WallTime = 1.5e9, FileVersion = "brain.Event:2" },
            new Ops.Proto.Event { WallTime = 1.5e9 + 1, Step = 7, Summary = new Ops.Proto.Summary { Value = { new Ops.Proto.Summary.Types.Value { Tag = "loss", SimpleValue = 0.25f } } } },
            new Ops.Proto.Event { Step = 8, SessionLog = new Ops.Proto.SessionLog { Status = Ops.Proto.SessionLog.Types.SessionStatus.Checkpoint, CheckpointPath = "/tmp/m" } },
        };
        var file = events.SelectMany(e => Runtime.Io.Records.TfRecordWriter.Frame(e.ToByteArray())).ToArray();
        Fuzz("event file", [file], 7, bytes =>
        {
            using var stream = new MemoryStream(bytes);
            foreach (var _ in Runtime.Io.Records.EventFileReader.Read(stream, "<fuzz>")) { }
        });
    }

    private void FuzzBundle(bool mutateIndex, int seed)
    {
        var dir = Directory.CreateTempSubdirectory("ge-fuzz-");
        try
        {
            var prefix = Path.Combine(dir.FullName, "seed");
            using (var writer = new BundleWriter(prefix))
            {
                writer.Add("a/float", HostTensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3));
                writer.Add("b/int64", HostTensor.Scalar(42L));
                writer.Add("c/strings", HostTensor.FromStrings([Encoding.UTF8.GetBytes("abc"), [], Encoding.UTF8.GetBytes("x")], [3]));
                writer.Add("d/double", HostTensor.FromArray(new double[] { -1, 0.5 }, 2));
                writer.Finish();
            }
            var index = File.ReadAllBytes(BundleNaming.IndexFile(prefix));
            var data = File.ReadAllBytes(BundleNaming.DataFile(prefix, 0, 1));
            var target = Path.Combine(dir.FullName, "fuzz");
            Fuzz(mutateIndex ? "TensorBundle index" : "TensorBundle data", [mutateIndex ? index : data], seed, bytes =>
            {
                File.WriteAllBytes(BundleNaming.IndexFile(target), mutateIndex ? bytes : index);
                File.WriteAllBytes(BundleNaming.DataFile(target, 0, 1), mutateIndex ? data : bytes);
                var reader = BundleReader.Open(target);
                foreach (var key in reader.Keys) reader.Read(key);
            });
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Runs <paramref name="iterations"/> mutated inputs drawn round-robin from the seeds.</summary>
    private void Fuzz(string reader, IEnumerable<byte[]> seedInputs, int seed, Action<byte[]> parse)
    {
        var seeds = seedInputs.ToArray();
        foreach (var s in seeds) parse(s); // the seeds themselves must be valid
        var mutator = new Mutator(seed);
        int rejected = 0;
        for (int i = 0; i < Iterations; i++)
        {
            var input = mutator.Mutate(seeds[i % seeds.Length]);
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var watch = Stopwatch.StartNew();
            try
            {
                parse(input);
            }
            catch (GraphEngineException)
            {
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"{reader}: mutated input (seed {seed}, iteration {i}, {input.Length} bytes) raised {e.GetType().Name} instead of a typed engine error: {e}");
            }
            watch.Stop();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            Assert.IsLessThan(1000, watch.ElapsedMilliseconds,
                $"{reader}: mutated input (seed {seed}, iteration {i}) took {watch.ElapsedMilliseconds} ms");
            Assert.IsLessThan(64L << 20, allocated - 256L * input.Length,
                $"{reader}: mutated input (seed {seed}, iteration {i}, {input.Length} bytes) allocated {allocated} bytes");
        }
        TestContext.WriteLine($"{reader}: {Iterations} mutated inputs, {rejected} rejected with typed errors, {Iterations - rejected} accepted.");
    }

    /// <summary>A small training graph (placeholders, variables, gradients, optimizer, saver) and, when present, real TF graphs.</summary>
    private static IEnumerable<Ops.Model.GraphDef> GraphSeeds()
    {
        yield return TrainingGraph().as_graph_def();
        if (TfData.Root is { } root)
        {
            yield return GraphDefIO.Read(Path.Combine(root, "ab-mul-graph-tf1.0", "graph.pb"));
        }
    }

    private static PMetaGraphDef MetaGraphSeed()
    {
        var g = TrainingGraph();
        using var _ = g.as_default();
        return tf.train.export_meta_graph();
    }

    private static GraphEngine.Graph TrainingGraph()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var x = tf.placeholder(tf.float32, new[] { -1, 3 }, name: "x");
        var w = tf.Variable(tf.ones(new[] { 3, 2 }), name: "w");
        var loss = tf.reduce_mean(tf.square(tf.matmul(x, w)), name: "loss");
        tf.train.GradientDescentOptimizer(0.1).minimize(loss);
        tf.train.Saver();
        return g;
    }
}
