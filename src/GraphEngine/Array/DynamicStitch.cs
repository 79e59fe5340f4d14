using System.Runtime.CompilerServices;
using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>Interleaves the rows of <paramref name="data"/>[m] into merged[indices[m][i]] (later inputs win) (DynamicStitch).</summary>
    public static Tensor dynamic_stitch(IEnumerable<object> indices, IEnumerable<Tensor> data, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        using var scope = name_scope(name ?? "DynamicStitch");
        var idx = indices.Select(i => i as Tensor ?? convert_to_tensor(i, DType.Int32, name: "indices")).ToList();
        var values = data.ToList();
        if (idx.Count != values.Count || idx.Count == 0)
            throw new InvalidArgumentException($"dynamic_stitch needs as many indices as data tensors (at least one), got {idx.Count} and {values.Count}.");
        return new OpBuilder(ArrayOps.DynamicStitch, scope.Name).InputList(idx).InputList(values).Build().outputs[0];
    }
}

/// <summary>TF _DynamicStitchGrads: each data input gets the gradient rows at its indices (no gradient for indices).</summary>
internal static class DynamicStitchGradients
{
    public static void Register(GradientRegistry g)
    {
        g.Add(ArrayOps.DynamicStitch, Gradient);
        g.Add(ArrayOps.ParallelDynamicStitch, Gradient);
    }

    private static Tensor?[] Gradient(Operation op, Tensor?[] grads)
    {
        int n = op.inputs.Length / 2;
        var result = new Tensor?[2 * n];
        for (int i = 0; i < n; i++)
            result[n + i] = new OpBuilder(ArrayOps.GatherV2).Input(grads[0]!).Input(op.inputs[i]).Input(tf.constant(0)).Build().outputs[0];
        return result;
    }
}
