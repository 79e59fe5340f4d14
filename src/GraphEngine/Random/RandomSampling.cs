using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Random;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>Shuffles <paramref name="value"/> along its first dimension (RandomShuffle, TF1 seed rules).</summary>
    public static Tensor random_shuffle(object value, int? seed = null, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        var x = value as Tensor ?? convert_to_tensor(value, name: "value");
        var (s1, s2) = GetSeed(seed);
        return new OpBuilder(RandomOps.RandomShuffle, name ?? "RandomShuffle").Input(x).Attr("seed", s1).Attr("seed2", s2).Build().outputs[0];
    }

    /// <summary>
    /// Draws <paramref name="num_samples"/> class indices per row of unnormalised log-probabilities
    /// <paramref name="logits"/> [batch, classes] (Multinomial; output [batch, num_samples] of output_dtype, int64 by default).
    /// </summary>
    public static Tensor multinomial(object logits, object num_samples, int? seed = null, string? name = null, DType output_dtype = DType.Int64,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        if (output_dtype is not (DType.Int32 or DType.Int64))
            throw new InvalidArgumentException($"multinomial: output_dtype must be int32 or int64, got {output_dtype.PythonName()}.");
        using var scope = name_scope(name ?? "multinomial");
        var l = logits as Tensor ?? convert_to_tensor(logits, name: "logits");
        var n = num_samples as Tensor ?? convert_to_tensor(num_samples, DType.Int32, name: "num_samples");
        var (s1, s2) = GetSeed(seed);
        return new OpBuilder(RandomOps.Multinomial).Input(l).Input(n).Attr("seed", s1).Attr("seed2", s2)
            .Attr("output_dtype", output_dtype).Build().outputs[0];
    }
}

/// <summary>Random sampling ops are not differentiable (TF's NotDifferentiable in random_ops.py / random_grad).</summary>
internal static class RandomSamplingGradients
{
    public static void Register(GradientRegistry g) => g.NoGradient(RandomOps.RandomUniformInt, RandomOps.RandomShuffle, RandomOps.Multinomial);
}
