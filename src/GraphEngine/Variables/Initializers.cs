using GraphEngine.Ops.Core;

namespace GraphEngine;

/// <summary>
/// A TF1 initializer object (tf.initializers.*): given a shape and dtype it builds the tensor a
/// variable starts from. Usable in tf.get_variable, in layers, and by calling <see cref="call"/>.
/// </summary>
public abstract class Initializer
{
    protected Initializer(DType dtype) => this.dtype = dtype.BaseType();

    /// <summary>The dtype used when a call gives none (TF1 initializers default to float32).</summary>
    public DType dtype { get; }

    /// <summary>Builds the initial value (TF's __call__).</summary>
    public Tensor call(ShapeLike shape, DType? dtype = null) => Call(shape.Value, (dtype ?? this.dtype).BaseType());

    protected internal abstract Tensor Call(TensorShape shape, DType dtype);

    protected static void RequireFloating(DType dtype, string who)
    {
        if (!dtype.IsFloating()) throw new InvalidArgumentException($"{who}: expected a floating point dtype, got {dtype.PythonName()}.");
    }
}

public sealed class ZerosInitializer(DType dtype = DType.Float) : Initializer(dtype)
{
    protected internal override Tensor Call(TensorShape shape, DType dtype) => tf.zeros(shape, dtype);
}

public sealed class OnesInitializer(DType dtype = DType.Float) : Initializer(dtype)
{
    protected internal override Tensor Call(TensorShape shape, DType dtype) => tf.ones(shape, dtype);
}

/// <summary>A constant: a scalar is broadcast to the shape, a list must have the shape's element count (TF1's Constant).</summary>
public sealed class ConstantInitializer(object value, DType dtype = DType.Float) : Initializer(dtype)
{
    public object value { get; } = value;

    protected internal override Tensor Call(TensorShape shape, DType dtype) => tf.constant(value, dtype, shape, name: "Const");
}

public sealed class RandomNormalInitializer(double mean = 0.0, double stddev = 1.0, int? seed = null, DType dtype = DType.Float) : Initializer(dtype)
{
    protected internal override Tensor Call(TensorShape shape, DType dtype)
    {
        RequireFloating(dtype, "random_normal_initializer");
        return tf.random_normal(shape, mean, stddev, dtype, seed);
    }
}

public sealed class TruncatedNormalInitializer(double mean = 0.0, double stddev = 1.0, int? seed = null, DType dtype = DType.Float) : Initializer(dtype)
{
    protected internal override Tensor Call(TensorShape shape, DType dtype)
    {
        RequireFloating(dtype, "truncated_normal_initializer");
        return tf.truncated_normal(shape, mean, stddev, dtype, seed);
    }
}

/// <summary>Uniform in [minval, maxval); maxval null means 1 (TF1 for floats).</summary>
public sealed class RandomUniformInitializer(double minval = 0.0, double? maxval = null, int? seed = null, DType dtype = DType.Float) : Initializer(dtype)
{
    protected internal override Tensor Call(TensorShape shape, DType dtype)
    {
        RequireFloating(dtype, "random_uniform_initializer");
        return tf.random_uniform(shape, minval, maxval ?? 1.0, dtype, seed);
    }
}

/// <summary>
/// TF1's VarianceScaling: scale divided by fan_in, fan_out or their mean, then a truncated normal
/// (stddev √scale / 0.87962566103423978, the stddev of a unit normal truncated at ±2), an
/// untruncated normal (√scale), or a uniform in ±√(3·scale). "normal" means truncated in TF1.
/// </summary>
public sealed class VarianceScalingInitializer : Initializer
{
    /// <summary>Standard deviation of N(0, 1) truncated to [-2, 2].</summary>
    public const double TruncatedNormalStddev = 0.87962566103423978;

    public VarianceScalingInitializer(double scale = 1.0, string mode = "fan_in", string distribution = "truncated_normal", int? seed = null,
        DType dtype = DType.Float) : base(dtype)
    {
        if (!(scale > 0)) throw new InvalidArgumentException($"`scale` must be positive float, got {scale}.");
        if (mode is not ("fan_in" or "fan_out" or "fan_avg"))
            throw new InvalidArgumentException($"Invalid `mode` argument: {mode} (expected fan_in, fan_out or fan_avg).");
        var d = distribution.ToLowerInvariant();
        if (d is not ("normal" or "uniform" or "truncated_normal" or "untruncated_normal"))
            throw new InvalidArgumentException($"Invalid `distribution` argument: {distribution} (expected normal, uniform, truncated_normal or untruncated_normal).");
        this.scale = scale;
        this.mode = mode;
        this.distribution = d;
        this.seed = seed;
    }

    public double scale { get; }
    public string mode { get; }
    public string distribution { get; }
    public int? seed { get; }

    /// <summary>TF's _compute_fans: scalars 1/1, vectors n/n, matrices rows/cols, kernels in·receptive field / out·receptive field.</summary>
    public static (double FanIn, double FanOut) ComputeFans(TensorShape shape)
    {
        var d = shape.ToArray();
        if (d.Length < 1) return (1, 1);
        if (d.Length == 1) return (d[0], d[0]);
        if (d.Length == 2) return (d[0], d[1]);
        double receptive = 1;
        for (int i = 0; i < d.Length - 2; i++) receptive *= d[i];
        return (d[^2] * receptive, d[^1] * receptive);
    }

    protected internal override Tensor Call(TensorShape shape, DType dtype)
    {
        RequireFloating(dtype, "variance_scaling_initializer");
        var (fanIn, fanOut) = ComputeFans(shape);
        double s = scale / mode switch
        {
            "fan_in" => Math.Max(1.0, fanIn),
            "fan_out" => Math.Max(1.0, fanOut),
            _ => Math.Max(1.0, (fanIn + fanOut) / 2.0),
        };
        return distribution switch
        {
            "normal" or "truncated_normal" => tf.truncated_normal(shape, 0.0, Math.Sqrt(s) / TruncatedNormalStddev, dtype, seed),
            "untruncated_normal" => tf.random_normal(shape, 0.0, Math.Sqrt(s), dtype, seed),
            _ => tf.random_uniform(shape, -Math.Sqrt(3.0 * s), Math.Sqrt(3.0 * s), dtype, seed),
        };
    }
}

/// <summary>gain · I for 2-D shapes (TF1's Identity initializer); the matrix is a Const built on the host.</summary>
public sealed class IdentityInitializer(double gain = 1.0, DType dtype = DType.Float) : Initializer(dtype)
{
    protected internal override Tensor Call(TensorShape shape, DType dtype)
    {
        if (shape.Rank != 2) throw new InvalidArgumentException($"Identity matrix initializer can only be used for 2D matrices, got shape {shape}.");
        long rows = shape[0], cols = shape[1];
        var eye = new double[rows * cols];
        for (long i = 0; i < Math.Min(rows, cols); i++) eye[i * cols + i] = gain;
        return tf.constant(eye, dtype, shape, name: "Const");
    }
}

/// <summary>
/// tf.contrib.layers.variance_scaling_initializer (the TF1 contrib formula, distinct from
/// VarianceScaling): n = fan_in, fan_out or their mean; uniform in ±√(3·factor/n), else a
/// truncated normal of stddev √(1.3·factor/n).
/// </summary>
public sealed class ContribVarianceScalingInitializer : Initializer
{
    public ContribVarianceScalingInitializer(double factor = 2.0, string mode = "FAN_IN", bool uniform = false, int? seed = null,
        DType dtype = DType.Float) : base(dtype)
    {
        if (mode is not ("FAN_IN" or "FAN_OUT" or "FAN_AVG"))
            throw new InvalidArgumentException($"Unknown mode {mode} [FAN_IN, FAN_OUT, FAN_AVG]");
        this.factor = factor;
        this.mode = mode;
        this.uniform = uniform;
        this.seed = seed;
    }

    public double factor { get; }
    public string mode { get; }
    public bool uniform { get; }
    public int? seed { get; }

    protected internal override Tensor Call(TensorShape shape, DType dtype)
    {
        RequireFloating(dtype, "variance_scaling_initializer");
        var (fanIn, fanOut) = VarianceScalingInitializer.ComputeFans(shape);
        double n = mode switch { "FAN_IN" => fanIn, "FAN_OUT" => fanOut, _ => (fanIn + fanOut) / 2.0 };
        if (uniform)
        {
            double limit = Math.Sqrt(3.0 * factor / n);
            return tf.random_uniform(shape, -limit, limit, dtype, seed);
        }
        return tf.truncated_normal(shape, 0.0, Math.Sqrt(1.3 * factor / n), dtype, seed);
    }
}

public static partial class tf
{
    public static Initializer zeros_initializer(DType dtype = DType.Float) => new ZerosInitializer(dtype);
    public static Initializer ones_initializer(DType dtype = DType.Float) => new OnesInitializer(dtype);
    public static Initializer constant_initializer(object? value = null, DType dtype = DType.Float) => new ConstantInitializer(value ?? 0, dtype);
    public static Initializer random_normal_initializer(double mean = 0.0, double stddev = 1.0, int? seed = null, DType dtype = DType.Float) =>
        new RandomNormalInitializer(mean, stddev, seed, dtype);
    public static Initializer truncated_normal_initializer(double mean = 0.0, double stddev = 1.0, int? seed = null, DType dtype = DType.Float) =>
        new TruncatedNormalInitializer(mean, stddev, seed, dtype);
    public static Initializer random_uniform_initializer(double minval = 0.0, double? maxval = null, int? seed = null, DType dtype = DType.Float) =>
        new RandomUniformInitializer(minval, maxval, seed, dtype);
    public static Initializer variance_scaling_initializer(double scale = 1.0, string mode = "fan_in", string distribution = "truncated_normal",
        int? seed = null, DType dtype = DType.Float) => new VarianceScalingInitializer(scale, mode, distribution, seed, dtype);
    /// <summary>Glorot/Xavier uniform: ±√(6 / (fan_in + fan_out)); the default of tf.get_variable.</summary>
    public static Initializer glorot_uniform_initializer(int? seed = null, DType dtype = DType.Float) =>
        new VarianceScalingInitializer(1.0, "fan_avg", "uniform", seed, dtype);
    public static Initializer glorot_normal_initializer(int? seed = null, DType dtype = DType.Float) =>
        new VarianceScalingInitializer(1.0, "fan_avg", "truncated_normal", seed, dtype);
    public static Initializer orthogonal_initializer(double gain = 1.0, int? seed = null, DType dtype = DType.Float) =>
        new OrthogonalInitializer(gain, seed, dtype);

    /// <summary>tf.initializers / tf.keras.initializers names (TF1 variants: he_* and lecun_* normal are truncated).</summary>
    public static class initializers
    {
        public static Initializer zeros(DType dtype = DType.Float) => new ZerosInitializer(dtype);
        public static Initializer ones(DType dtype = DType.Float) => new OnesInitializer(dtype);
        public static Initializer constant(object? value = null, DType dtype = DType.Float) => new ConstantInitializer(value ?? 0, dtype);
        public static Initializer random_normal(double mean = 0.0, double stddev = 1.0, int? seed = null, DType dtype = DType.Float) =>
            new RandomNormalInitializer(mean, stddev, seed, dtype);
        public static Initializer truncated_normal(double mean = 0.0, double stddev = 1.0, int? seed = null, DType dtype = DType.Float) =>
            new TruncatedNormalInitializer(mean, stddev, seed, dtype);
        public static Initializer random_uniform(double minval = 0.0, double? maxval = null, int? seed = null, DType dtype = DType.Float) =>
            new RandomUniformInitializer(minval, maxval, seed, dtype);
        public static Initializer variance_scaling(double scale = 1.0, string mode = "fan_in", string distribution = "truncated_normal",
            int? seed = null, DType dtype = DType.Float) => new VarianceScalingInitializer(scale, mode, distribution, seed, dtype);
        public static Initializer glorot_uniform(int? seed = null) => new VarianceScalingInitializer(1.0, "fan_avg", "uniform", seed);
        public static Initializer glorot_normal(int? seed = null) => new VarianceScalingInitializer(1.0, "fan_avg", "truncated_normal", seed);
        public static Initializer he_normal(int? seed = null) => new VarianceScalingInitializer(2.0, "fan_in", "truncated_normal", seed);
        public static Initializer he_uniform(int? seed = null) => new VarianceScalingInitializer(2.0, "fan_in", "uniform", seed);
        public static Initializer lecun_normal(int? seed = null) => new VarianceScalingInitializer(1.0, "fan_in", "truncated_normal", seed);
        public static Initializer lecun_uniform(int? seed = null) => new VarianceScalingInitializer(1.0, "fan_in", "uniform", seed);
        public static Initializer orthogonal(double gain = 1.0, int? seed = null, DType dtype = DType.Float) => new OrthogonalInitializer(gain, seed, dtype);
        public static Initializer identity(double gain = 1.0, DType dtype = DType.Float) => new IdentityInitializer(gain, dtype);
    }
}
