using GraphEngine.Ops.Core;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>The parts of tf.contrib that TF1 training scripts commonly use.</summary>
    public static partial class contrib
    {
        public static partial class layers
        {
            /// <summary>
            /// A regularizer computing scale · l2_loss(w) = scale · Σw²/2 (named "l2_regularizer").
            /// Scale 0 gives a regularizer that returns null (no loss); a negative scale is an error.
            /// </summary>
            public static Func<Tensor, Tensor?> l2_regularizer(double scale, string? scope = null)
            {
                if (scale < 0) throw new InvalidArgumentException($"Setting a scale less than 0 on a regularizer: {scale}");
                if (scale == 0) return static _ => null;
                return weights =>
                {
                    using var s = name_scope(scope ?? "l2_regularizer");
                    var myScale = convert_to_tensor(scale, weights.dtype.BaseType(), name: "scale");
                    return multiply(myScale, nn.l2_loss(weights), name: s.Name);
                };
            }

            /// <summary>A regularizer computing scale · Σ|w| (named "l1_regularizer"); scale 0 gives no loss.</summary>
            public static Func<Tensor, Tensor?> l1_regularizer(double scale, string? scope = null)
            {
                if (scale < 0) throw new InvalidArgumentException($"Setting a scale less than 0 on a regularizer: {scale}");
                if (scale == 0) return static _ => null;
                return weights =>
                {
                    using var s = name_scope(scope ?? "l1_regularizer");
                    var myScale = convert_to_tensor(scale, weights.dtype.BaseType(), name: "scale");
                    return multiply(myScale, reduce_sum(abs(weights)), name: s.Name);
                };
            }

            /// <summary>Both penalties, summed (tf.contrib.layers.l1_l2_regularizer).</summary>
            public static Func<Tensor, Tensor?> l1_l2_regularizer(double scale_l1 = 1.0, double scale_l2 = 1.0, string? scope = null)
            {
                if (scale_l1 < 0 || scale_l2 < 0) throw new InvalidArgumentException($"Setting a scale less than 0 on a regularizer: {Math.Min(scale_l1, scale_l2)}");
                if (scale_l1 == 0) return l2_regularizer(scale_l2, scope);
                if (scale_l2 == 0) return l1_regularizer(scale_l1, scope);
                var l1 = l1_regularizer(scale_l1);
                var l2 = l2_regularizer(scale_l2);
                return weights =>
                {
                    using var s = name_scope(scope ?? "l1_l2_regularizer");
                    return add_n([l1(weights)!, l2(weights)!], name: s.Name);
                };
            }

            /// <summary>Xavier/Glorot: uniform ±√(6 / (fan_in + fan_out)), or a truncated normal of stddev √(1.3 / fan_avg).</summary>
            public static Initializer xavier_initializer(bool uniform = true, int? seed = null, DType dtype = DType.Float) =>
                new ContribVarianceScalingInitializer(1.0, "FAN_AVG", uniform, seed, dtype);

            /// <summary>The contrib He/MSRA initializer: factor 2, FAN_IN, truncated normal of stddev √(1.3·factor/n) unless uniform.</summary>
            public static Initializer variance_scaling_initializer(double factor = 2.0, string mode = "FAN_IN", bool uniform = false, int? seed = null,
                DType dtype = DType.Float) => new ContribVarianceScalingInitializer(factor, mode, uniform, seed, dtype);
        }
    }
}
