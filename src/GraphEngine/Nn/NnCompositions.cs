using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Random;

namespace GraphEngine;

public static partial class tf
{
    public static partial class nn
    {
        /// <summary>
        /// TF1 dropout: x / keep_prob · floor(keep_prob + U[0, 1)), so each element (or each slice
        /// along broadcast dims of <paramref name="noise_shape"/>) is kept with probability
        /// keep_prob and scaled up by 1 / keep_prob. Give keep_prob or rate (= 1 − keep_prob), not both.
        /// keep_prob 1 returns x itself. keep_prob may be a scalar tensor (e.g. a placeholder).
        /// </summary>
        public static Tensor dropout(Tensor x, object? keep_prob = null, object? noise_shape = null, int? seed = null, string? name = null,
            object? rate = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            if ((keep_prob == null) == (rate == null))
                throw new InvalidArgumentException("dropout: give exactly one of keep_prob and rate.");
            if (!x.dtype.IsFloating())
                throw new InvalidArgumentException($"x has to be a floating point tensor since it's going to be scaled. Got a {x.dtype.PythonName()} tensor instead ({x.name}).");
            if (keep_prob is double or float or int && Convert.ToDouble(keep_prob) is var kp && !(kp > 0 && kp <= 1))
                throw new InvalidArgumentException($"keep_prob must be a scalar tensor or a float in the range (0, 1], got {kp}");
            if (rate is double or float or int && Convert.ToDouble(rate) is var rr && !(rr >= 0 && rr < 1))
                throw new InvalidArgumentException($"rate must be a scalar tensor or a float in the range [0, 1), got {rr}");
            if (keep_prob is double or float or int && Convert.ToDouble(keep_prob) == 1.0) return x;
            if (rate is double or float or int && Convert.ToDouble(rate) == 0.0) return x;
            using var scope = name_scope(name ?? "dropout");
            var dtype = x.dtype.BaseType();
            Tensor keep;
            if (keep_prob != null) keep = convert_to_tensor(keep_prob, dtype, name: "keep_prob");
            else
            {
                var rateT = convert_to_tensor(rate!, dtype, name: "rate");
                keep = subtract(1.0, rateT, name: "sub");
            }
            if (keep.shape.HasRank && keep.shape.Rank != 0)
                throw new InvalidArgumentException($"dropout: keep_prob must be a scalar, got shape {keep.shape} ({keep.name}).");
            var noise = noise_shape switch
            {
                null => x.shape.IsFullyDefined ? ShapeTensor(x.shape, "Shape") : shape(x),
                Tensor t => t,
                _ => ShapeTensor(noise_shape, "noise_shape"),
            };
            var uniform = UniformOfShape(noise, dtype, seed);
            var randomTensor = add(keep, uniform, name: "add");
            var binary = floor(randomTensor);
            var result = multiply(divide(x, keep, name: "div"), binary, name: "mul");
            if (x.shape.HasRank) result.SetShape(x.shape);
            return result;
        }

        /// <summary>U[0, 1) of a shape given as an int tensor (TF's random_uniform with a dynamic shape).</summary>
        internal static Tensor UniformOfShape(Tensor shapeTensor, DType dtype, int? seed)
        {
            using var scope = name_scope("random_uniform");
            var min = constant(0.0, dtype, name: "min");
            var max = constant(1.0, dtype, name: "max");
            var (s1, s2) = GetSeed(seed);
            var rnd = new OpBuilder(RandomOps.RandomUniform).Input(shapeTensor).Attr("dtype", dtype).Attr("seed", s1).Attr("seed2", s2).Build().outputs[0];
            return OpBuilder.Binary(Ops.Math.MathOps.AddV2, rnd * (max - min), min, scope.Name);
        }

        /// <summary>x / √max(Σx² over axis, epsilon) (TF1 l2_normalize; axis null = all axes).</summary>
        public static Tensor l2_normalize(Tensor x, object? axis = null, double epsilon = 1e-12, string? name = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            using var scope = name_scope(name ?? "l2_normalize");
            var squareSum = reduce_sum(square(x), axis, keepdims: true);
            var invNorm = rsqrt(maximum(squareSum, epsilon));
            return multiply(x, invNorm, name: scope.Name);
        }

        /// <summary>
        /// Mean and (biased) variance over <paramref name="axes"/> (TF1 moments): the variance is
        /// the mean of squared differences from a stop_gradient'ed mean; without keep_dims the
        /// reduced axes are squeezed away.
        /// </summary>
        public static (Tensor mean, Tensor variance) moments(Tensor x, int[] axes, bool keep_dims = false, string? name = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            using var scope = name_scope(name ?? "moments");
            var y = x.dtype.BaseType() == DType.Half ? cast(x, DType.Float) : x;
            var mean = reduce_mean(y, axes, keepdims: true, name: "mean");
            var variance = reduce_mean(squared_difference(y, stop_gradient(mean)), axes, keepdims: true, name: "variance");
            if (!keep_dims)
            {
                var norm = NormalizeAxes(axes, x.shape.Rank, "moments");
                mean = squeeze(mean, norm);
                variance = squeeze(variance, norm);
            }
            if (y != x)
            {
                mean = cast(mean, DType.Half);
                variance = cast(variance, DType.Half);
            }
            return (mean, variance);
        }

        /// <summary>(x − mean) · scale / √(variance + ε) + offset, as TF1 composes it: x·inv + (offset − mean·inv).</summary>
        public static Tensor batch_normalization(Tensor x, Tensor mean, Tensor variance, Tensor? offset, Tensor? scale, double variance_epsilon,
            string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            using var scope = name_scope(name ?? "batchnorm");
            var inv = rsqrt(variance + variance_epsilon);
            if (scale != null) inv = inv * scale;
            var shift = offset != null ? offset - mean * inv : -mean * inv;
            return add(x * cast(inv, x.dtype), cast(shift, x.dtype), name: scope.Name);
        }

        private static int[] NormalizeAxes(int[] axes, int rank, string who)
        {
            if (rank < 0) return axes.Any(a => a < 0)
                ? throw new UnimplementedException($"{who}: negative axes need a known rank.")
                : axes;
            return axes.Select(a => a < -rank || a >= rank
                ? throw new InvalidArgumentException($"{who}: axis {a} is out of range for rank {rank}.")
                : (a + rank) % rank).ToArray();
        }
    }
}
