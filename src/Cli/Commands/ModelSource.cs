using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Model.Serialization;
using PMetaGraphDef = GraphEngine.Ops.Proto.MetaGraphDef;
using PSavedModel = GraphEngine.Ops.Proto.SavedModel;

namespace GraphEngine.Cli.Commands;

public enum ModelKind { GraphDef, MetaGraph, SavedModel }

/// <summary>
/// A model file as the commands accept it: a SavedModel directory (or its saved_model.pb/.pbtxt), a
/// MetaGraphDef (.meta, binary or text), or a GraphDef (binary or text, frozen or not).
/// </summary>
public sealed class ModelSource
{
    public required string Path { get; init; }
    public required ModelKind Kind { get; init; }
    public PSavedModel? SavedModel { get; init; }
    public PMetaGraphDef? Meta { get; init; }
    public GraphDef? Graph { get; init; }

    public static ModelSource Open(string path)
    {
        if (Directory.Exists(path))
        {
            if (!tf.saved_model.loader.maybe_saved_model_directory(path))
                throw new NotFoundException($"{path}: directory holds no saved_model.pb or saved_model.pbtxt (a SavedModel directory was expected)");
            return new ModelSource { Path = path, Kind = ModelKind.SavedModel, SavedModel = ReadSavedModel(path) };
        }
        if (!File.Exists(path))
            throw new NotFoundException($"{path}: no such file or directory (expected a SavedModel directory, a .meta, or a GraphDef .pb/.pbtxt)");
        var file = System.IO.Path.GetFileName(path);
        if (file is "saved_model.pb" or "saved_model.pbtxt")
        {
            var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
            return new ModelSource { Path = dir, Kind = ModelKind.SavedModel, SavedModel = ReadSavedModel(dir) };
        }
        if (path.EndsWith(".meta", StringComparison.Ordinal))
            return new ModelSource { Path = path, Kind = ModelKind.MetaGraph, Meta = ProtoFile.Read<PMetaGraphDef>(path) };
        return new ModelSource { Path = path, Kind = ModelKind.GraphDef, Graph = GraphDefIO.Read(path) };
    }

    static PSavedModel ReadSavedModel(string dir)
    {
        var pb = System.IO.Path.Combine(dir, "saved_model.pb");
        return File.Exists(pb) ? ProtoFile.ReadBinary<PSavedModel>(pb)
            : ProtoFile.ReadText<PSavedModel>(System.IO.Path.Combine(dir, "saved_model.pbtxt"));
    }

    /// <summary>"serve" or "serve,gpu" → the tag set; tags are compared as sets, as saved_model_cli does.</summary>
    public static string[] ParseTagSet(string tagSet) =>
        tagSet.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    public static string TagSetText(PMetaGraphDef m) => string.Join(",", m.MetaInfoDef?.Tags ?? []);

    /// <summary>
    /// The meta graph of a SavedModel for <paramref name="tagSet"/>; without one, the only meta graph, or
    /// the one tagged exactly "serve". The error lists the tag sets there are.
    /// </summary>
    public PMetaGraphDef SelectMetaGraph(string? tagSet)
    {
        if (Kind == ModelKind.MetaGraph) return Meta!;
        if (Kind != ModelKind.SavedModel) throw new InvalidArgumentException($"{Path}: a GraphDef has no meta graphs or tag sets");
        var metas = SavedModel!.MetaGraphs.ToList();
        if (metas.Count == 0) throw new DataLossException($"{Path}: SavedModel holds no meta graphs");
        string wanted = tagSet ?? (metas.Count == 1 ? TagSetText(metas[0]) : "serve");
        var set = ParseTagSet(wanted).ToHashSet(StringComparer.Ordinal);
        var meta = metas.FirstOrDefault(m => (m.MetaInfoDef?.Tags ?? []).ToHashSet(StringComparer.Ordinal).SetEquals(set));
        return meta ?? throw new NotFoundException(
            $"{Path}: no meta graph with tag set '{wanted}'; available tag sets: {string.Join("; ", metas.Select(TagSetText))}");
    }

    /// <summary>The graph to summarise or run: the GraphDef itself, or the meta graph's graph_def.</summary>
    public GraphDef GraphFor(PMetaGraphDef? meta) =>
        Kind == ModelKind.GraphDef ? Graph! : GraphDefConverter.ToGraphDef((meta ?? SelectMetaGraph(null)).GraphDef ?? new(), Path);
}
