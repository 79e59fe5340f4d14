using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Model.Serialization;
using GraphEngine.Runtime;
using GraphEngine.TestKit;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using PMetaGraphDef = GraphEngine.Ops.Proto.MetaGraphDef;

namespace GraphEngine.Tests.Interop;

/// <summary>
/// Imports every GraphDef, meta graph and SavedModel graph in tfdata and reports, per file, its op
/// types and which of them this build cannot run. A GraphDef with an unregistered op must fail with
/// an Unimplemented error naming that op; a meta graph imports anyway (its stripped_op_list describes the op).
/// </summary>
[TestClass]
public sealed class TfDataSurveyTests
{
    private static readonly string[] GraphDefs =
    [
        "ab-mul-graph-tf1.0/graph.pb", "ab-mul-graph-tf1.0/graph.pbtxt",
        "tf-rust-binding-graphs/examples/addition/model.pb", "tf-rust-binding-graphs/examples/regression/model.pb",
        "tf-rust-binding-graphs/examples/regression_checkpoint/model.pb", "tf-rust-binding-graphs/tensorflow-sys/examples/assets/multiplication.pb",
        "frozen-keras-mlp-mnist-tf2.3/mnist.pb", "keras-cnn-graph-text-in-pb-file/mnist.pb",
        "tensorboard-demo-mnist-graph/graph.pbtxt", "wine-dnnclassifier-estimator-tf1.4/graph.pbtxt",
    ];

    private static readonly string[] MetaGraphs =
    [
        "mnist-softmax-tf1.3/model.ckpt.meta", "houseprices-dnn-adam-tf1.10/model.ckpt.meta",
        "htru2-dnn-rmsprop-estimator-tf1.7/model.ckpt-14318.meta", "mnist-mlp-dropout-tf1.14/model.ckpt.meta",
        "wine-dnnclassifier-estimator-tf1.4/model.ckpt-3374.meta", "tf-serving-savedmodels/legacy_v1_session_bundle_half_plus_two/00000123/export.meta",
    ];

    private static readonly string[] SavedModels =
    [
        "tf-rust-binding-graphs/test_resources/regression-model", "tf-serving-savedmodels/counter_tf1.5/00000123",
        "tf-serving-savedmodels/half_plus_three_tf1.0/00000123", "tf-serving-savedmodels/half_plus_two_tf1.14/00000123",
        "tf-serving-savedmodels/half_plus_two_tf2.14/00000123",
    ];

    private static string Unsupported(IEnumerable<string> ops) =>
        string.Join(", ", ops.Distinct().Order(StringComparer.Ordinal).Where(o => !RuntimeLibrary.Default.Ops.TryGet(o, out _)));

    [TestMethod]
    public void Every_GraphDef_imports_or_names_its_unregistered_op()
    {
        foreach (var file in GraphDefs)
        {
            var def = GraphDefIO.Read(TfData.Path(file.Split('/')));
            var ops = def.Nodes.Select(n => n.Op).Distinct().Order(StringComparer.Ordinal).ToList();
            var missing = Unsupported(ops);
            var g = new GraphEngine.Graph();
            using var gd = g.as_default();
            if (missing.Length == 0)
            {
                tf.import_graph_def(def, name: "");
                Assert.AreEqual(def.Count, g.get_operations().Length, file);
            }
            else
            {
                var e = Assert.ThrowsExactly<UnimplementedException>(() => tf.import_graph_def(def), file);
                StringAssert.Contains(e.Message, "Op type not registered '");
                Assert.IsTrue(missing.Split(", ").Any(m => e.Message.Contains($"'{m}'")), $"{file}: {e.Message}");
                Assert.AreEqual(0, g.get_operations().Length, "a failed import adds nothing");
            }
            Console.WriteLine($"{file}: {def.Count} nodes, producer {def.Producer}; ops: {string.Join(", ", ops)}; unsupported: [{missing}]");
        }
    }

    [TestMethod]
    public void Every_meta_graph_and_SavedModel_graph_imports()
    {
        var metas = MetaGraphs.Select(f => (f, ProtoFile.Read<PMetaGraphDef>(TfData.Path(f.Split('/'))))).ToList();
        foreach (var dir in SavedModels)
            foreach (var m in SavedModelLoader.Read(TfData.Path(dir.Split('/'))).MetaGraphs)
                metas.Add(($"{dir} [{string.Join(",", m.MetaInfoDef.Tags)}]", m));
        foreach (var (name, meta) in metas)
        {
            var g = new GraphEngine.Graph();
            using var gd = g.as_default();
            var ops = meta.GraphDef.Node.Select(n => n.Op).Distinct().Order(StringComparer.Ordinal).ToList();
            var result = tf.train.import_meta_graph(meta);
            Assert.AreEqual(meta.GraphDef.Node.Count, g.get_operations().Length, name);
            Assert.AreEqual(meta.SaverDef?.RestoreOpName, result.saver_def?.RestoreOpName, name);
            Console.WriteLine($"{name}: {meta.GraphDef.Node.Count} nodes, {result.variables.Count} variables, " +
                $"collections [{string.Join(", ", g.get_all_collection_keys().Order(StringComparer.Ordinal))}]; ops: {string.Join(", ", ops)}; unsupported: [{Unsupported(ops)}]");
        }
    }
}
