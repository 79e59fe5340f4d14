using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Io;

/// <summary>
/// Checkpoint ops (TF: core/ops/io_ops.cc). Their kernels touch the file system, so the runtime
/// registers them (GraphEngine.Runtime.Io.SaveRestoreKernels); only definitions live here.
/// </summary>
public static class IoOps
{
    /// <summary>Writes <c>tensors</c> under <c>tensor_names</c> into the V2 bundle <c>prefix</c>.</summary>
    public static readonly OpDef SaveV2 = OpDef.Define("SaveV2")
        .Input("prefix: string")
        .Input("tensor_names: string")
        .Input("shape_and_slices: string")
        .Input("tensors: dtypes")
        .Attr("dtypes: list(type) >= 1")
        .SetIsStateful()
        .Shape(SaveV2Shape);

    /// <summary>Reads the named tensors from the V2 bundle <c>prefix</c>, one output per name.</summary>
    public static readonly OpDef RestoreV2 = OpDef.Define("RestoreV2")
        .Input("prefix: string")
        .Input("tensor_names: string")
        .Input("shape_and_slices: string")
        .Output("tensors: dtypes")
        .Attr("dtypes: list(type) >= 1")
        .SetIsStateful()
        .Shape(RestoreV2Shape);

    /// <summary>Merges the bundles of several shard prefixes into one destination prefix (sharded savers).</summary>
    public static readonly OpDef MergeV2Checkpoints = OpDef.Define("MergeV2Checkpoints")
        .Input("checkpoint_prefixes: string")
        .Input("destination_prefix: string")
        .Attr("delete_old_dirs: bool = true")
        .Attr("allow_missing_files: bool = false")
        .SetIsStateful()
        .Shape(c =>
        {
            c.WithRank(0, 1);
            c.WithRank(1, 0);
        });

    private static void SaveV2Shape(InferenceContext c)
    {
        c.WithRank(0, 0);
        // tensor_names and shape_and_slices are vectors with one element per saved tensor.
        int n = c.NumInputs - 3;
        for (int i = 1; i <= 2; i++)
        {
            var s = c.WithRank(i, 1);
            if (s[0] >= 0 && s[0] != n)
                throw new InvalidArgumentException($"Dimension 0 in both shapes must be equal, but are {s[0]} and {n}. Shapes are [{s[0]}] and [{n}].");
        }
    }

    private static void RestoreV2Shape(InferenceContext c)
    {
        c.WithRank(0, 0);
        var names = c.WithRank(1, 1);
        var slices = c.WithRank(2, 1);
        long n = c.NumOutputs;
        if ((names[0] >= 0 && names[0] != n) || (slices[0] >= 0 && slices[0] != n))
            throw new InvalidArgumentException($"Dimension 0 in both shapes must be equal, but are {(names[0] >= 0 && names[0] != n ? names[0] : slices[0])} and {n}.");
        // Whole-tensor restores ("" spec) do not say the shape; only the checkpoint knows it.
        for (int i = 0; i < c.NumOutputs; i++) c.SetOutput(i, TensorShape.Unknown);
    }

    public static void Register(OpRegistry ops) => ops.Add(SaveV2, RestoreV2, MergeV2Checkpoints);
}
