using System.Text;
using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Io;
using GraphEngine.Ops.State;
using GraphEngine.Runtime.Io;
using PSaverDef = GraphEngine.Ops.Proto.SaverDef;

namespace GraphEngine;

/// <summary>
/// TF1's tf.train.Saver: adds the save/restore subgraph in TF ≥ 1.12's layout (filename as a
/// PlaceholderWithDefault "save/Const", one SaveV2, one bulk RestoreV2 on CPU with one Assign per
/// variable, "save/restore_all"), so SaverDefs and checkpoints move both ways, and keeps the
/// <c>checkpoint</c> state file and max_to_keep the way TF's Saver does.
/// </summary>
public sealed class Saver
{
    private readonly Graph _graph;
    private readonly List<(string Path, DateTime Time)> _lastCheckpoints = [];
    private readonly double _keepHours;
    private DateTime _nextKeepTime;

    internal Saver(object? var_list, int max_to_keep, double keep_checkpoint_every_n_hours, bool sharded, string? filename,
        string name, bool save_relative_paths)
    {
        _graph = tf.get_default_graph();
        // The io OpDefs resolve their list(type) args when the library registers them; make sure it has.
        _ = _graph.Library;
        var saveables = NamesToVariables(var_list ?? tf.global_variables());
        if (saveables.Count == 0) throw new InvalidArgumentException("No variables to save");
        Variables = saveables;
        _keepHours = keep_checkpoint_every_n_hours;
        _nextKeepTime = DateTime.UtcNow.AddHours(_keepHours);
        SaveRelativePaths = save_relative_paths;
        saver_def = Build(saveables, filename ?? "model", name, sharded);
        saver_def.MaxToKeep = max_to_keep;
        saver_def.KeepCheckpointEveryNHours = (float)keep_checkpoint_every_n_hours;
        saver_def.Version = PSaverDef.Types.CheckpointFormatVersion.V2;
    }

    /// <summary>
    /// A saver over save/restore nodes already in <paramref name="graph"/>, described by
    /// <paramref name="saverDef"/> (TF's Saver(saver_def=...)): what import_meta_graph returns. As in
    /// TF, names are resolved when saving or restoring, so a SaverDef naming missing nodes fails then.
    /// </summary>
    internal Saver(Graph graph, PSaverDef saverDef, IEnumerable<Variable> variables)
    {
        _graph = graph;
        saver_def = saverDef.Clone();
        Variables = variables.Select(v => (v.op.name, v)).OrderBy(p => p.Item1, StringComparer.Ordinal).ToList();
        _keepHours = saverDef.KeepCheckpointEveryNHours > 0 ? saverDef.KeepCheckpointEveryNHours : 10000;
        _nextKeepTime = DateTime.UtcNow.AddHours(_keepHours);
    }

    /// <summary>The SaverDef a runtime (or TF) uses to drive this saver's ops.</summary>
    public PSaverDef saver_def { get; }

    /// <summary>Checkpoint name → variable, sorted by name as TF sorts them.</summary>
    public IReadOnlyList<(string Name, Variable Variable)> Variables { get; }

    public bool SaveRelativePaths { get; }

    /// <summary>The prefixes kept (not deleted) by this saver, oldest first.</summary>
    public List<string> last_checkpoints => _lastCheckpoints.Select(c => c.Path).ToList();

    private static List<(string, Variable)> NamesToVariables(object varList)
    {
        var result = new Dictionary<string, Variable>(StringComparer.Ordinal);
        switch (varList)
        {
            case IDictionary<string, Variable> dict:
                foreach (var (k, v) in dict) result[k] = v;
                break;
            case IEnumerable<Variable> list:
                foreach (var v in list)
                    if (!result.TryAdd(v.op.name, v))
                        throw new InvalidArgumentException($"At least two variables have the same name: {v.op.name}");
                break;
            default:
                throw new InvalidArgumentException($"var_list must be a list of Variables or a dictionary of names to Variables, got {varList.GetType().Name}.");
        }
        // TF sorts by name (bytewise), which fixes the tensor order in SaveV2 and RestoreV2.
        return result.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)).ToList();
    }

    private PSaverDef Build(IReadOnlyList<(string Name, Variable Variable)> vars, string filename, string name, bool sharded)
    {
        using var g = _graph.as_default();
        using var scope = tf.name_scope(name, "save");
        string Scoped(string n) => scope.Name + n;
        // TF ≥ 1.12: the default filename goes through two PlaceholderWithDefault nodes, and the
        // outer one keeps the historic name "Const" so SaverDefs still say "save/Const:0".
        var defaultName = tf.ConstantOf(HostTensor.FromStrings([Encoding.UTF8.GetBytes(filename)], []), "filename/input");
        var fileInner = new OpBuilder(ArrayOps.PlaceholderWithDefault, Scoped("filename/")).Input(defaultName)
            .Attr("dtype", DType.String).Attr("shape", TensorShape.Scalar).Build().outputs[0];
        var fileTensor = new OpBuilder(ArrayOps.PlaceholderWithDefault, "Const").Input(fileInner)
            .Attr("dtype", DType.String).Attr("shape", TensorShape.Scalar).Build().outputs[0];

        var names = vars.Select(v => v.Name).ToArray();
        var saveTensor = sharded ? AddShardedSave(fileTensor, vars, names) : AddSave(fileTensor, vars, names);

        Operation restoreOp;
        using (_graph.device("/device:CPU:0"))
        using (var s = tf.name_scope("RestoreV2"))
        {
            var (tn, ss) = NameAndSliceConsts(names);
            restoreOp = new OpBuilder(IoOps.RestoreV2, s.Name).Input(fileTensor).Input(tn).Input(ss)
                .Attr("dtypes", AttrValue.Of(vars.Select(v => v.Variable.dtype.BaseType()))).Build();
        }
        var assigns = new List<object>();
        for (int i = 0; i < vars.Count; i++)
        {
            var v = vars[i].Variable;
            // TF validates the shape only when the variable's shape is fully defined.
            assigns.Add(new OpBuilder(StateOps.Assign, "Assign").Input(v.AsRefTensor).Input(restoreOp.outputs[i])
                .Attr("validate_shape", v.shape.IsFullyDefined)
                .Attr("_class", AttrValue.OfStrings(["loc:@" + v.op.name])).Build());
        }
        // A sharded saver groups each device's restores as "restore_shard" first (one device here).
        var restoreAll = sharded
            ? tf.group([tf.group(assigns, name: "restore_shard")], name: "restore_all")
            : tf.group(assigns, name: "restore_all");
        return new PSaverDef
        {
            FilenameTensorName = fileTensor.name,
            SaveTensorName = saveTensor.name,
            RestoreOpName = restoreAll.name,
            Sharded = sharded,
        };
    }

    /// <summary>SaveV2 into the prefix itself; the save tensor is the prefix once SaveV2 ran ("control_dependency").</summary>
    private static Tensor AddSave(Tensor fileTensor, IReadOnlyList<(string Name, Variable Variable)> vars, string[] names)
    {
        Operation saveOp;
        using (var s = tf.name_scope("SaveV2"))
        {
            var (tn, ss) = NameAndSliceConsts(names);
            saveOp = new OpBuilder(IoOps.SaveV2, s.Name).Input(fileTensor).Input(tn).Input(ss)
                .InputList(vars.Select(v => v.Variable.AsRefTensor)).Build();
        }
        using var cd = tf.name_scope("control_dependency");
        using (tf.control_dependencies([saveOp]))
            return new OpBuilder(ArrayOps.Identity, cd.Name).Input(fileTensor)
                .Attr("_class", AttrValue.OfStrings(["loc:@" + fileTensor.op.name])).Build().outputs[0];
    }

    /// <summary>
    /// TF's _AddShardedSaveOpsForV2 for one device: SaveV2 into "prefix_temp_&lt;uuid&gt;/part-00000-of-00001",
    /// then MergeV2Checkpoints moves the shard to the prefix and removes the temporary directory,
    /// so a reader never sees a half-written checkpoint at the prefix.
    /// </summary>
    private static Tensor AddShardedSave(Tensor fileTensor, IReadOnlyList<(string Name, Variable Variable)> vars, string[] names)
    {
        const int numShards = 1;
        var suffix = tf.ConstantOf(HostTensor.FromStrings([Encoding.UTF8.GetBytes($"_temp_{Guid.NewGuid():N}/part")], []), "StringJoin/inputs_1");
        var tmpPrefix = new OpBuilder(Ops.Strings.StringOps.StringJoin, "StringJoin").InputList([fileTensor, suffix])
            .Attr("separator", "").Build().outputs[0];
        var numShardsTensor = tf.ConstantOf(HostTensor.Scalar(numShards), "num_shards");
        var shardTensor = tf.ConstantOf(HostTensor.Scalar(0), "ShardedFilename/shard");
        Tensor shardFile;
        using (tf.get_default_graph().device("/device:CPU:0"))
            shardFile = new OpBuilder(Ops.Io.ShardedFilenameOps.ShardedFilename, "ShardedFilename")
                .Input(tmpPrefix).Input(shardTensor).Input(numShardsTensor).Build().outputs[0];
        Tensor shardSaved;
        using (tf.get_default_graph().device("/device:CPU:0"))
            shardSaved = AddSave(shardFile, vars, names);
        using (tf.control_dependencies([shardSaved.op]))
        using (tf.get_default_graph().device("/device:CPU:0"))
        {
            Operation merge;
            using (var m = tf.name_scope("MergeV2Checkpoints"))
            {
                var prefixes = new OpBuilder(ArrayOps.Pack, "checkpoint_prefixes").InputList([shardSaved])
                    .Attr("axis", 0L).Build().outputs[0];
                merge = new OpBuilder(IoOps.MergeV2Checkpoints, m.Name).Input(prefixes).Input(fileTensor)
                    .Attr("delete_old_dirs", true).Build();
            }
            using (tf.control_dependencies([merge]))
                return new OpBuilder(ArrayOps.Identity, "Identity").Input(fileTensor).Build().outputs[0];
        }
    }

    private static (Tensor Names, Tensor Slices) NameAndSliceConsts(string[] names)
    {
        var tn = tf.ConstantOf(HostTensor.FromStrings(names.Select(Encoding.UTF8.GetBytes).ToArray(), [names.Length]), "tensor_names");
        var ss = tf.ConstantOf(HostTensor.FromStrings(names.Select(_ => System.Array.Empty<byte>()).ToArray(), [names.Length]), "shape_and_slices");
        return (tn, ss);
    }

    /// <summary>
    /// Saves every variable to <paramref name="save_path"/> (suffixed "-step" when
    /// <paramref name="global_step"/> is given), records it in the state file, deletes checkpoints
    /// beyond max_to_keep, and returns the prefix written.
    /// </summary>
    public string save(Session sess, string save_path, object? global_step = null, string latest_filename = "checkpoint",
        bool write_meta_graph = true, bool write_state = true)
    {
        if (sess.graph != _graph)
            throw new InvalidArgumentException("The session's graph is not the graph this Saver was built in.");
        string prefix = global_step switch
        {
            null => save_path,
            int i => $"{save_path}-{i}",
            long l => $"{save_path}-{l}",
            Variable v => $"{save_path}-{Convert.ToInt64(v.eval(sess).GetValue(), System.Globalization.CultureInfo.InvariantCulture)}",
            Tensor t => $"{save_path}-{Convert.ToInt64(sess.run(t).GetValue(), System.Globalization.CultureInfo.InvariantCulture)}",
            _ => throw new InvalidArgumentException($"global_step must be an int, a long, a Variable or a Tensor, got {global_step.GetType().Name}."),
        };
        if (string.IsNullOrEmpty(latest_filename)) latest_filename = "checkpoint";
        var saveDir = Path.GetDirectoryName(prefix) ?? "";
        if (saveDir.Length > 0 && !Directory.Exists(saveDir))
            throw new NotFoundException($"Parent directory of {prefix} doesn't exist, can't save.");
        // Refused before anything is written, so a failed save leaves no checkpoint without its .meta.
        if (write_meta_graph) HostFunctionExport.EnsureExportable(_graph, $"the meta graph '{prefix}.meta'");
        var fed = HostTensor.FromStrings([Encoding.UTF8.GetBytes(prefix)], []);
        var result = sess.Runtime.Run([(saver_def.FilenameTensorName, fed)], [saver_def.SaveTensorName], []);
        var written = Encoding.UTF8.GetString(result[0].Strings![0]);
        // The .meta is written before the state file (TF writes it after), so a state file never names a checkpoint whose .meta is still missing.
        if (write_meta_graph) MetaGraphIO.Export(_graph, written + ".meta", null, asText: false, saver_def, clearDevices: false);
        if (write_state)
        {
            RecordLastCheckpoint(written);
            var state = CheckpointStateFile.Generate(saveDir, written, last_checkpoints, SaveRelativePaths);
            CheckpointStateFile.Write(saveDir, state, latest_filename);
            DeleteOldCheckpoints();
        }
        return written;
    }

    private readonly List<(string Path, DateTime Time)> _toDelete = [];

    private void RecordLastCheckpoint(string path)
    {
        if (saver_def.MaxToKeep <= 0) return;
        _lastCheckpoints.RemoveAll(c => c.Path == path);
        _lastCheckpoints.Add((path, DateTime.UtcNow));
        if (_lastCheckpoints.Count > saver_def.MaxToKeep)
        {
            _toDelete.Add(_lastCheckpoints[0]);
            _lastCheckpoints.RemoveAt(0);
        }
    }

    private void DeleteOldCheckpoints()
    {
        foreach (var (path, time) in _toDelete)
        {
            // keep_checkpoint_every_n_hours: one checkpoint per period survives max_to_keep.
            if (time > _nextKeepTime)
            {
                _nextKeepTime = _nextKeepTime.AddHours(_keepHours);
                continue;
            }
            CheckpointStateFile.RemoveCheckpoint(path);
        }
        _toDelete.Clear();
    }

    /// <summary>
    /// Restores every variable from the checkpoint <paramref name="save_path"/>. NotFound when the
    /// prefix or a variable is missing; InvalidArgument when a shape or dtype differs.
    /// </summary>
    public void restore(Session sess, string save_path)
    {
        ArgumentNullException.ThrowIfNull(save_path);
        if (!CheckpointStateFile.CheckpointExists(save_path))
        {
            // Reuses CheckpointReader's refusal of V1 checkpoints; otherwise TF's message.
            try { CheckpointReader.Open(save_path); }
            catch (UnimplementedException) { throw; }
            catch (GraphEngineException) { }
            throw new NotFoundException($"The passed save_path is not a valid checkpoint: {save_path}");
        }
        var fed = HostTensor.FromStrings([Encoding.UTF8.GetBytes(save_path)], []);
        try
        {
            sess.Runtime.Run([(saver_def.FilenameTensorName, fed)], [], [saver_def.RestoreOpName]);
        }
        catch (NotFoundException e)
        {
            throw new NotFoundException("Restoring from checkpoint failed. This is most likely due to a Variable name or other graph key that is missing from the checkpoint. Please ensure that you have not altered the graph expected based on the checkpoint. Original error:\n\n" + e.Message, e);
        }
        catch (InvalidArgumentException e)
        {
            throw new InvalidArgumentException("Restoring from checkpoint failed. This is most likely due to a mismatch between the current graph and the graph from the checkpoint. Please ensure that you have not altered the graph expected based on the checkpoint. Original error:\n\n" + e.Message, e);
        }
    }

    /// <summary>Adopts existing checkpoints (e.g. after a restart) as this saver's kept list, oldest first.</summary>
    public void set_last_checkpoints(IEnumerable<string> paths)
    {
        _lastCheckpoints.Clear();
        _lastCheckpoints.AddRange(paths.Select(p => (p, DateTime.UtcNow)));
    }
}
