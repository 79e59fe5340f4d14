using GraphEngine.Ops.Core;
using GraphEngine.Runtime.Io;
using NumSharp;
using DType = GraphEngine.Ops.Core.DType;
using PCheckpointState = GraphEngine.Ops.Proto.CheckpointState;

namespace GraphEngine;

/// <summary>
/// TF's py_checkpoint_reader as the front end sees it: values come back as NumSharp arrays,
/// shapes as long[] (NumSharp's shape type), dtypes as DType.
/// </summary>
public sealed class CheckpointFileReader
{
    private readonly CheckpointReader _reader;

    internal CheckpointFileReader(string prefix) => _reader = CheckpointReader.Open(prefix);

    /// <summary>The runtime reader underneath (entries, header, string tensors).</summary>
    public CheckpointReader Runtime => _reader;

    public NDArray get_tensor(string tensor_str)
    {
        // The reader's tensor is not held by anyone else; the NDArray is a copy.
        return NDArrayConversion.ToNDArray(_reader.GetTensor(tensor_str));
    }

    /// <summary>A DT_STRING tensor's elements (NumSharp has no string arrays).</summary>
    public byte[][] get_tensor_strings(string tensor_str) => _reader.GetTensorStrings(tensor_str);

    public bool has_tensor(string tensor_str) => _reader.HasTensor(tensor_str);

    public Dictionary<string, long[]> get_variable_to_shape_map() =>
        _reader.GetVariableToShapeMap().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);

    public Dictionary<string, DType> get_variable_to_dtype_map() => _reader.GetVariableToDTypeMap();

    public string debug_string() => _reader.DebugString();
}

public static partial class tf
{
    public static partial class train
    {
        /// <summary>
        /// TF1's Saver. <paramref name="var_list"/>: null (all global variables), a list of
        /// variables (saved under their op names) or a dictionary of checkpoint names to variables.
        /// </summary>
        public static Saver Saver(object? var_list = null, int max_to_keep = 5, double keep_checkpoint_every_n_hours = 10000,
            bool sharded = false, string? filename = null, string name = "save", bool save_relative_paths = false) =>
            new(var_list, max_to_keep, keep_checkpoint_every_n_hours, sharded, filename, name, save_relative_paths);

        /// <summary>A reader over the checkpoint with this prefix; NotFound names the prefix.</summary>
        public static CheckpointFileReader NewCheckpointReader(string filepattern) => new(filepattern);

        /// <summary>The prefix itself, or the latest checkpoint of a directory (TF's _get_checkpoint_filename).</summary>
        private static string CheckpointFilename(string ckpt_dir_or_file)
        {
            if (!Directory.Exists(ckpt_dir_or_file)) return ckpt_dir_or_file;
            return latest_checkpoint(ckpt_dir_or_file)
                ?? throw new NotFoundException($"Couldn't find 'checkpoint' file or checkpoints in given directory {ckpt_dir_or_file}");
        }

        /// <summary>(name, shape) of every tensor in a checkpoint file or a directory's latest checkpoint, sorted by name.</summary>
        public static List<(string name, long[] shape)> list_variables(string ckpt_dir_or_file)
        {
            var reader = NewCheckpointReader(CheckpointFilename(ckpt_dir_or_file));
            return reader.get_variable_to_shape_map().OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => (kv.Key, kv.Value)).ToList();
        }

        public static NDArray load_variable(string ckpt_dir_or_file, string name)
        {
            // TF accepts "v:0" and strips the output index.
            if (name.EndsWith(":0", StringComparison.Ordinal)) name = name[..^2];
            return NewCheckpointReader(CheckpointFilename(ckpt_dir_or_file)).get_tensor(name);
        }

        /// <summary>The latest checkpoint prefix recorded in the directory's state file, or null when none (or its files are gone).</summary>
        public static string? latest_checkpoint(string checkpoint_dir, string? latest_filename = null) =>
            CheckpointStateFile.LatestCheckpoint(checkpoint_dir, latest_filename);

        /// <summary>The directory's CheckpointState with paths resolved against it, or null when there is no state file.</summary>
        public static PCheckpointState? get_checkpoint_state(string checkpoint_dir, string? latest_filename = null) =>
            CheckpointStateFile.Read(checkpoint_dir, latest_filename);

        /// <summary>Whether a V2 checkpoint with this prefix exists.</summary>
        public static bool checkpoint_exists(string checkpoint_prefix) => CheckpointStateFile.CheckpointExists(checkpoint_prefix);
    }
}
