using GraphEngine.Cli.Output;
using GraphEngine.Ops.Core;
using GraphEngine.Runtime.Io;
using PMetaGraphDef = GraphEngine.Ops.Proto.MetaGraphDef;

namespace GraphEngine.Cli.Commands;

/// <summary>A model loaded into a session, ready to run: variables restored, the SavedModel's main op run.</summary>
public sealed class LoadedModel(Session session, PMetaGraphDef? meta, string? restoredFrom) : IDisposable
{
    public Session Session { get; } = session;
    public Graph Graph => Session.graph;
    public PMetaGraphDef? Meta { get; } = meta;
    /// <summary>The checkpoint prefix the variables came from, or null when none was restored.</summary>
    public string? RestoredFrom { get; } = restoredFrom;

    public void Dispose() => Session.Dispose();
}

/// <summary>Loads any <see cref="ModelSource"/> through the public front end (import, Saver ops, SavedModel loader).</summary>
public static class ModelLoader
{
    /// <param name="checkpoint">A checkpoint prefix, directory or .index; for a .meta, the prefix beside it is used when present.</param>
    public static LoadedModel Load(ModelSource model, string? tagSet, string? checkpoint)
    {
        var dataPrefix = model.Kind == ModelKind.SavedModel ? Path.Combine(model.Path, "variables", "variables") : checkpoint;
        return Terminal.WithStatus($"loading {model.Path}", DataBytes(dataPrefix) > LongLoadBytes, () => LoadNow(model, tagSet, checkpoint));
    }

    /// <summary>Loads of more than this many bytes of variables get a spinner on a terminal.</summary>
    const long LongLoadBytes = 64L << 20;

    static long DataBytes(string? prefix)
    {
        if (prefix == null) return 0;
        var dir = Path.GetDirectoryName(Path.GetFullPath(prefix));
        if (dir == null || !Directory.Exists(dir)) return 0;
        return Directory.EnumerateFiles(dir, Path.GetFileName(prefix) + ".data-*").Sum(f => new FileInfo(f).Length);
    }

    static LoadedModel LoadNow(ModelSource model, string? tagSet, string? checkpoint)
    {
        var graph = new Graph();
        var sess = new Session(graph);
        try
        {
            switch (model.Kind)
            {
                case ModelKind.SavedModel:
                {
                    if (checkpoint != null)
                        throw new UsageException($"{model.Path} is a SavedModel: its variables come from its own variables/ folder; --checkpoint applies to .meta and GraphDef files");
                    var meta = model.SelectMetaGraph(tagSet);
                    var loaded = tf.saved_model.loader.load(sess, meta.MetaInfoDef?.Tags ?? [], model.Path);
                    return new LoadedModel(sess, loaded, Path.Combine(model.Path, "variables", "variables"));
                }
                case ModelKind.MetaGraph:
                {
                    MetaGraphImport imported;
                    using (graph.as_default()) imported = tf.train.import_meta_graph(model.Meta!);
                    checkpoint ??= SiblingCheckpoint(model.Path, imported.variables.Count > 0);
                    string? prefix = checkpoint == null ? null : InspectCommand.ResolvePrefix(checkpoint);
                    if (prefix != null)
                    {
                        if (imported.saver_def is { RestoreOpName.Length: > 0 } saver)
                            RunRestore(sess, saver.FilenameTensorName, saver.RestoreOpName, prefix);
                        else
                            using (graph.as_default()) tf.train.Saver().restore(sess, prefix);
                    }
                    return new LoadedModel(sess, model.Meta, prefix);
                }
                default:
                {
                    using (graph.as_default()) tf.import_graph_def(model.Graph!, name: "");
                    if (checkpoint == null) return new LoadedModel(sess, null, null);
                    var prefix = InspectCommand.ResolvePrefix(checkpoint);
                    // A plain GraphDef has no SaverDef; TF1 Savers name their ops save/Const and save/restore_all.
                    var restore = graph.get_operations().FirstOrDefault(o => o.name is "save/restore_all");
                    if (restore == null || !graph.get_operations().Any(o => o.name == "save/Const"))
                        throw new FailedPreconditionException($"{model.Path}: the GraphDef has no Saver ops (save/Const, save/restore_all) to restore '{prefix}' with; give the .meta file instead");
                    RunRestore(sess, "save/Const:0", "save/restore_all", prefix);
                    return new LoadedModel(sess, null, prefix);
                }
            }
        }
        catch
        {
            sess.Dispose();
            throw;
        }
    }

    /// <summary>TF writes prefix.meta beside prefix.index: a .meta with variables restores from there by default.</summary>
    static string? SiblingCheckpoint(string metaPath, bool hasVariables)
    {
        if (!hasVariables) return null;
        var prefix = metaPath[..^".meta".Length];
        return File.Exists(prefix + ".index") ? prefix : null;
    }

    static void RunRestore(Session sess, string filenameTensor, string restoreOp, string prefix)
    {
        if (!CheckpointStateFile.CheckpointExists(prefix))
            throw new NotFoundException($"{prefix}: not a checkpoint (no {prefix}.index)");
        var feed = new FeedDict { [filenameTensor] = prefix };
        sess.run(sess.graph.get_operation_by_name(restoreOp), feed);
    }
}
