using System.Text;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Runtime;
using GraphEngine.Runtime.Io;
using GraphEngine.Runtime.Io.TensorBundle;
using GraphEngine.TestKit;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Session.Tests.Io;

/// <summary>SaveV2 / RestoreV2 / MergeV2Checkpoints kernels over hand-written GraphDefs.</summary>
[TestClass]
public sealed class SaveRestoreKernelsTests
{
    private string _dir = "";

    [TestInitialize]
    public void Init() => _dir = Directory.CreateTempSubdirectory("ge-saverestore-").FullName;

    [TestCleanup]
    public void Cleanup()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static HostTensor Str(params string[] s) =>
        HostTensor.FromStrings(s.Select(Encoding.UTF8.GetBytes).ToArray(), s.Length == 1 ? [] : [s.Length]);

    private static HostTensor Vec(params string[] s) => HostTensor.FromStrings(s.Select(Encoding.UTF8.GetBytes).ToArray(), [s.Length]);

    private static NodeDef Node(string name, string op, params string[] inputs)
    {
        var n = new NodeDef(name, op);
        n.Input.AddRange(inputs);
        return n;
    }

    private static NodeDef Const(string name, HostTensor value)
    {
        var n = Node(name, "Const");
        n.Attr["value"] = value;
        n.Attr["dtype"] = value.DType;
        return n;
    }

    /// <summary>prefix placeholder; SaveV2 of two consts; RestoreV2 of the given names and dtypes.</summary>
    private static GraphDef Graph(string[] restoreNames, DType[] restoreTypes, string[]? specs = null)
    {
        var g = new GraphDef();
        var p = Node("prefix", "Placeholder");
        p.Attr["dtype"] = DType.String;
        p.Attr["shape"] = TensorShape.Scalar;
        g.Add(p);
        g.Add(Const("w", HostTensor.FromArray(new float[] { 1.5f, -2f, 3f }, 3)));
        g.Add(Const("step", HostTensor.Scalar(42L)));
        g.Add(Const("names", Vec("w", "step")));
        g.Add(Const("specs", Vec(specs ?? ["", ""])));
        var save = Node("save", "SaveV2", "prefix", "names", "specs", "w", "step");
        save.Attr["dtypes"] = AttrValue.Of(new[] { DType.Float, DType.Int64 });
        g.Add(save);
        g.Add(Const("rnames", Vec(restoreNames)));
        g.Add(Const("rspecs", Vec(restoreNames.Select(_ => "").ToArray())));
        var restore = Node("restore", "RestoreV2", "prefix", "rnames", "rspecs");
        restore.Attr["dtypes"] = AttrValue.Of(restoreTypes);
        g.Add(restore);
        return g;
    }

    [TestMethod]
    public void SaveV2_then_RestoreV2_round_trips()
    {
        var prefix = Path.Combine(_dir, "sub", "ckpt");
        using var s = new DirectSession(Graph(["step", "w"], [DType.Int64, DType.Float]));
        s.Run([("prefix:0", Str(prefix))], [], ["save"]);
        Assert.IsTrue(File.Exists(prefix + ".index"));
        CollectionAssert.AreEqual(new[] { prefix + ".data-00000-of-00001", prefix + ".index" },
            Directory.GetFiles(Path.GetDirectoryName(prefix)!).Order(StringComparer.Ordinal).ToArray(), "no temporary files left");
        var r = s.Run([("prefix:0", Str(prefix))], ["restore:0", "restore:1"], []);
        Assert.AreEqual(42L, r[0].ScalarValue<long>());
        CollectionAssert.AreEqual(new float[] { 1.5f, -2f, 3f }, r[1].ToArray<float>());
        // The bytes are where the writer's format says: w (first added) at offset 0.
        var reader = CheckpointReader.Open(prefix);
        Assert.AreEqual(0, reader.Bundle.GetEntry("w").Offset);
        Assert.AreEqual(12, reader.Bundle.GetEntry("step").Offset);
    }

    [TestMethod]
    public void RestoreV2_errors_name_tensor_prefix_and_dtypes()
    {
        var prefix = Path.Combine(_dir, "ckpt");
        using (var s = new DirectSession(Graph(["w"], [DType.Float]))) s.Run([("prefix:0", Str(prefix))], [], ["save"]);

        using var missing = new DirectSession(Graph(["nope"], [DType.Float]));
        var nf = Assert.ThrowsExactly<NotFoundException>(() => missing.Run([("prefix:0", Str(prefix))], ["restore:0"], []));
        StringAssert.Contains(nf.Message, "Key nope not found in checkpoint");
        StringAssert.Contains(nf.Message, prefix);

        using var wrongType = new DirectSession(Graph(["w"], [DType.Double]));
        var ia = Assert.ThrowsExactly<InvalidArgumentException>(() => wrongType.Run([("prefix:0", Str(prefix))], ["restore:0"], []));
        StringAssert.Contains(ia.Message, "tensor_name = w; expected dtype double does not equal restored dtype float");

        var nowhere = Path.Combine(_dir, "absent");
        var np = Assert.ThrowsExactly<NotFoundException>(() => missing.Run([("prefix:0", Str(nowhere))], ["restore:0"], []));
        StringAssert.Contains(np.Message, nowhere);
    }

    [TestMethod]
    public void Slice_specs_are_unimplemented_and_leave_no_files()
    {
        var prefix = Path.Combine(_dir, "ckpt");
        using var s = new DirectSession(Graph(["w"], [DType.Float], specs: ["3 0,2", ""]));
        var e = Assert.ThrowsExactly<UnimplementedException>(() => s.Run([("prefix:0", Str(prefix))], [], ["save"]));
        StringAssert.Contains(e.Message, "slice spec '3 0,2' for tensor 'w'");
        Assert.AreEqual(0, Directory.GetFiles(_dir).Length);
    }

    [TestMethod]
    public void RestoreV2_reads_a_real_tf_checkpoint()
    {
        var prefix = TfData.Path("mnist-softmax-tf1.3", "model.ckpt.index")[..^".index".Length];
        var g = new GraphDef();
        g.Add(Const("prefix", Str(prefix)));
        g.Add(Const("rnames", Vec("Variable_1", "Variable")));
        g.Add(Const("rspecs", Vec("", "")));
        var restore = Node("restore", "RestoreV2", "prefix", "rnames", "rspecs");
        restore.Attr["dtypes"] = AttrValue.Of(new[] { DType.Float, DType.Float });
        g.Add(restore);
        using var s = new DirectSession(g);
        var r = s.Run([], ["restore:0", "restore:1"], []);
        Assert.AreEqual(-0.3766693f, r[0].ToArray<float>()[0], 1e-7f);
        CollectionAssert.AreEqual(new long[] { 784, 10 }, r[1].Dims.ToArray());
    }

    [TestMethod]
    public void MergeV2Checkpoints_merges_shards_and_deletes_temp_dirs()
    {
        var temp = Path.Combine(_dir, "model.ckpt_temp_abc");
        Directory.CreateDirectory(temp);
        string part0 = Path.Combine(temp, "part-00000-of-00002"), part1 = Path.Combine(temp, "part-00001-of-00002");
        using (var w = new BundleWriter(part0)) { w.Add("a", HostTensor.FromArray(new float[] { 1, 2 }, 2)); w.Finish(); }
        using (var w = new BundleWriter(part1)) { w.Add("b", HostTensor.Scalar(7)); w.Add("c", Str("hi")); w.Finish(); }
        var dest = Path.Combine(_dir, "model.ckpt");
        var g = new GraphDef();
        g.Add(Const("srcs", Vec(part0, part1)));
        g.Add(Const("dest", Str(dest)));
        g.Add(Node("merge", "MergeV2Checkpoints", "srcs", "dest"));
        using var s = new DirectSession(g);
        s.Run([], [], ["merge"]);

        Assert.IsFalse(Directory.Exists(temp), "the emptied temp dir is removed");
        var reader = CheckpointReader.Open(dest);
        Assert.AreEqual(2, reader.Bundle.NumShards);
        CollectionAssert.AreEqual(new[] { "a", "b", "c" }, reader.Keys.ToArray());
        Assert.AreEqual(1, reader.Bundle.GetEntry("b").ShardId);
        Assert.AreEqual(7, reader.GetTensor("b").ScalarValue<int>());
        CollectionAssert.AreEqual(new float[] { 1, 2 }, reader.GetTensor("a").ToArray<float>());
        Assert.AreEqual("hi", Encoding.UTF8.GetString(reader.GetTensorStrings("c")[0]));
        Assert.IsTrue(File.Exists(dest + ".data-00001-of-00002"));

        var again = Assert.ThrowsExactly<NotFoundException>(() => s.Run([], [], ["merge"]));
        StringAssert.Contains(again.Message, part0);
    }
}
