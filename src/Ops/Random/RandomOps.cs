using System.Security.Cryptography;
using GraphEngine.Ops.Compute.Random;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Random;

/// <summary>Stateful random ops (TF: core/ops/random_ops.cc, kernels/random_op.cc).</summary>
public static partial class RandomOps
{
    public static readonly OpDef RandomStandardNormal = Define("RandomStandardNormal");
    public static readonly OpDef TruncatedNormal = Define("TruncatedNormal");
    public static readonly OpDef RandomUniform = Define("RandomUniform");

    private static OpDef Define(string name) => OpDef.Define(name)
        .Input("shape: T")
        .Output("output: dtype")
        .Attr("seed: int = 0")
        .Attr("seed2: int = 0")
        .Attr("dtype: {half, bfloat16, float, double}")
        .Attr("T: {int32, int64}")
        .SetIsStateful()
        .Shape(c => c.SetOutput(0, c.InputAsShape(0)));
}

/// <summary>
/// TF's GuardedPhiloxRandom: one generator per kernel instance, seeded from (seed, seed2), or
/// from fresh random bits when both are 0. Every Compute reserves a disjoint block of the
/// stream (256 Philox outputs per element, as TF's ReserveRandomOutputs), so consecutive runs
/// differ while the whole sequence is reproducible for fixed seeds.
/// </summary>
internal sealed class GuardedPhilox
{
    private const ulong SamplesPerOutput = 256;
    private readonly Lock _lock = new();
    private Philox _gen;

    public GuardedPhilox(long seed, long seed2)
    {
        if (seed == 0 && seed2 == 0)
        {
            seed = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8));
            seed2 = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8));
        }
        _gen = new Philox((ulong)seed, (ulong)seed2);
    }

    public Philox ReserveOutputs(long count) => ReserveSamples128(count * (long)SamplesPerOutput);

    /// <summary>TF's ReserveSamples128: a generator for the next <paramref name="samples"/> Philox outputs.</summary>
    public Philox ReserveSamples128(long samples)
    {
        lock (_lock)
        {
            var local = _gen;
            _gen.Skip((ulong)samples);
            return local;
        }
    }
}

internal enum Distribution { Uniform, Normal, TruncatedNormal }

internal sealed class RandomKernel(GuardedPhilox gen, Distribution dist, DType dtype) : IOpKernel
{
    public void Compute(OpKernelContext ctx)
    {
        var shapeTensor = ctx.Input(0);
        if (shapeTensor.Rank != 1)
            throw new InvalidArgumentException($"shape must be a vector of {{int32,int64}}, got shape {shapeTensor.Shape}");
        var dims = shapeTensor.ToInt64Array();
        foreach (var d in dims)
            if (d < 0) throw new InvalidArgumentException($"Dimension {d} must be >= 0");
        var y = ctx.AllocateOutput(0, dims);
        var g = gen.ReserveOutputs(y.NumElements);
        if (dtype == DType.Float)
        {
            var s = y.AsSpan<float>();
            if (dist == Distribution.Uniform) Distributions.FillUniform(g, s);
            else if (dist == Distribution.Normal) Distributions.FillNormal(g, s);
            else Distributions.FillTruncatedNormal(g, s);
        }
        else
        {
            var s = y.AsSpan<double>();
            if (dist == Distribution.Uniform) Distributions.FillUniform(g, s);
            else if (dist == Distribution.Normal) Distributions.FillNormal(g, s);
            else Distributions.FillTruncatedNormal(g, s);
        }
    }
}

internal static class RandomKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(RandomOps.RandomStandardNormal, RandomOps.TruncatedNormal, RandomOps.RandomUniform);
        foreach (var (op, dist) in new[] { (RandomOps.RandomUniform, Distribution.Uniform),
                     (RandomOps.RandomStandardNormal, Distribution.Normal), (RandomOps.TruncatedNormal, Distribution.TruncatedNormal) })
            foreach (var t in new[] { DType.Float, DType.Double })
                k.Add(op.Name, c => new RandomKernel(new GuardedPhilox(c.Attr("seed").I, c.Attr("seed2").I), dist, t), ("dtype", t));
    }
}
