using System.Text.RegularExpressions;
using GraphEngine.Ops.Model.Serialization;
using GraphEngine.TestKit;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using PMetaGraphDef = GraphEngine.Ops.Proto.MetaGraphDef;

namespace GraphEngine.Tests.Layers;

/// <summary>Our tf.layers graphs against graphs real TensorFlow 1.x wrote (shared/tfdata).</summary>
[TestClass]
public sealed class TfGraphNamesTests
{
    private static readonly Regex DenseNode = new(@"^dense(_\d+)?/", RegexOptions.Compiled);

    /// <summary>TF 1.x adds with Add where TF 2 and we use AddV2; otherwise op types must agree.</summary>
    private static string Canonical(string op) => op == "AddV2" ? "Add" : op;

    [TestMethod]
    public void Dense_layers_create_the_same_nodes_as_tf_1_7()
    {
        // htru2: 8 features → three dense(12, selu) → dense(2), built by tf.layers in TF 1.7.
        var meta = ProtoFile.Read<PMetaGraphDef>(TfData.Path("htru2-dnn-rmsprop-estimator-tf1.7", "model.ckpt-14318.meta"));
        // TF before 1.13 built every tf.zeros as Fill(shape_as_tensor, Const); later TF (and we) use
        // one Const below 1000 elements. Map the old form onto the new one, keep everything else.
        var theirs = meta.GraphDef.Node.Where(n => DenseNode.IsMatch(n.Name) && !n.Name.Contains("/RMSProp"))
            .Where(n => !n.Name.EndsWith("/zeros/Const") && !n.Name.EndsWith("/zeros/shape_as_tensor"))
            .Select(n => $"{n.Name} {(n.Name.EndsWith("/zeros") && n.Op == "Fill" ? "Const" : Canonical(n.Op))}")
            .Order(StringComparer.Ordinal).ToList();
        Assert.IsTrue(theirs.Count > 40, $"the TF graph has its dense nodes ({theirs.Count})");

        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var x = tf.placeholder(tf.float32, new[] { -1, 8 });
        var h = x;
        for (int i = 0; i < 3; i++) h = tf.layers.dense(h, 12, activation: t => tf.nn.selu(t));
        tf.layers.dense(h, 2);
        var ours = g.get_operations().Where(o => DenseNode.IsMatch(o.name))
            .Select(o => $"{o.name} {Canonical(o.type)}").Order(StringComparer.Ordinal).ToList();
        CollectionAssert.AreEqual(theirs, ours,
            $"only in TF: [{string.Join(", ", theirs.Except(ours))}]; only ours: [{string.Join(", ", ours.Except(theirs))}]");
    }

    [TestMethod]
    public void Dropout_layer_creates_the_nodes_of_the_tf_1_10_branch()
    {
        // houseprices: tf.layers.dropout(rate=0.1, training=flag) after dense(100) in TF 1.10. TF
        // builds the training branch inside a cond ("dropout/cond/dropout/..."); with training=true
        // known at build time TF (smart_cond) and we build that branch directly as "dropout/dropout/...",
        // without the cond's Switch that feeds x into the branch.
        var meta = ProtoFile.Read<PMetaGraphDef>(TfData.Path("houseprices-dnn-adam-tf1.10", "model.ckpt.meta"));
        var theirs = meta.GraphDef.Node.Where(n => n.Name.StartsWith("dropout/cond/dropout/", StringComparison.Ordinal) && n.Op != "Switch")
            .Select(n => $"{n.Name.Replace("dropout/cond/", "dropout/")} {Canonical(n.Op)}").Order(StringComparer.Ordinal).ToList();
        Assert.IsTrue(theirs.Count >= 10, $"the TF graph has its dropout nodes ({theirs.Count})");

        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var x = tf.placeholder(tf.float32, new[] { -1, 100 });
        tf.layers.dropout(x, 0.1, training: true);
        var ours = g.get_operations().Where(o => o.name.StartsWith("dropout/dropout/", StringComparison.Ordinal))
            .Select(o => $"{o.name} {Canonical(o.type)}").Order(StringComparer.Ordinal).ToList();
        CollectionAssert.AreEqual(theirs, ours,
            $"only in TF: [{string.Join(", ", theirs.Except(ours))}]; only ours: [{string.Join(", ", ours.Except(theirs))}]");
    }
}
