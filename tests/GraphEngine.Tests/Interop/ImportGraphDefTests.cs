using NumSharp;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Model.Serialization;
using GraphEngine.TestKit;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Interop;

[TestClass]
public sealed class ImportGraphDefTests
{
    private static GraphDef Read(params string[] parts) => GraphDefIO.Read(TfData.Path(parts));

    [TestMethod]
    public void Ab_mul_runs_with_init_and_with_fed_variable_outputs()
    {
        var binary = Read("ab-mul-graph-tf1.0", "graph.pb");
        var text = Read("ab-mul-graph-tf1.0", "graph.pbtxt");
        CollectionAssert.AreEqual(GraphDefIO.ToBinary(binary), GraphDefIO.ToBinary(text), "text and binary files hold the same GraphDef");
        var g = new GraphEngine.Graph();
        using var gd = g.as_default();
        var r = tf.import_graph_def(binary, return_elements: ["c:0", "init"]);
        Assert.AreEqual("import/c:0", ((Tensor)r[0]).name);
        Assert.AreEqual("import/init", ((Operation)r[1]).name);
        using var sess = tf.Session(g);
        // Feeding the variables' outputs overrides them, without running init (the Crystal example).
        Assert.AreEqual(15f, sess.run("import/c:0", ("import/a:0", 3f), ("import/b:0", 5f))!.GetSingle());
        sess.run((Operation)r[1]);
        Assert.AreEqual(30f, sess.run((Tensor)r[0]).GetSingle());
    }

    [TestMethod]
    public void Rust_binding_addition_and_multiplication()
    {
        var g = new GraphEngine.Graph();
        using var gd = g.as_default();
        var add = tf.import_graph_def(Read("tf-rust-binding-graphs", "examples", "addition", "model.pb"), return_elements: ["z:0"], name: "add");
        var mul = tf.import_graph_def(Read("tf-rust-binding-graphs", "tensorflow-sys", "examples", "assets", "multiplication.pb"), return_elements: ["c:0"], name: "mul");
        using var sess = tf.Session(g);
        Assert.AreEqual(5, sess.run((Tensor)add[0], (g.get_tensor_by_name("add/x:0"), 2), (g.get_tensor_by_name("add/y:0"), 3)).GetInt32());
        Assert.AreEqual(6f, sess.run((Tensor)mul[0], (g.get_tensor_by_name("mul/a:0"), 2f), (g.get_tensor_by_name("mul/b:0"), 3f)).GetSingle());
        // Producer 9: `shape {}` there means unknown, so a vector feed is accepted.
        Assert.IsFalse(g.get_tensor_by_name("mul/a:0").shape.HasRank);
        CollectionAssert.AreEqual(new float[] { 2, 6 }, sess.run((Tensor)mul[0], (g.get_tensor_by_name("mul/a:0"), new float[] { 1, 2 }), (g.get_tensor_by_name("mul/b:0"), new float[] { 2, 3 })).ToArray<float>());
        // Producer 1882: the same empty shape is a real scalar.
        Assert.AreEqual(0, g.get_tensor_by_name("add/x:0").shape.Rank);
    }

    [TestMethod]
    public void Unsorted_graph_imports_in_topological_order()
    {
        var def = Read("tensorboard-demo-mnist-graph", "graph.pbtxt");
        var missing = def.Nodes.Select(n => n.Op).Distinct().Where(o => !Runtime.RuntimeLibrary.Default.Ops.TryGet(o, out _)).ToList();
        // Reordered nodes of a graph we fully support: a consumer listed before its producer.
        var shuffled = new GraphDef { Producer = 21 };
        foreach (var n in Read("ab-mul-graph-tf1.0", "graph.pb").Nodes.Reverse()) shuffled.Add(n.Clone());
        var g = new GraphEngine.Graph();
        using var gd = g.as_default();
        tf.import_graph_def(shuffled, name: "");
        using var sess = tf.Session(g);
        sess.run(g.get_operation_by_name("init"));
        Assert.AreEqual(30f, sess.run(g.get_tensor_by_name("c:0")).GetSingle());
        if (missing.Count > 0)
            Assert.ThrowsExactly<UnimplementedException>(() => tf.import_graph_def(def, name: "demo"));
        else
            tf.import_graph_def(def, name: "demo");
    }

    [TestMethod]
    public void Input_map_return_elements_and_prefixes()
    {
        var src = new GraphEngine.Graph();
        using (src.as_default())
        {
            var x = tf.placeholder(tf.float32, new[] { -1 }, name: "x");
            tf.multiply(x, tf.constant(2f, name: "two"), name: "y");
        }
        var def = src.as_graph_def();
        var g = new GraphEngine.Graph();
        using var gd = g.as_default();
        var c = tf.constant(new float[] { 1, 2, 3 }, name: "c");
        var y = (Tensor)tf.import_graph_def(def, input_map: new Dictionary<string, Tensor> { ["x:0"] = c }, return_elements: ["y:0"])[0];
        var y2 = (Tensor)tf.import_graph_def(def, return_elements: ["y:0"])[0];
        Assert.AreEqual("import/y:0", y.name);
        Assert.AreEqual("import_1/y:0", y2.name);
        Assert.AreEqual("[3]", y.shape.ToString(), $"shapes are inferred on import: {y.op.NodeDef} {string.Join(",", y.op.inputs.Select(i => i.name + i.shape))}");
        using var sess = tf.Session(g);
        CollectionAssert.AreEqual(new float[] { 2, 4, 6 }, sess.run(y).ToArray<float>());
        using (var scope = tf.name_scope("import"))
            Assert.AreEqual("import_2/", scope.Name, "imported scopes are taken");
        var bad = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.import_graph_def(def, input_map: new Dictionary<string, Tensor> { ["nope:0"] = c }));
        StringAssert.Contains(bad.Message, "nope:0");
        var badRet = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.import_graph_def(def, return_elements: ["zz:0"]));
        StringAssert.Contains(badRet.Message, "zz:0");
        var typed = Assert.ThrowsExactly<InvalidArgumentException>(() =>
            tf.import_graph_def(def, input_map: new Dictionary<string, Tensor> { ["x:0"] = tf.constant(new[] { 1 }) }));
        StringAssert.Contains(typed.Message, "node 'import_5/y'", typed.Message);
    }

    [TestMethod]
    public void Placeholder_shapes_follow_the_producer_rule()
    {
        const string Nodes = "node { name: 'a' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } } attr { key: 'shape' value { shape {} } } }\n" +
            "node { name: 'b' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } } }\n";
        var g = new GraphEngine.Graph();
        using var gd = g.as_default();
        tf.import_graph_def(GraphDefIO.ParseText(Nodes + "versions { producer: 21 }"), name: "old");
        tf.import_graph_def(GraphDefIO.ParseText(Nodes + "versions { producer: 22 }"), name: "new");
        Assert.IsFalse(g.get_tensor_by_name("old/a:0").shape.HasRank, "producer 21: empty shape is unknown");
        Assert.AreEqual(0, g.get_tensor_by_name("new/a:0").shape.Rank, "producer 22: empty shape is a scalar");
        Assert.IsFalse(g.get_tensor_by_name("old/b:0").shape.HasRank, "no shape attr: unknown");
        Assert.IsFalse(g.get_tensor_by_name("new/b:0").shape.HasRank);
        using var sess = tf.Session(g);
        CollectionAssert.AreEqual(new float[] { 1, 2 }, sess.run("old/a:0", ("old/a:0", new float[] { 1, 2 }))!.ToArray<float>());
        Assert.ThrowsExactly<InvalidArgumentException>(() => sess.run("new/a:0", ("new/a:0", new float[] { 1, 2 })));
    }

    [TestMethod]
    public void Errors_are_typed_and_name_the_node()
    {
        var g = new GraphEngine.Graph();
        using var gd = g.as_default();
        var unknown = GraphDefIO.ParseText("node { name: 'a' op: 'Const' attr { key: 'dtype' value { type: DT_FLOAT } } attr { key: 'value' value { tensor { dtype: DT_FLOAT tensor_shape {} float_val: 1 } } } }\n" +
            "node { name: 'w' op: 'FancyOp' input: 'a' }");
        var e = Assert.ThrowsExactly<UnimplementedException>(() => tf.import_graph_def(unknown));
        StringAssert.Contains(e.Message, "'FancyOp'");
        StringAssert.Contains(e.Message, "'w'");
        Assert.AreEqual(0, g.get_operations().Length);

        var badAttr = GraphDefIO.ParseText("node { name: 'p' op: 'Placeholder' attr { key: 'dtype' value { i: 3 } } }");
        var a = Assert.ThrowsExactly<InvalidArgumentException>(() => tf.import_graph_def(badAttr));
        StringAssert.Contains(a.Message, "/p'");

        var cycle = GraphDefIO.ParseText("node { name: 'a' op: 'Identity' input: 'b' attr { key: 'T' value { type: DT_FLOAT } } }\n" +
            "node { name: 'b' op: 'Identity' input: 'a' attr { key: 'T' value { type: DT_FLOAT } } }");
        StringAssert.Contains(Assert.ThrowsExactly<InvalidArgumentException>(() => tf.import_graph_def(cycle)).Message, "cycle");

        var dangling = GraphDefIO.ParseText("node { name: 'a' op: 'Identity' input: 'nowhere' attr { key: 'T' value { type: DT_FLOAT } } }");
        StringAssert.Contains(Assert.ThrowsExactly<InvalidArgumentException>(() => tf.import_graph_def(dangling)).Message, "nowhere");

        var missing = Path.Combine(Path.GetTempPath(), $"ge-missing-{Guid.NewGuid():N}.pb");
        StringAssert.Contains(Assert.ThrowsExactly<NotFoundException>(() => GraphDefIO.Read(missing)).Message, missing);
        var corrupt = Path.Combine(Path.GetTempPath(), $"ge-corrupt-{Guid.NewGuid():N}.pb");
        File.WriteAllBytes(corrupt, [0x0a, 0xff, 0xff, 0x01, 0x02]);
        try { StringAssert.Contains(Assert.ThrowsExactly<DataLossException>(() => GraphDefIO.Read(corrupt)).Message, corrupt); }
        finally { File.Delete(corrupt); }
    }

    [TestMethod]
    public void Our_graph_round_trips_through_as_graph_def_text_and_binary()
    {
        var g = new GraphEngine.Graph();
        NDArray expected;
        using (g.as_default())
        {
            var x = tf.placeholder(tf.float32, new[] { -1, 2 }, name: "x");
            var w = tf.Variable(new float[,] { { 1, 2 }, { 3, 4 } }, name: "w");
            var y = tf.matmul(x, w, name: "y");
            tf.identity(y, name: "out");
            using var sess = tf.Session(g);
            sess.run(tf.global_variables_initializer());
            expected = sess.run(y, (x, new float[,] { { 1, 1 } }));
        }
        var dir = Path.Combine(Path.GetTempPath(), $"ge-wg-{Guid.NewGuid():N}");
        try
        {
            var textPath = tf.train.write_graph(g, dir, "g.pbtxt");
            var binPath = tf.train.write_graph(g.as_graph_def(), dir, "g.pb", as_text: false);
            var fromText = tf.train.read_graph(textPath);
            var fromBin = tf.train.read_graph(binPath);
            CollectionAssert.AreEqual(GraphDefIO.ToBinary(g.as_graph_def()), GraphDefIO.ToBinary(fromBin));
            CollectionAssert.AreEqual(GraphDefIO.ToBinary(fromBin), GraphDefIO.ToBinary(fromText));
            var g2 = new GraphEngine.Graph();
            using (g2.as_default())
            {
                tf.import_graph_def(fromText, name: "");
                CollectionAssert.AreEqual(GraphDefIO.ToBinary(fromText), GraphDefIO.ToBinary(g2.as_graph_def()), "import then as_graph_def is the identity");
                using var sess = tf.Session(g2);
                sess.run(g2.get_operation_by_name("w/Assign"));
                var again = sess.run("out:0", ("x:0", new float[,] { { 1, 1 } }))!;
                CollectionAssert.AreEqual(expected.ToArray<float>(), again.ToArray<float>());
            }
            Assert.IsFalse(Directory.EnumerateFiles(dir, ".*tmp*").Any(), "atomic writes leave no temp files");
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void Frozen_keras_mlp_classifies_mnist()
    {
        var def = Read("frozen-keras-mlp-mnist-tf2.3", "mnist.pb");
        var missing = def.Nodes.Select(n => n.Op).Distinct().Where(o => !Runtime.RuntimeLibrary.Default.Ops.TryGet(o, out _)).ToList();
        var (images, labels) = Mnist.Test();
        int n = labels.Length;
        var x = new float[n, 28, 28];
        Buffer.BlockCopy(images, 0, x, 0, n * 784 * sizeof(float));
        float[] probs;
        if (missing.Count == 0)
        {
            var g = new GraphEngine.Graph();
            using var gd = g.as_default();
            tf.import_graph_def(def, name: "");
            using var sess = tf.Session(g);
            probs = sess.run("Identity:0", ("Input:0", x))!.ToArray<float>();
        }
        else
        {
            // Without BiasAdd/Softmax kernels: import the part we can run (Reshape, MatMul and the
            // weight reads) and finish the two dense layers on the host, so the frozen weights and
            // the first layer are still checked against the stated accuracy.
            string Weight(string node, int input) => def.Find(node)!.Input[input];
            var weightNames = new[] { Weight("sequential/dense/BiasAdd", 1), Weight("sequential/dense_1/MatMul", 1), Weight("sequential/dense_1/BiasAdd", 1) };
            var partial = tf.graph_util.extract_sub_graph(def, ["sequential/dense/MatMul", .. weightNames]);
            var g = new GraphEngine.Graph();
            using var gd = g.as_default();
            tf.import_graph_def(partial, name: "");
            using var sess = tf.Session(g);
            var h = sess.run("sequential/dense/MatMul:0", ("Input:0", x))!.ToArray<float>();
            var w = weightNames.Select(name => sess.run(name + ":0")!.ToArray<float>()).ToArray();
            probs = new float[n * 10];
            for (int i = 0; i < n; i++)
            {
                var hidden = new double[128];
                for (int j = 0; j < 128; j++) hidden[j] = System.Math.Max(0, h[i * 128 + j] + w[0][j]);
                var logits = new double[10];
                for (int k = 0; k < 10; k++)
                {
                    double acc = w[2][k];
                    for (int j = 0; j < 128; j++) acc += hidden[j] * w[1][j * 10 + k];
                    logits[k] = acc;
                }
                double max = logits.Max(), sum = logits.Sum(l => System.Math.Exp(l - max));
                for (int k = 0; k < 10; k++) probs[i * 10 + k] = (float)(System.Math.Exp(logits[k] - max) / sum);
            }
            Console.WriteLine($"frozen-keras-mlp: BiasAdd/Relu/second MatMul/Softmax finished on the host (missing ops: {string.Join(", ", missing)})");
        }
        Assert.AreEqual(0.92742f, probs[9], 1e-3);
        Assert.AreEqual(0.05359f, probs[4], 1e-3);
        int correct = Enumerable.Range(0, n).Count(i => Mnist.ArgMax(probs, i * 10, 10) == labels[i]);
        Assert.AreEqual(0.9895, correct / (double)n, 1e-9);
    }
}
