using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Random;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>TF1's DEFAULT_GRAPH_SEED, used when only an op seed is given.</summary>
    internal const int DefaultGraphSeed = 87654321;

    /// <summary>
    /// TF1 seed rules (random_seed.get_seed): graph seed + op seed (the op count when absent); op seed
    /// alone pairs with DEFAULT_GRAPH_SEED; neither gives (0, 0) = nondeterministic; (0, 0) from
    /// explicit seeds becomes (0, int.MaxValue) so it stays deterministic.
    /// </summary>
    internal static (long Seed, long Seed2) GetSeed(int? op_seed)
    {
        var g = get_default_graph();
        long? s1, s2;
        if (g.seed is { } graphSeed)
        {
            s1 = Truncate(graphSeed);
            s2 = Truncate(op_seed ?? g.OpCount);
        }
        else if (op_seed is { } os)
        {
            s1 = DefaultGraphSeed;
            s2 = Truncate(os);
        }
        else return (0, 0);
        if (s1 == 0 && s2 == 0) return (0, int.MaxValue);
        return (s1.Value, s2.Value);
    }

    private static long Truncate(long seed) => seed % int.MaxValue;

    /// <summary>Samples from N(mean, stddev²): RandomStandardNormal · stddev + mean, named as TF1 names them.</summary>
    public static Tensor random_normal(ShapeLike shape, double mean = 0.0, double stddev = 1.0, DType dtype = DType.Float,
        int? seed = null, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return Scaled(RandomOps.RandomStandardNormal, shape, mean, stddev, dtype, seed, name ?? "random_normal");
    }

    /// <summary>Normal samples re-drawn beyond two standard deviations (TruncatedNormal · stddev + mean).</summary>
    public static Tensor truncated_normal(ShapeLike shape, double mean = 0.0, double stddev = 1.0, DType dtype = DType.Float,
        int? seed = null, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return Scaled(RandomOps.TruncatedNormal, shape, mean, stddev, dtype, seed, name ?? "truncated_normal");
    }

    private static Tensor Scaled(OpDef def, ShapeLike shape, double mean, double stddev, DType dtype, int? seed, string name)
    {
        if (!dtype.IsFloating()) throw new InvalidArgumentException($"{def.Name} needs a floating dtype, got {dtype.PythonName()}.");
        using var scope = name_scope(name);
        var shapeTensor = ShapeTensor(shape, "shape");
        var meanTensor = constant(mean, dtype, name: "mean");
        var stddevTensor = constant(stddev, dtype, name: "stddev");
        var (s1, s2) = GetSeed(seed);
        var rnd = new OpBuilder(def).Input(shapeTensor).Attr("dtype", dtype).Attr("seed", s1).Attr("seed2", s2).Build().outputs[0];
        var mul = rnd * stddevTensor;
        return OpBuilder.Binary(Ops.Math.MathOps.AddV2, mul, meanTensor, scope.Name);
    }

    /// <summary>
    /// Uniform samples in [minval, maxval): RandomUniform · (max − min) + min for floating dtypes
    /// (maxval defaults to 1), RandomUniformInt for int32/int64, where maxval is required (TF's ValueError).
    /// </summary>
    public static Tensor random_uniform(ShapeLike shape, double minval = 0.0, double? maxval = null, DType dtype = DType.Float,
        int? seed = null, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        bool isInt = dtype is DType.Int32 or DType.Int64;
        if (!dtype.IsFloating() && !isInt)
            throw new InvalidArgumentException($"random_uniform needs a floating or int32/int64 dtype, got {dtype.PythonName()}.");
        if (isInt && maxval == null) throw new InvalidArgumentException($"Must specify maxval for integer dtype {dtype.PythonName()}.");
        using var scope = name_scope(name ?? "random_uniform");
        var shapeTensor = ShapeTensor(shape, "shape");
        var min = constant(isInt ? IntegralValue(minval, dtype, "minval") : minval, dtype, name: "min");
        var max = constant(isInt ? IntegralValue(maxval!.Value, dtype, "maxval") : maxval ?? 1.0, dtype, name: "max");
        var (s1, s2) = GetSeed(seed);
        if (isInt)
            return new OpBuilder(RandomOps.RandomUniformInt, scope.Name).Input(shapeTensor).Input(min).Input(max)
                .Attr("seed", s1).Attr("seed2", s2).Build().outputs[0];
        var rnd = new OpBuilder(RandomOps.RandomUniform).Input(shapeTensor).Attr("dtype", dtype).Attr("seed", s1).Attr("seed2", s2).Build().outputs[0];
        return OpBuilder.Binary(Ops.Math.MathOps.AddV2, rnd * (max - min), min, scope.Name);
    }

    private static object IntegralValue(double v, DType dtype, string what)
    {
        if (v != System.Math.Floor(v) || double.IsInfinity(v))
            throw new InvalidArgumentException($"random_uniform: {what} = {v} is not an integer, as {dtype.PythonName()} needs.");
        bool fits = dtype == DType.Int32 ? v is >= int.MinValue and <= int.MaxValue : v is >= long.MinValue and < 9.2233720368547758e18;
        if (!fits) throw new InvalidArgumentException($"random_uniform: {what} = {v} does not fit in {dtype.PythonName()}.");
        return dtype == DType.Int32 ? (int)v : (long)v;
    }
}
