using GraphEngine.Ops.Model.Serialization;
using GraphEngine.Ops.Model.TextFormat;
using GraphEngine.Runtime.Io.TensorBundle;
using PCheckpointState = GraphEngine.Ops.Proto.CheckpointState;

namespace GraphEngine.Runtime.Io;

/// <summary>
/// The <c>checkpoint</c> state file of a checkpoint directory (TF's checkpoint_management): a
/// CheckpointState text proto naming the latest prefix and the ones kept, oldest first. Paths
/// are resolved against the directory when relative, exactly as TF reads them.
/// </summary>
public static class CheckpointStateFile
{
    public const string DefaultFileName = "checkpoint";

    /// <summary>
    /// The state in <paramref name="checkpointDir"/>, paths made absolute-or-dir-joined as TF's
    /// get_checkpoint_state does; null when there is no state file.
    /// </summary>
    public static PCheckpointState? Read(string checkpointDir, string? latestFilename = null)
    {
        var path = Path.Combine(checkpointDir, latestFilename ?? DefaultFileName);
        if (!File.Exists(path)) return null;
        var state = ProtoFile.ReadText<PCheckpointState>(path);
        if (string.IsNullOrEmpty(state.ModelCheckpointPath))
            throw new Ops.Core.InvalidArgumentException($"Invalid checkpoint state loaded from '{path}': model_checkpoint_path is empty.");
        state.ModelCheckpointPath = Resolve(checkpointDir, state.ModelCheckpointPath);
        for (int i = 0; i < state.AllModelCheckpointPaths.Count; i++)
            state.AllModelCheckpointPaths[i] = Resolve(checkpointDir, state.AllModelCheckpointPaths[i]);
        return state;
    }

    private static string Resolve(string dir, string p) => Path.IsPathRooted(p) ? p : Path.Combine(dir, p);

    /// <summary>
    /// Builds the state TF's generate_checkpoint_state_proto builds: the latest path is appended
    /// to the list when it is not already last; with a relative <paramref name="saveDir"/> (or
    /// <paramref name="saveRelativePaths"/>) every path is written relative to the directory.
    /// </summary>
    public static PCheckpointState Generate(string saveDir, string modelCheckpointPath, IEnumerable<string>? allModelCheckpointPaths,
        bool saveRelativePaths = false)
    {
        var all = allModelCheckpointPaths?.ToList() ?? [];
        if (all.Count == 0 || all[^1] != modelCheckpointPath) all.Add(modelCheckpointPath);
        string Rel(string p) => Path.GetRelativePath(string.IsNullOrEmpty(saveDir) ? "." : saveDir, p);
        if (!Path.IsPathRooted(saveDir))
        {
            if (!Path.IsPathRooted(modelCheckpointPath)) modelCheckpointPath = Rel(modelCheckpointPath);
            for (int i = 0; i < all.Count; i++)
                if (!Path.IsPathRooted(all[i])) all[i] = Rel(all[i]);
        }
        else if (saveRelativePaths)
        {
            if (Path.IsPathRooted(modelCheckpointPath)) modelCheckpointPath = Rel(modelCheckpointPath);
            for (int i = 0; i < all.Count; i++)
                if (Path.IsPathRooted(all[i])) all[i] = Rel(all[i]);
        }
        var state = new PCheckpointState { ModelCheckpointPath = modelCheckpointPath };
        state.AllModelCheckpointPaths.AddRange(all);
        return state;
    }

    /// <summary>Writes the state file atomically (temp + rename), as TF's atomic_write_string_to_file.</summary>
    public static void Write(string saveDir, PCheckpointState state, string? latestFilename = null)
    {
        var path = Path.Combine(string.IsNullOrEmpty(saveDir) ? "." : saveDir, latestFilename ?? DefaultFileName);
        if (string.Equals(Path.GetFullPath(path), Path.GetFullPath(state.ModelCheckpointPath), StringComparison.Ordinal))
            throw new Ops.Core.InvalidArgumentException($"Save path '{state.ModelCheckpointPath}' conflicts with path used for checkpoint state. Please use a different save path.");
        ProtoFile.WriteAtomic(path, System.Text.Encoding.UTF8.GetBytes(ProtoText.Print(state)));
    }

    /// <summary>Whether a V2 checkpoint with this prefix exists (its .index file).</summary>
    public static bool CheckpointExists(string prefix) => File.Exists(BundleNaming.IndexFile(prefix));

    /// <summary>TF's latest_checkpoint: the state's latest prefix if its files exist, else null.</summary>
    public static string? LatestCheckpoint(string checkpointDir, string? latestFilename = null)
    {
        var state = Read(checkpointDir, latestFilename);
        if (state == null || string.IsNullOrEmpty(state.ModelCheckpointPath)) return null;
        return CheckpointExists(state.ModelCheckpointPath) ? state.ModelCheckpointPath : null;
    }

    /// <summary>Deletes every file of a V2 checkpoint: index, data shards and the .meta beside it.</summary>
    public static void RemoveCheckpoint(string prefix, string metaGraphSuffix = "meta")
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(prefix)) ?? ".";
        var name = Path.GetFileName(prefix);
        TryDelete(BundleNaming.IndexFile(prefix));
        TryDelete(prefix + "." + metaGraphSuffix);
        if (Directory.Exists(dir))
            foreach (var f in Directory.EnumerateFiles(dir, name + ".data-?????-of-?????")) TryDelete(f);
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { /* TF logs and goes on: an undeletable old checkpoint is not an error */ }
        catch (UnauthorizedAccessException) { }
    }
}
