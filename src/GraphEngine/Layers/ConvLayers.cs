using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;

namespace GraphEngine;

public static partial class tf
{
    public static partial class layers
    {
        /// <summary>
        /// A 2-D convolution layer (TF1 tf.layers.conv2d): variables "&lt;scope&gt;/kernel"
        /// [kh, kw, in, filters] and "&lt;scope&gt;/bias" [filters]; ops Conv2D, BiasAdd and the
        /// activation. <paramref name="kernel_size"/>, <paramref name="strides"/> and
        /// <paramref name="dilation_rate"/> take an int or two ints; padding "valid"/"same";
        /// data_format "channels_last" (NHWC) or "channels_first" (NCHW). Dilation is the Conv2D
        /// dilations attr (TF 1.x built SpaceToBatch around the op instead; the values agree).
        /// </summary>
        public static Tensor conv2d(Tensor inputs, int filters, object kernel_size, object? strides = null, string padding = "valid",
            string data_format = "channels_last", object? dilation_rate = null, Func<Tensor, Tensor>? activation = null, bool use_bias = true,
            object? kernel_initializer = null, object? bias_initializer = null, Func<Tensor, Tensor?>? kernel_regularizer = null,
            Func<Tensor, Tensor?>? bias_regularizer = null, Func<Tensor, Tensor?>? activity_regularizer = null, bool trainable = true,
            string? name = null, VariableReuse reuse = default, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            var spec = ConvSpec.Parse(filters, kernel_size, strides, padding, data_format, dilation_rate);
            var (k, st, dil, format, pad) = (spec.Kernel, spec.Strides, spec.Dilation, spec.Format, spec.Padding);
            long inChannels = spec.InputChannels(inputs);
            var dtype = LayerScope.FloatingDtype(inputs, "conv2d");
            using var scope = LayerScope.Enter("conv2d", name, reuse);
            var kernel = get_variable("kernel", new long[] { k[0], k[1], inChannels, filters }, dtype, kernel_initializer, kernel_regularizer, trainable);
            var bias = use_bias ? get_variable("bias", new long[] { filters }, dtype, bias_initializer ?? zeros_initializer(), bias_regularizer, trainable) : null;
            var outputs = nn.conv2d(inputs, kernel, st, pad, format, dil);
            if (bias != null) outputs = nn.bias_add(outputs, bias, data_format: format);
            if (activation != null) outputs = activation(outputs);
            LayerScope.ActivityLoss(activity_regularizer, outputs);
            return outputs;
        }

        /// <summary>2-D max pooling (TF1 tf.layers.max_pooling2d): a MaxPool op in the layer's scope "max_pooling2d".</summary>
        public static Tensor max_pooling2d(Tensor inputs, object pool_size, object strides, string padding = "valid",
            string data_format = "channels_last", string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            var (k, st, pad, format) = PoolArgs(inputs, pool_size, strides, padding, data_format, "max_pooling2d");
            using var scope = LayerScope.Enter("max_pooling2d", name, default);
            return nn.max_pool(inputs, k, st, pad, format);
        }

        /// <summary>2-D average pooling (TF1 tf.layers.average_pooling2d): an AvgPool op in the scope "average_pooling2d".</summary>
        public static Tensor average_pooling2d(Tensor inputs, object pool_size, object strides, string padding = "valid",
            string data_format = "channels_last", string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            var (k, st, pad, format) = PoolArgs(inputs, pool_size, strides, padding, data_format, "average_pooling2d");
            using var scope = LayerScope.Enter("average_pooling2d", name, default);
            return nn.avg_pool(inputs, k, st, pad, format);
        }

        private static (int[] K, int[] Strides, string Padding, string Format) PoolArgs(Tensor inputs, object poolSize, object strides,
            string padding, string dataFormat, string layer)
        {
            var s = inputs.shape;
            if (s.HasRank && s.Rank != 4)
                throw new InvalidArgumentException($"Input 0 of layer {layer} is incompatible with the layer: expected ndim=4, found shape {s} ({inputs.name}).");
            return (Pair(poolSize, "pool_size"), Pair(strides, "strides"), Padding(padding), DataFormat(dataFormat));
        }

        /// <summary>Keras' normalize_tuple: an int is used for both dims; two positive ints are taken as they are.</summary>
        internal static int[] Pair(object value, string what)
        {
            int[] v = value switch
            {
                int i => [i, i],
                int[] a when a.Length == 2 => a,
                (int a, int b) => [a, b],
                _ => throw new InvalidArgumentException($"The `{what}` argument must be an int or a tuple of 2 integers. Received: {value}"),
            };
            if (v[0] <= 0 || v[1] <= 0) throw new InvalidArgumentException($"The `{what}` argument must be positive. Received: [{v[0]}, {v[1]}]");
            return v;
        }

        internal static string Padding(string padding) => padding.ToLowerInvariant() switch
        {
            "valid" => "VALID",
            "same" => "SAME",
            _ => throw new InvalidArgumentException($"The `padding` argument must be one of \"valid\", \"same\". Received: {padding}"),
        };

        internal static string DataFormat(string dataFormat) => dataFormat.ToLowerInvariant() switch
        {
            "channels_last" => "NHWC",
            "channels_first" => "NCHW",
            _ => throw new InvalidArgumentException($"The `data_format` argument must be one of \"channels_first\", \"channels_last\". Received: {dataFormat}"),
        };
    }
}

/// <summary>The parsed arguments of a 2-D convolution layer (Keras' normalize_tuple and friends).</summary>
internal sealed record ConvSpec(int Filters, int[] Kernel, int[] Strides, int[] Dilation, string Format, string Padding)
{
    public static ConvSpec Parse(int filters, object kernelSize, object? strides, string padding, string dataFormat, object? dilationRate)
    {
        if (filters <= 0) throw new InvalidArgumentException($"conv2d: filters must be positive, got {filters}.");
        var k = tf.layers.Pair(kernelSize, "kernel_size");
        var st = tf.layers.Pair(strides ?? 1, "strides");
        var dil = tf.layers.Pair(dilationRate ?? 1, "dilation_rate");
        if ((st[0] > 1 || st[1] > 1) && (dil[0] > 1 || dil[1] > 1))
            throw new InvalidArgumentException($"conv2d: strides > 1 not supported in conjunction with dilation_rate > 1 (strides=[{st[0]}, {st[1]}], dilation_rate=[{dil[0]}, {dil[1]}]).");
        return new ConvSpec(filters, k, st, dil, tf.layers.DataFormat(dataFormat), tf.layers.Padding(padding));
    }

    /// <summary>The input's channel count (dim 3 for NHWC, 1 for NCHW), which must be known.</summary>
    public long InputChannels(Tensor inputs)
    {
        var s = inputs.shape;
        if (!s.HasRank || s.Rank != 4)
            throw new InvalidArgumentException($"Input 0 of layer conv2d is incompatible with the layer: expected ndim=4, found shape {s} ({inputs.name}).");
        long c = Format == "NHWC" ? s[3] : s[1];
        if (c < 0) throw new InvalidArgumentException($"The channel dimension of the inputs should be defined. Found `None` ({inputs.name}, shape {s}).");
        return c;
    }
}
