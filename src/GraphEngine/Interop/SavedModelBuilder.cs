using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model.Serialization;
using PMetaGraphDef = GraphEngine.Ops.Proto.MetaGraphDef;
using PSavedModel = GraphEngine.Ops.Proto.SavedModel;
using PSignatureDef = GraphEngine.Ops.Proto.SignatureDef;
using PTensorInfo = GraphEngine.Ops.Proto.TensorInfo;

namespace GraphEngine;

/// <summary>
/// TF1's SavedModelBuilder: one set of variables (saved with the first meta graph under
/// <c>variables/variables</c>) shared by several tagged meta graphs, written as
/// <c>saved_model.pb</c> (or <c>.pbtxt</c>) by <see cref="save"/>.
/// </summary>
public sealed class SavedModelBuilder
{
    private const string MainOpKey = "saved_model_main_op";
    private readonly string _exportDir;
    private readonly PSavedModel _model = new() { SavedModelSchemaVersion = 1 };
    private bool _variablesSaved;

    public SavedModelBuilder(string export_dir)
    {
        if (Directory.Exists(export_dir) && Directory.EnumerateFileSystemEntries(export_dir).Any())
            throw new AlreadyExistsException(
                $"Export directory already exists, and isn't empty: '{export_dir}'. Please choose a different export directory, or delete all the contents of the specified directory.");
        _exportDir = export_dir;
    }

    /// <summary>
    /// Saves the session's variables and adds the first meta graph, tagged <paramref name="tags"/>,
    /// with its signatures and an optional main op (run by the loader after restoring).
    /// </summary>
    public void add_meta_graph_and_variables(Session sess, IEnumerable<string> tags,
        IReadOnlyDictionary<string, PSignatureDef>? signature_def_map = null, Operation? main_op = null,
        bool clear_devices = false, Saver? saver = null)
    {
        if (_variablesSaved)
            throw new FailedPreconditionException(
                "Graph state including variables and assets has already been saved. Please invoke add_meta_graph() instead.");
        var graph = sess.graph;
        // The saver and the collections are the session's graph's, whichever graph is the default.
        using var _ = graph.as_default();
        AddMainOp(graph, main_op);
        saver ??= tf.global_variables().Count > 0 ? tf.train.Saver(save_relative_paths: true) : null;
        if (saver != null)
        {
            var variablesDir = Path.Combine(_exportDir, "variables");
            Directory.CreateDirectory(variablesDir);
            saver.save(sess, Path.Combine(variablesDir, "variables"), write_meta_graph: false, write_state: false);
        }
        _variablesSaved = true;
        AddMetaGraph(graph, tags, signature_def_map, clear_devices, saver);
    }

    /// <summary>Adds another meta graph over the variables saved by <see cref="add_meta_graph_and_variables"/>.</summary>
    public void add_meta_graph(IEnumerable<string> tags, IReadOnlyDictionary<string, PSignatureDef>? signature_def_map = null,
        Operation? main_op = null, bool clear_devices = false, Saver? saver = null)
    {
        if (!_variablesSaved)
            throw new FailedPreconditionException(
                "Graph state including variables and assets has not been saved yet. Please invoke add_meta_graph_and_variables() first.");
        var graph = tf.get_default_graph();
        AddMainOp(graph, main_op);
        saver ??= tf.global_variables().Count > 0 ? tf.train.Saver(save_relative_paths: true) : null;
        AddMetaGraph(graph, tags, signature_def_map, clear_devices, saver);
    }

    /// <summary>Writes saved_model.pb (or saved_model.pbtxt) atomically and returns its path.</summary>
    public string save(bool as_text = false)
    {
        if (_model.MetaGraphs.Count == 0)
            throw new FailedPreconditionException($"SavedModel '{_exportDir}' has no meta graph: call add_meta_graph_and_variables() first.");
        Directory.CreateDirectory(_exportDir);
        var path = Path.Combine(_exportDir, as_text ? SavedModelLoader.TextName : SavedModelLoader.BinaryName);
        if (as_text) ProtoFile.WriteText(_model, path);
        else ProtoFile.WriteBinary(_model, path);
        return path;
    }

    private void AddMetaGraph(Graph graph, IEnumerable<string> tags, IReadOnlyDictionary<string, PSignatureDef>? signatures,
        bool clearDevices, Saver? saver)
    {
        var tagList = tags.ToList();
        if (tagList.Count == 0) throw new InvalidArgumentException("A meta graph of a SavedModel needs at least one tag.");
        var wanted = tagList.ToHashSet(StringComparer.Ordinal);
        if (_model.MetaGraphs.Any(m => m.MetaInfoDef.Tags.ToHashSet(StringComparer.Ordinal).SetEquals(wanted)))
            throw new AlreadyExistsException($"SavedModel '{_exportDir}' already has a meta graph tagged {{{string.Join(", ", tagList)}}}.");
        foreach (var (key, sig) in signatures ?? new Dictionary<string, PSignatureDef>())
            ValidateSignature(graph, key, sig);

        PMetaGraphDef meta = tf.train.export_meta_graph(graph: graph, saver_def: saver?.saver_def, clear_devices: clearDevices);
        meta.MetaInfoDef.Tags.AddRange(tagList);
        foreach (var (key, sig) in signatures ?? new Dictionary<string, PSignatureDef>())
            meta.SignatureDef[key] = sig.Clone();
        _model.MetaGraphs.Add(meta);
    }

    private static void AddMainOp(Graph graph, Operation? mainOp)
    {
        if (mainOp == null) return;
        if (graph.get_collection(MainOpKey).Count > 0)
            throw new FailedPreconditionException($"The graph already has a '{MainOpKey}' collection; a SavedModel has one main op.");
        graph.add_to_collection(MainOpKey, mainOp);
    }

    // TF checks signatures when building them; a name that is not in the graph would only fail at load time.
    private static void ValidateSignature(Graph graph, string key, PSignatureDef sig)
    {
        foreach (var (role, map) in new[] { ("input", sig.Inputs), ("output", sig.Outputs) })
            foreach (var (name, info) in map)
            {
                try { graph.as_graph_element(info.Name); }
                catch (GraphEngineException e)
                {
                    throw new InvalidArgumentException(
                        $"Signature '{key}': {role} '{name}' names tensor '{info.Name}', which is not in the graph ({e.Message})");
                }
            }
    }
}

public static partial class tf
{
    public static partial class saved_model
    {
        public static class builder
        {
            public static SavedModelBuilder SavedModelBuilder(string export_dir) => new(export_dir);
        }

        public static class utils
        {
            /// <summary>TensorInfo of a dense tensor: its name, dtype and static shape.</summary>
            public static PTensorInfo build_tensor_info(Tensor tensor) => new()
            {
                Name = tensor.name,
                Dtype = ShapeTypeConverter.ToProto(tensor.dtype),
                TensorShape = ShapeTypeConverter.ToProto(tensor.shape),
            };
        }

        public static class signature_def_utils
        {
            public static PSignatureDef build_signature_def(IReadOnlyDictionary<string, PTensorInfo>? inputs = null,
                IReadOnlyDictionary<string, PTensorInfo>? outputs = null, string? method_name = null)
            {
                var sig = new PSignatureDef { MethodName = method_name ?? "" };
                foreach (var (k, v) in inputs ?? new Dictionary<string, PTensorInfo>()) sig.Inputs[k] = v;
                foreach (var (k, v) in outputs ?? new Dictionary<string, PTensorInfo>()) sig.Outputs[k] = v;
                return sig;
            }

            /// <summary>A Predict signature (method tensorflow/serving/predict) over named tensors.</summary>
            public static PSignatureDef predict_signature_def(IReadOnlyDictionary<string, Tensor> inputs, IReadOnlyDictionary<string, Tensor> outputs)
            {
                if (inputs.Count == 0) throw new InvalidArgumentException("Prediction inputs cannot be None or empty.");
                if (outputs.Count == 0) throw new InvalidArgumentException("Prediction outputs cannot be None or empty.");
                return build_signature_def(
                    inputs.ToDictionary(kv => kv.Key, kv => utils.build_tensor_info(kv.Value)),
                    outputs.ToDictionary(kv => kv.Key, kv => utils.build_tensor_info(kv.Value)),
                    signature_constants.PREDICT_METHOD_NAME);
            }
        }

        /// <summary>
        /// TF1's simple_save: a SavedModel tagged "serve" with one Predict signature under
        /// "serving_default", devices cleared, and <paramref name="legacy_init_op"/> as its main op.
        /// </summary>
        public static string simple_save(Session session, string export_dir, IReadOnlyDictionary<string, Tensor> inputs,
            IReadOnlyDictionary<string, Tensor> outputs, Operation? legacy_init_op = null)
        {
            var signatures = new Dictionary<string, PSignatureDef>
            {
                [signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY] = signature_def_utils.predict_signature_def(inputs, outputs),
            };
            var b = new SavedModelBuilder(export_dir);
            b.add_meta_graph_and_variables(session, [tag_constants.SERVING], signatures, main_op: legacy_init_op, clear_devices: true);
            return b.save();
        }
    }
}
