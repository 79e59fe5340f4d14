using System.Text;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model.Serialization;
using GraphEngine.Runtime;
using GraphEngine.Runtime.Io;
using PAssetFileDef = GraphEngine.Ops.Proto.AssetFileDef;
using PMetaGraphDef = GraphEngine.Ops.Proto.MetaGraphDef;
using PSavedModel = GraphEngine.Ops.Proto.SavedModel;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>TF1's tf.saved_model: loading SavedModel directories and their standard names.</summary>
    public static partial class saved_model
    {
        public static class tag_constants
        {
            public const string SERVING = "serve";
            public const string TRAINING = "train";
            public const string GPU = "gpu";
            public const string TPU = "tpu";
        }

        public static class signature_constants
        {
            public const string DEFAULT_SERVING_SIGNATURE_DEF_KEY = "serving_default";
            public const string PREDICT_METHOD_NAME = "tensorflow/serving/predict";
            public const string CLASSIFY_METHOD_NAME = "tensorflow/serving/classify";
            public const string REGRESS_METHOD_NAME = "tensorflow/serving/regress";
            public const string PREDICT_INPUTS = "inputs";
            public const string PREDICT_OUTPUTS = "outputs";
        }

        public static class loader
        {
            /// <summary>
            /// Loads the meta graph tagged exactly <paramref name="tags"/> from a SavedModel directory into
            /// the session's graph, restores its variables from <c>variables/variables</c>, runs its main
            /// op (or legacy init op) with the asset paths fed, and returns the MetaGraphDef (signatures included).
            /// </summary>
            public static PMetaGraphDef load(Session sess, IEnumerable<string> tags, string export_dir, string? import_scope = null) =>
                SavedModelLoader.Load(sess, tags.ToList(), export_dir, import_scope);

            /// <summary>Whether the directory holds a saved_model.pb or saved_model.pbtxt.</summary>
            public static bool maybe_saved_model_directory(string export_dir) =>
                File.Exists(Path.Combine(export_dir, SavedModelLoader.BinaryName)) || File.Exists(Path.Combine(export_dir, SavedModelLoader.TextName));
        }
    }
}

/// <summary>SavedModel loading (TF's loader_impl), for TF1 graph SavedModels.</summary>
internal static class SavedModelLoader
{
    internal const string BinaryName = "saved_model.pb";
    internal const string TextName = "saved_model.pbtxt";
    private const string MainOpKey = "saved_model_main_op";
    private const string LegacyInitOpKey = "legacy_init_op";
    private const string AssetsKey = "saved_model_assets";

    public static PSavedModel Read(string exportDir)
    {
        var pb = Path.Combine(exportDir, BinaryName);
        if (File.Exists(pb)) return ProtoFile.ReadBinary<PSavedModel>(pb);
        var pbtxt = Path.Combine(exportDir, TextName);
        if (File.Exists(pbtxt)) return ProtoFile.ReadText<PSavedModel>(pbtxt);
        throw new NotFoundException($"SavedModel file does not exist at: {exportDir}{Path.DirectorySeparatorChar}{{{TextName}|{BinaryName}}}");
    }

    public static PMetaGraphDef Load(Session sess, List<string> tags, string exportDir, string? importScope)
    {
        var model = Read(exportDir);
        var wanted = tags.ToHashSet(StringComparer.Ordinal);
        var meta = model.MetaGraphs.FirstOrDefault(m => (m.MetaInfoDef?.Tags ?? []).ToHashSet(StringComparer.Ordinal).SetEquals(wanted));
        if (meta == null)
        {
            var available = string.Join(", ", model.MetaGraphs.Select(m => "{" + string.Join(", ", (m.MetaInfoDef?.Tags ?? []).Select(t => $"'{t}'")) + "}"));
            throw new NotFoundException(
                $"MetaGraphDef associated with tags {{{string.Join(", ", tags.Select(t => $"'{t}'"))}}} could not be found in SavedModel '{exportDir}'. Available tag sets: [{available}]");
        }
        if (meta.MetaInfoDef?.StrippedOpList?.Op.Any(o => o.Name == "StatefulPartitionedCall") == true
            && !meta.CollectionDef.ContainsKey(tf.GraphKeys.GLOBAL_VARIABLES))
            throw new UnimplementedException($"SavedModel '{exportDir}' is a TF2 object-based model (functions and resource variables); only TF1 graph SavedModels can be loaded.");

        MetaGraphImport imported;
        using (sess.graph.as_default())
            imported = tf.train.import_meta_graph(meta, import_scope: importScope);

        var variablesPrefix = Path.Combine(exportDir, "variables", "variables");
        var restoreVars = imported.variables.Where(v => sess.graph.get_collection(tf.GraphKeys.GLOBAL_VARIABLES).Contains(v)).ToList();
        if (restoreVars.Count > 0 || File.Exists(variablesPrefix + ".index"))
            Restore(sess, imported, restoreVars, variablesPrefix);

        var assetFeeds = AssetFeeds(meta, imported, exportDir);
        var mainOp = MainOp(meta, imported);
        if (mainOp != null) sess.Runtime.Run(assetFeeds, [], [mainOp]);
        return meta;
    }

    /// <summary>
    /// Through the graph's own restore op when the runtime has RestoreV2 (what TF does); otherwise by
    /// reading each variable from the checkpoint and running its initializer with that value fed.
    /// </summary>
    private static void Restore(Session sess, MetaGraphImport imported, List<Variable> variables, string prefix)
    {
        var saver = imported.saver_def;
        if (saver != null && saver.RestoreOpName.Length > 0 && RuntimeLibrary.Default.Ops.TryGet("RestoreV2", out _))
        {
            sess.Runtime.Run([(saver.FilenameTensorName, StringScalar(prefix))], [], [saver.RestoreOpName]);
            return;
        }
        var reader = CheckpointReader.Open(prefix);
        foreach (var v in variables)
        {
            var key = v.op.name[imported.import_scope.Length..];
            if (!reader.HasTensor(key))
                throw new NotFoundException($"Key {key} not found in checkpoint '{prefix}' (restoring variable '{v.op.name}').");
            var value = reader.GetTensor(key);
            sess.Runtime.Run([(v.initial_value.name, value)], [], [v.initializer.name]);
        }
    }

    private static HostTensor StringScalar(string s)
    {
        var t = HostTensor.Allocate(DType.String, []);
        t.Strings![0] = Encoding.UTF8.GetBytes(s);
        return t;
    }

    /// <summary>The op run after restoring: saved_model_main_op, else legacy_init_op (TF ≤ 1.x name).</summary>
    private static string? MainOp(PMetaGraphDef meta, MetaGraphImport imported)
    {
        foreach (var key in new[] { MainOpKey, LegacyInitOpKey })
            if (meta.CollectionDef.TryGetValue(key, out var col) && col.NodeList?.Value.Count > 0)
                return imported.import_scope + col.NodeList.Value[0];
        return null;
    }

    /// <summary>Asset tensors (asset_file_def, or the older saved_model_assets Any list) fed with the files' full paths, as TF does.</summary>
    private static List<(string, HostTensor)> AssetFeeds(PMetaGraphDef meta, MetaGraphImport imported, string exportDir)
    {
        var assets = meta.AssetFileDef.ToList();
        if (meta.CollectionDef.TryGetValue(AssetsKey, out var col) && col.AnyList != null)
            foreach (var any in col.AnyList.Value)
                if (any.TypeUrl.EndsWith("AssetFileDef", StringComparison.Ordinal))
                    assets.Add(ProtoFile.ParseBinary<PAssetFileDef>(any.Value.ToByteArray(), $"{exportDir}: {AssetsKey}"));
        var feeds = new List<(string, HostTensor)>();
        foreach (var a in assets)
        {
            var name = a.TensorInfo?.Name;
            if (string.IsNullOrEmpty(name) || feeds.Any(f => f.Item1 == imported.import_scope + name)) continue;
            feeds.Add((imported.import_scope + name, StringScalar(Path.Combine(exportDir, "assets", a.Filename))));
        }
        return feeds;
    }
}
