using GraphEngine.Ops.Core;
using GraphEngine.Runtime.Io;
using GraphEngine.TestKit;
using Saver = GraphEngine.Saver;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Train;

[TestClass]
public sealed class SaverTests
{
    private string _dir = "";

    [TestInitialize]
    public void Init() => _dir = Directory.CreateTempSubdirectory("ge-saver-").FullName;

    [TestCleanup]
    public void Cleanup()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static (GraphEngine.Graph G, Variable F, Variable D, Variable I, Variable L, Variable B) Model(float scale = 1)
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        var f = tf.Variable(new[,] { { 1f * scale, 2f }, { 3f, 4f } }, name: "f");
        var d = tf.Variable(new[] { 0.5 * scale, -1.25 }, name: "d");
        var i = tf.Variable(new[] { 7 * (int)scale, -8, 9 }, name: "i");
        var l = tf.Variable(new[] { long.MaxValue, (long)scale }, name: "l");
        var b = tf.Variable(new[] { true, false, scale > 0 }, name: "b");
        return (g, f, d, i, l, b);
    }

    [TestMethod]
    public void Save_then_restore_round_trips_every_dtype()
    {
        var (g, f, d, i, l, b) = Model();
        Saver saver;
        using (g.as_default()) saver = tf.train.Saver();
        string prefix;
        using (var sess = new GraphEngine.Session(g))
        {
            using (g.as_default()) sess.run(tf.global_variables_initializer());
            prefix = saver.save(sess, Path.Combine(_dir, "model.ckpt"), global_step: 100);
        }
        Assert.AreEqual(Path.Combine(_dir, "model.ckpt-100"), prefix);
        Assert.IsTrue(File.Exists(prefix + ".index"));
        Assert.IsTrue(File.Exists(prefix + ".data-00000-of-00001"));

        using var sess2 = new GraphEngine.Session(g);
        saver.restore(sess2, prefix);
        CollectionAssert.AreEqual(new[] { 1f, 2f, 3f, 4f }, f.eval(sess2).ToArray<float>());
        CollectionAssert.AreEqual(new[] { 0.5, -1.25 }, d.eval(sess2).ToArray<double>());
        CollectionAssert.AreEqual(new[] { 7, -8, 9 }, i.eval(sess2).ToArray<int>());
        CollectionAssert.AreEqual(new[] { long.MaxValue, 1L }, l.eval(sess2).ToArray<long>());
        CollectionAssert.AreEqual(new[] { true, false, true }, b.eval(sess2).ToArray<bool>());

        // What the runtime reader sees: names sorted, dtypes and shapes kept.
        var reader = tf.train.NewCheckpointReader(prefix);
        CollectionAssert.AreEqual(new[] { "b", "d", "f", "i", "l" }, reader.get_variable_to_shape_map().Keys.Order(StringComparer.Ordinal).ToArray());
        CollectionAssert.AreEqual(new long[] { 2, 2 }, reader.get_variable_to_shape_map()["f"]);
        Assert.AreEqual(DType.Int64, reader.get_variable_to_dtype_map()["l"]);
        Assert.IsTrue(reader.has_tensor("d"));
        StringAssert.Contains(reader.debug_string(), "f (float) [2,2]");
        CollectionAssert.AreEqual(new[] { 0.5, -1.25 }, tf.train.load_variable(_dir, "d:0").ToArray<double>());
        var listed = tf.train.list_variables(_dir);
        CollectionAssert.AreEqual(new[] { "b", "d", "f", "i", "l" }, listed.Select(v => v.name).ToArray());
    }

    [TestMethod]
    public void Save_subgraph_has_tensorflows_node_names_and_saver_def()
    {
        var (g, _, _, _, _, _) = Model();
        Saver saver;
        using (g.as_default()) saver = tf.train.Saver();
        var names = g.get_operations().Select(o => o.name).Where(n => n.StartsWith("save/", StringComparison.Ordinal)).ToArray();
        Assert.AreEqual(string.Join(",", new[]
        {
            "save/filename/input", "save/filename", "save/Const",
            "save/SaveV2/tensor_names", "save/SaveV2/shape_and_slices", "save/SaveV2", "save/control_dependency",
            "save/RestoreV2/tensor_names", "save/RestoreV2/shape_and_slices", "save/RestoreV2",
            "save/Assign", "save/Assign_1", "save/Assign_2", "save/Assign_3", "save/Assign_4", "save/restore_all",
        }), string.Join(",", names));
        Assert.AreEqual("PlaceholderWithDefault", g.get_operation_by_name("save/Const").type);
        var save = g.get_operation_by_name("save/SaveV2").NodeDef;
        CollectionAssert.AreEqual(new[] { "save/Const", "save/SaveV2/tensor_names", "save/SaveV2/shape_and_slices", "b", "d", "f", "i", "l" }, save.Input.ToArray());
        var restore = g.get_operation_by_name("save/RestoreV2").NodeDef;
        Assert.AreEqual("/device:CPU:0", restore.Device);
        CollectionAssert.AreEqual(new[] { "f", "save/RestoreV2:2" }, g.get_operation_by_name("save/Assign_2").NodeDef.Input.ToArray());
        CollectionAssert.AreEqual(new[] { "save/Const", "^save/SaveV2" }, g.get_operation_by_name("save/control_dependency").NodeDef.Input.ToArray());
        Assert.AreEqual("save/Const:0", saver.saver_def.FilenameTensorName);
        Assert.AreEqual("save/control_dependency:0", saver.saver_def.SaveTensorName);
        Assert.AreEqual("save/restore_all", saver.saver_def.RestoreOpName);
        Assert.AreEqual(5, saver.saver_def.MaxToKeep);
        Assert.AreEqual(10000f, saver.saver_def.KeepCheckpointEveryNHours);
        Assert.AreEqual(Ops.Proto.SaverDef.Types.CheckpointFormatVersion.V2, saver.saver_def.Version);

        Saver second;
        using (g.as_default()) second = tf.train.Saver(new Dictionary<string, Variable> { ["renamed"] = (Variable)g.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)[0] });
        Assert.AreEqual("save_1/Const:0", second.saver_def.FilenameTensorName);
        Assert.AreEqual("save_1/restore_all", second.saver_def.RestoreOpName);
    }

    [TestMethod]
    public void Max_to_keep_deletes_old_checkpoints_and_state_file_matches_tf()
    {
        var (g, _, _, _, _, _) = Model();
        Saver saver;
        using (g.as_default()) saver = tf.train.Saver(max_to_keep: 2);
        using var sess = new GraphEngine.Session(g);
        using (g.as_default()) sess.run(tf.global_variables_initializer());
        var prefixes = Enumerable.Range(0, 4).Select(s => saver.save(sess, Path.Combine(_dir, "model.ckpt"), global_step: s * 1000)).ToArray();
        Assert.IsFalse(File.Exists(prefixes[0] + ".index"));
        Assert.IsFalse(File.Exists(prefixes[0] + ".data-00000-of-00001"));
        Assert.IsFalse(File.Exists(prefixes[1] + ".index"));
        Assert.IsTrue(File.Exists(prefixes[2] + ".index"));
        CollectionAssert.AreEqual(prefixes[2..], saver.last_checkpoints);
        // An absolute save dir with save_relative_paths false: TF writes the paths as given.
        Assert.AreEqual(
            $"model_checkpoint_path: \"{prefixes[3]}\"\nall_model_checkpoint_paths: \"{prefixes[2]}\"\nall_model_checkpoint_paths: \"{prefixes[3]}\"\n",
            File.ReadAllText(Path.Combine(_dir, "checkpoint")));
        Assert.AreEqual(prefixes[3], tf.train.latest_checkpoint(_dir));
        var state = tf.train.get_checkpoint_state(_dir)!;
        CollectionAssert.AreEqual(prefixes[2..], state.AllModelCheckpointPaths.ToArray());
        Assert.IsFalse(Directory.EnumerateFiles(_dir, "*tmp*").Any(), "no temporary files are left");
    }

    [TestMethod]
    public void Relative_paths_in_the_state_file_are_written_as_tf_writes_them()
    {
        // TF's own state files (tfdata) hold paths relative to the directory.
        var tfState = File.ReadAllText(TfData.Path("mnist-softmax-tf1.3", "checkpoint"));
        Assert.AreEqual("model_checkpoint_path: \"model.ckpt\"\nall_model_checkpoint_paths: \"model.ckpt\"\n", tfState);
        var state = CheckpointStateFile.Generate(_dir, Path.Combine(_dir, "model.ckpt"), null, saveRelativePaths: true);
        CheckpointStateFile.Write(_dir, state);
        Assert.AreEqual(tfState, File.ReadAllText(Path.Combine(_dir, "checkpoint")));
        var relative = CheckpointStateFile.Generate("ckpts", "ckpts/model.ckpt-100", ["ckpts/model.ckpt-0", "ckpts/model.ckpt-100"]);
        Assert.AreEqual("model_checkpoint_path: \"model.ckpt-100\"\nall_model_checkpoint_paths: \"model.ckpt-0\"\nall_model_checkpoint_paths: \"model.ckpt-100\"\n",
            GraphEngine.Ops.Model.TextFormat.ProtoText.Print(relative));
    }

    [TestMethod]
    public void Restores_a_real_tf13_checkpoint()
    {
        var prefix = Path.Combine(Path.GetDirectoryName(TfData.Path("mnist-softmax-tf1.3", "model.ckpt.index"))!, "model.ckpt");
        var g = new GraphEngine.Graph();
        Variable w, b;
        Saver saver;
        using (g.as_default())
        {
            w = tf.Variable(tf.zeros(new[] { 784, 10 }));
            b = tf.Variable(tf.zeros(new[] { 10 }));
            saver = tf.train.Saver();
        }
        Assert.AreEqual("Variable_1:0", b.name);
        using var sess = new GraphEngine.Session(g);
        saver.restore(sess, prefix);
        var bias = b.eval(sess).ToArray<float>();
        Assert.AreEqual(-0.3766693f, bias[0], 1e-7f);
        Assert.AreEqual(0.3554977f, bias[1], 1e-7f);
        Assert.AreEqual(7840, w.eval(sess).size);
        Assert.AreEqual(prefix, tf.train.latest_checkpoint(Path.GetDirectoryName(prefix)!));
    }

    [TestMethod]
    public void Our_checkpoint_reads_back_byte_exact()
    {
        var (g, f, _, _, _, _) = Model();
        Saver saver;
        using (g.as_default()) saver = tf.train.Saver(new[] { f });
        using var sess = new GraphEngine.Session(g);
        using (g.as_default()) sess.run(tf.global_variables_initializer());
        var prefix = saver.save(sess, Path.Combine(_dir, "m"));
        var reader = CheckpointReader.Open(prefix);
        CollectionAssert.AreEqual(new[] { "f" }, reader.Keys.ToArray());
        var entry = reader.Bundle.GetEntry("f");
        Assert.AreEqual(0, entry.Offset);
        Assert.AreEqual(16, entry.Size);
        var expected = new[] { 1f, 2f, 3f, 4f }.SelectMany(BitConverter.GetBytes).ToArray();
        CollectionAssert.AreEqual(expected, File.ReadAllBytes(prefix + ".data-00000-of-00001"));
        CollectionAssert.AreEqual(expected, reader.GetTensor("f").Buffer!.Bytes.ToArray());
    }

    [TestMethod]
    public void Restore_errors_name_what_is_wrong()
    {
        // A checkpoint holding only "f" of shape [2,2].
        var (g, f, _, _, _, _) = Model();
        string prefix;
        using (g.as_default())
        {
            var only = tf.train.Saver(new[] { f });
            using var s = new GraphEngine.Session(g);
            s.run(tf.global_variables_initializer());
            prefix = only.save(s, Path.Combine(_dir, "only-f"));
        }

        var (g2, _, _, _, _, _) = Model();
        Saver all;
        using (g2.as_default()) all = tf.train.Saver();
        using var sess = new GraphEngine.Session(g2);
        var missing = Assert.ThrowsExactly<NotFoundException>(() => all.restore(sess, prefix));
        StringAssert.Contains(missing.Message, "Key b not found in checkpoint");
        StringAssert.Contains(missing.Message, prefix);

        var g3 = new GraphEngine.Graph();
        Saver wrongShape;
        using (g3.as_default())
        {
            tf.Variable(new float[3], name: "f");
            wrongShape = tf.train.Saver();
        }
        using var sess3 = new GraphEngine.Session(g3);
        var shape = Assert.ThrowsExactly<InvalidArgumentException>(() => wrongShape.restore(sess3, prefix));
        StringAssert.Contains(shape.Message, "Assign requires shapes of both tensors to match. lhs shape= [3] rhs shape= [2,2]");

        var g4 = new GraphEngine.Graph();
        Saver wrongType;
        using (g4.as_default())
        {
            tf.Variable(new double[4], name: "f");
            wrongType = tf.train.Saver();
        }
        using var sess4 = new GraphEngine.Session(g4);
        var dtype = Assert.ThrowsExactly<InvalidArgumentException>(() => wrongType.restore(sess4, prefix));
        StringAssert.Contains(dtype.Message, "tensor_name = f; expected dtype double does not equal restored dtype float");

        var nowhere = Path.Combine(_dir, "no-such-ckpt");
        var none = Assert.ThrowsExactly<NotFoundException>(() => all.restore(sess, nowhere));
        StringAssert.Contains(none.Message, "The passed save_path is not a valid checkpoint: " + nowhere);
    }

    [TestMethod]
    public void State_file_pointing_to_a_deleted_prefix()
    {
        var (g, _, _, _, _, _) = Model();
        Saver saver;
        using (g.as_default()) saver = tf.train.Saver();
        using var sess = new GraphEngine.Session(g);
        using (g.as_default()) sess.run(tf.global_variables_initializer());
        var prefix = saver.save(sess, Path.Combine(_dir, "model.ckpt"));
        Assert.AreEqual(prefix, tf.train.latest_checkpoint(_dir));
        CheckpointStateFile.RemoveCheckpoint(prefix);
        Assert.IsNull(tf.train.latest_checkpoint(_dir));
        var stale = tf.train.get_checkpoint_state(_dir)!.ModelCheckpointPath;
        var e = Assert.ThrowsExactly<NotFoundException>(() => saver.restore(sess, stale));
        StringAssert.Contains(e.Message, prefix);
        Assert.IsNull(tf.train.latest_checkpoint(Path.Combine(_dir, "empty")), "no state file: null");
    }

    [TestMethod]
    public void Saver_with_no_variables_is_refused()
    {
        var g = new GraphEngine.Graph();
        using var _ = g.as_default();
        StringAssert.Contains(Assert.ThrowsExactly<InvalidArgumentException>(() => tf.train.Saver()).Message, "No variables to save");
        StringAssert.Contains(Assert.ThrowsExactly<InvalidArgumentException>(() => tf.train.Saver(sharded: true)).Message, "No variables to save");
    }

    [TestMethod]
    public void Save_writes_a_meta_graph_the_runtime_can_restore_from()
    {
        var (g, f, _, _, _, _) = Model(scale: 3);
        Saver saver;
        using (g.as_default()) saver = tf.train.Saver();
        string prefix;
        using (var sess = new GraphEngine.Session(g))
        {
            using (g.as_default()) sess.run(tf.global_variables_initializer());
            prefix = saver.save(sess, Path.Combine(_dir, "model.ckpt"));
        }
        var meta = Ops.Model.Serialization.ProtoFile.ReadBinary<Ops.Proto.MetaGraphDef>(prefix + ".meta");
        Assert.AreEqual(saver.saver_def, meta.SaverDef);
        Assert.IsTrue(meta.MetaInfoDef.StrippedOpList.Op.Any(o => o.Name == "RestoreV2"));
        // TF 1.3 wrote the first three VariableDef fields exactly like this (mnist-softmax-tf1.3 .meta).
        var fDef = meta.CollectionDef["variables"].BytesList.Value[0].ToByteArray();
        CollectionAssert.AreEqual("\n\u0003f:0\u0012\bf/Assign\u001a\bf/read:0"u8.ToArray(), fDef[..25]);
        Assert.AreEqual(5, meta.CollectionDef["trainable_variables"].BytesList.Value.Count);

        // Only the runtime: import the GraphDef, restore through the SaverDef's names, read f.
        var graphDef = Ops.Model.Serialization.GraphDefConverter.ToGraphDef(meta.GraphDef);
        using var runtime = new Runtime.DirectSession(graphDef);
        var fed = HostTensor.FromStrings([System.Text.Encoding.UTF8.GetBytes(prefix)], []);
        runtime.Run([(meta.SaverDef.FilenameTensorName, fed)], [], [meta.SaverDef.RestoreOpName]);
        CollectionAssert.AreEqual(new[] { 3f, 2f, 3f, 4f }, runtime.Run([], ["f:0"], [])[0].ToArray<float>());
        _ = f;
    }

    [TestMethod]
    public void Global_step_may_be_a_variable_and_write_meta_graph_false_skips_the_meta()
    {
        var g = new GraphEngine.Graph();
        Variable step;
        Saver saver;
        using (g.as_default())
        {
            step = tf.Variable(1234L, trainable: false, name: "global_step");
            saver = tf.train.Saver();
        }
        using var sess = new GraphEngine.Session(g);
        using (g.as_default()) sess.run(tf.global_variables_initializer());
        var prefix = saver.save(sess, Path.Combine(_dir, "m"), global_step: step, write_meta_graph: false);
        Assert.AreEqual(Path.Combine(_dir, "m-1234"), prefix);
        Assert.IsFalse(File.Exists(prefix + ".meta"));
        Assert.AreEqual(1234L, tf.train.load_variable(prefix, "global_step").GetInt64());
        var noParent = Assert.ThrowsExactly<NotFoundException>(() => saver.save(sess, Path.Combine(_dir, "missing", "m")));
        StringAssert.Contains(noParent.Message, "Parent directory of");
    }
}
