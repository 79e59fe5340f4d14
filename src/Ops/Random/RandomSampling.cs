using System.Runtime.CompilerServices;
using GraphEngine.Ops.Compute.Random;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Random;

/// <summary>Integer uniforms, shuffles and categorical samples (TF: core/ops/random_ops.cc, kernels/random_op.cc,
/// random_shuffle_op.cc, multinomial_op.cc).</summary>
public static partial class RandomOps
{
    public static readonly OpDef RandomUniformInt = OpDef.Define("RandomUniformInt")
        .Input("shape: T")
        .Input("minval: Tout")
        .Input("maxval: Tout")
        .Output("output: Tout")
        .Attr("seed: int = 0")
        .Attr("seed2: int = 0")
        .Attr("Tout: {int32, int64}")
        .Attr("T: {int32, int64}")
        .SetIsStateful()
        .Shape(c =>
        {
            c.WithRank(1, 0);
            c.WithRank(2, 0);
            c.SetOutput(0, c.InputAsShape(0));
        });

    public static readonly OpDef RandomShuffle = OpDef.Define("RandomShuffle")
        .Input("value: T")
        .Output("output: T")
        .Attr("seed: int = 0")
        .Attr("seed2: int = 0")
        .Attr("T: type")
        .SetIsStateful()
        .Shape(CommonShapes.Unchanged);

    public static readonly OpDef Multinomial = OpDef.Define("Multinomial")
        .Input("logits: T")
        .Input("num_samples: int32")
        .Output("output: output_dtype")
        .Attr("seed: int = 0")
        .Attr("seed2: int = 0")
        .Attr("T: {float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64}")
        .Attr("output_dtype: {int32, int64} = DT_INT64")
        .SetIsStateful()
        .Shape(c =>
        {
            var logits = c.WithRank(0, 2);
            c.WithRank(1, 0);
            long samples = c.InputTensor(1) is { } n ? n.ToInt64Array()[0] : TensorShape.UnknownDim;
            if (samples < TensorShape.UnknownDim) throw new InvalidArgumentException($"num_samples should be nonnegative, got {samples}");
            c.SetOutput(0, new TensorShape(logits[0], samples));
        });
}

/// <summary>
/// TF's UniformDistribution for integers: lo + bits mod (hi − lo), four int32 or two int64 values per
/// Philox output (the int64 bits are word 2i low, word 2i+1 high). Each run reserves 256 outputs per element.
/// </summary>
internal sealed class RandomUniformIntKernel(GuardedPhilox gen, DType dtype) : IOpKernel
{
    public void Compute(OpKernelContext ctx)
    {
        var shape = ctx.Input(0);
        if (shape.Rank != 1) throw new InvalidArgumentException($"shape must be a vector of {{int32,int64}}, got shape {shape.Shape}");
        var (minT, maxT) = (ctx.Input(1), ctx.Input(2));
        if (maxT.Rank != 0) throw new InvalidArgumentException($"maxval must be 0-D, got shape {maxT.Shape}");
        if (minT.Rank != 0) throw new InvalidArgumentException($"minval must be 0-D, got shape {minT.Shape}");
        var dims = shape.ToInt64Array();
        foreach (var d in dims)
            if (d < 0) throw new InvalidArgumentException($"Dimension {d} must be >= 0");
        var y = ctx.AllocateOutput(0, dims);
        if (y.NumElements == 0) return;   // TF checks minval < maxval only for non-empty outputs
        long lo = minT.ToInt64Array()[0], hi = maxT.ToInt64Array()[0];
        if (lo >= hi) throw new InvalidArgumentException($"Need minval < maxval, got {lo} >= {hi}");
        var g = gen.ReserveOutputs(y.NumElements);
        if (dtype == DType.Int32)
        {
            var s = y.AsSpan<int>();
            uint range = unchecked((uint)hi - (uint)lo);
            Span<uint> w = stackalloc uint[4];
            for (int i = 0; i < s.Length; i += 4)
            {
                g.Next(out w[0], out w[1], out w[2], out w[3]);
                for (int k = 0; k < 4 && i + k < s.Length; k++) s[i + k] = unchecked((int)lo + (int)(w[k] % range));
            }
        }
        else
        {
            var s = y.AsSpan<long>();
            ulong range = unchecked((ulong)hi - (ulong)lo);
            for (int i = 0; i < s.Length; i += 2)
            {
                g.Next(out uint a, out uint b, out uint c, out uint d);
                s[i] = unchecked(lo + (long)((a | ((ulong)b << 32)) % range));
                if (i + 1 < s.Length) s[i + 1] = unchecked(lo + (long)((c | ((ulong)d << 32)) % range));
            }
        }
    }
}

/// <summary>
/// TF's RandomShuffleOp: a Fisher–Yates pass over the first dimension, swapping i with
/// i + (word mod (n − i)) for i = 0 … n−2, the words coming one at a time from a generator with
/// ⌈(n−1)/4⌉ Philox outputs reserved. Rows move whole; n ≤ 1 passes the input through.
/// </summary>
internal sealed class RandomShuffleKernel(GuardedPhilox gen) : IOpKernel
{
    public void Compute(OpKernelContext ctx)
    {
        var x = ctx.Input(0);
        if (x.NumElements <= 1 || x.Dims[0] <= 1)
        {
            ctx.SetOutput(0, x);
            return;
        }
        long n = x.Dims[0];
        if (n > uint.MaxValue) throw new UnimplementedException($"RandomShuffle of {n} rows (more than 2^32) is not supported.");
        var perm = new long[n];
        for (long i = 0; i < n; i++) perm[i] = i;
        var words = new PhiloxWords(gen.ReserveSamples128((n - 1 + 3) / 4));
        for (long i = 0; i < n - 1; i++)
        {
            long j = i + words.Next() % (uint)(n - i);
            (perm[i], perm[j]) = (perm[j], perm[i]);
        }
        long rowElems = x.NumElements / n;
        if (x.DType == DType.String)
        {
            var src = x.Strings!;
            var dst = new byte[src.Length][];
            for (long r = 0; r < n; r++)
                System.Array.Copy(src, perm[r] * rowElems, dst, r * rowElems, rowElems);
            ctx.SetOutput(0, HostTensor.FromStrings(dst, x.Dims));
            return;
        }
        var y = ctx.AllocateOutput(0, x.Dims);
        int rowBytes = checked((int)(rowElems * x.DType.Size()));
        Span<byte> from = x.Buffer!.Bytes, to = y.Buffer!.Bytes;
        for (long r = 0; r < n; r++)
            from.Slice(checked((int)(perm[r] * rowBytes)), rowBytes).CopyTo(to.Slice(checked((int)(r * rowBytes)), rowBytes));
    }
}

/// <summary>
/// TF's CPU Multinomial: per row, a cumulative sum of exp(logit − max finite logit) over the finite
/// logits (in double), then each sample is the first class whose cdf exceeds u · total, u a double
/// from two words (SimplePhilox::RandDouble). Rows draw in order from one reservation of
/// batch · ⌈samples/4⌉·4 · 2 · 256 Philox outputs.
/// </summary>
internal sealed class MultinomialKernel<T>(GuardedPhilox gen, DType outputType) : IOpKernel where T : unmanaged
{
    public void Compute(OpKernelContext ctx)
    {
        var logits = ctx.Input(0);
        var numSamplesT = ctx.Input(1);
        if (logits.Rank != 2) throw new InvalidArgumentException($"logits should be a matrix, got shape {logits.Shape}");
        if (numSamplesT.Rank != 0) throw new InvalidArgumentException($"num_samples should be a scalar, got shape {numSamplesT.Shape}");
        int numSamples = numSamplesT.ScalarValue<int>();
        if (numSamples < 0) throw new InvalidArgumentException($"num_samples should be nonnegative, got {numSamples}");
        if (logits.Dims[0] > int.MaxValue || logits.Dims[1] > int.MaxValue)
            throw new InvalidArgumentException($"logits.shape = {logits.Shape} too large for int");
        int batch = (int)logits.Dims[0], classes = (int)logits.Dims[1];
        if (classes <= 0) throw new InvalidArgumentException($"num_classes should be positive, got {classes}");
        var y = ctx.AllocateOutput(0, [batch, numSamples]);
        if (y.NumElements == 0) return;
        long ceil4 = (numSamples + 3L) / 4 * 4 * 2;
        var words = new PhiloxWords(gen.ReserveOutputs(batch * ceil4));
        var cdf = new double[classes];
        var values = logits.AsReadOnlySpan<T>();
        for (int b = 0; b < batch; b++)
        {
            var row = values.Slice(b * classes, classes);
            double max = double.MinValue;
            foreach (var v in row)
            {
                double d = ToDouble(v);
                if (double.IsFinite(d) && d > max) max = d;
            }
            double total = 0;
            for (int j = 0; j < classes; j++)
            {
                double d = ToDouble(row[j]);
                if (double.IsFinite(d)) total += System.Math.Exp(d - max);
                cdf[j] = total;
            }
            for (int j = 0; j < numSamples; j++)
            {
                double u = Distributions.Uint64ToDouble(words.Next(), words.Next());
                long k = UpperBound(cdf, u * total);
                if (outputType == DType.Int32) y.AsSpan<int>()[b * numSamples + j] = (int)k;
                else y.AsSpan<long>()[b * numSamples + j] = k;
            }
        }
    }

    private static double ToDouble(T v) => typeof(T) == typeof(float) ? Unsafe.As<T, float>(ref v) : Unsafe.As<T, double>(ref v);

    /// <summary>std::upper_bound: the first index whose value is greater than <paramref name="x"/>.</summary>
    private static long UpperBound(double[] cdf, double x)
    {
        int lo = 0, hi = cdf.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] <= x) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}

internal static class RandomSamplingKernels
{
    private static GuardedPhilox Gen(OpKernelConstruction c) => new(c.Attr("seed").I, c.Attr("seed2").I);

    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(RandomOps.RandomUniformInt, RandomOps.RandomShuffle, RandomOps.Multinomial);
        foreach (var t in new[] { DType.Int32, DType.Int64 })
            k.Add(RandomOps.RandomUniformInt.Name, c => new RandomUniformIntKernel(Gen(c), t), ("Tout", t));
        k.Add(RandomOps.RandomShuffle, c => new RandomShuffleKernel(Gen(c)));
        foreach (var o in new[] { DType.Int32, DType.Int64 })
        {
            k.Add(RandomOps.Multinomial.Name, c => new MultinomialKernel<float>(Gen(c), o), ("T", DType.Float), ("output_dtype", o));
            k.Add(RandomOps.Multinomial.Name, c => new MultinomialKernel<double>(Gen(c), o), ("T", DType.Double), ("output_dtype", o));
        }
    }
}
