namespace GraphEngine.Runtime.Io.TensorBundle;

/// <summary>File names of a TensorBundle V2 checkpoint with prefix P (TF's naming.cc).</summary>
public static class BundleNaming
{
    public static string IndexFile(string prefix) => prefix + ".index";

    /// <summary><c>P.data-00000-of-00001</c>: shard numbers are zero-padded to 5 digits.</summary>
    public static string DataFile(string prefix, int shard, int numShards) =>
        FormattableString.Invariant($"{prefix}.data-{shard:D5}-of-{numShards:D5}");
}
