using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;

namespace GraphEngine;

public static partial class tf
{
    public static partial class layers
    {
        /// <summary>
        /// A TF1 layer object (tf.layers.Layer): its variables are created on the first
        /// <see cref="apply"/> and every later call reuses them, in the variable scope captured
        /// then (ops of later calls go to the same name scope: "dense/MatMul_1").
        /// </summary>
        public abstract class Layer
        {
            private readonly string _baseName;
            private readonly string? _name;
            private readonly VariableReuse _reuse;
            private VariableScope? _scope;
            private readonly List<Variable> _variables = [];

            protected Layer(string baseName, string? name, VariableReuse reuse, bool trainable)
            {
                _baseName = baseName;
                _name = name;
                _reuse = reuse;
                this.trainable = trainable;
            }

            /// <summary>The layer's variable scope name once built, else the name it was given (or its base name).</summary>
            public string name => _scope?.name ?? _name ?? _baseName;

            public bool trainable { get; }
            public bool built { get; private set; }

            /// <summary>All variables of the layer, in creation order.</summary>
            public IReadOnlyList<Variable> variables => _variables;
            public IReadOnlyList<Variable> weights => _variables;
            public IReadOnlyList<Variable> trainable_variables => _variables.Where(v => v.trainable).ToList();
            public IReadOnlyList<Variable> non_trainable_variables => _variables.Where(v => !v.trainable).ToList();

            /// <summary>Applies the layer (TF's layer(inputs, training) / layer.apply(inputs)); layers without a training mode ignore it.</summary>
            public Tensor apply(Tensor inputs, TrainingFlag training = default, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
            {
                using var _ = CallSite.Enter(file, line);
                using var scope = _scope == null
                    ? LayerScope.Enter(_baseName, _name, _reuse)
                    : variable_scope(_scope, reuse: _reuse, auxiliary_name_scope: false);
                _scope ??= scope;
                if (!built)
                {
                    Build(inputs);
                    built = true;
                }
                return Call(inputs, training);
            }

            /// <summary>Creates the variables for inputs like <paramref name="inputs"/> (inside the layer's scope); none by default.</summary>
            protected virtual void Build(Tensor inputs) { }

            /// <summary>The computation (inside the layer's name scope).</summary>
            protected abstract Tensor Call(Tensor inputs, TrainingFlag training);

            protected Variable Track(Variable v)
            {
                _variables.Add(v);
                return v;
            }
        }

        /// <summary>tf.layers.Dense as an object: kernel and bias built on first use, shared by every call.</summary>
        public sealed class Dense(int units, Func<Tensor, Tensor>? activation = null, bool use_bias = true, object? kernel_initializer = null,
            object? bias_initializer = null, Func<Tensor, Tensor?>? kernel_regularizer = null, Func<Tensor, Tensor?>? bias_regularizer = null,
            Func<Tensor, Tensor?>? activity_regularizer = null, bool trainable = true, string? name = null, VariableReuse reuse = default)
            : Layer("dense", name, reuse, trainable)
        {
            public int units { get; } = units > 0 ? units : throw new InvalidArgumentException($"Dense: units must be positive, got {units}.");
            public Variable? kernel { get; private set; }
            public Variable? bias { get; private set; }

            protected override void Build(Tensor inputs)
            {
                var s = inputs.shape;
                if (!s.HasRank || s.Rank < 2)
                    throw new InvalidArgumentException($"Input 0 of layer {name} is incompatible with the layer: expected min_ndim=2, found shape {s} ({inputs.name}).");
                long inDim = s[s.Rank - 1];
                if (inDim < 0) throw new InvalidArgumentException($"The last dimension of the inputs to `Dense` should be defined. Found `None` ({inputs.name}, shape {s}).");
                var dtype = LayerScope.FloatingDtype(inputs, name);
                var (k, b) = DenseVariables(inDim, units, dtype, use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer, trainable);
                kernel = Track(k);
                bias = b == null ? null : Track(b);
            }

            protected override Tensor Call(Tensor inputs, TrainingFlag training)
            {
                var s = inputs.shape;
                if (!s.HasRank || s.Rank < 2 || s[s.Rank - 1] != kernel!.shape[0])
                    throw new InvalidArgumentException(
                        $"Input 0 of layer {name} is incompatible with the layer: expected axis -1 of input shape to have value {kernel!.shape[0]}, found shape {s} ({inputs.name}).");
                return DenseCall(inputs, kernel, bias, activation, activity_regularizer);
            }
        }

        /// <summary>tf.layers.Conv2D as an object (see <see cref="conv2d"/> for the arguments).</summary>
        public sealed class Conv2D(int filters, object kernel_size, object? strides = null, string padding = "valid", string data_format = "channels_last",
            object? dilation_rate = null, Func<Tensor, Tensor>? activation = null, bool use_bias = true, object? kernel_initializer = null,
            object? bias_initializer = null, Func<Tensor, Tensor?>? kernel_regularizer = null, Func<Tensor, Tensor?>? bias_regularizer = null,
            bool trainable = true, string? name = null, VariableReuse reuse = default)
            : Layer("conv2d", name, reuse, trainable)
        {
            private readonly ConvSpec _spec = ConvSpec.Parse(filters, kernel_size, strides, padding, data_format, dilation_rate);

            public Variable? kernel { get; private set; }
            public Variable? bias { get; private set; }

            protected override void Build(Tensor inputs)
            {
                long inChannels = _spec.InputChannels(inputs);
                var dtype = LayerScope.FloatingDtype(inputs, name);
                kernel = Track(get_variable("kernel", new long[] { _spec.Kernel[0], _spec.Kernel[1], inChannels, filters }, dtype, kernel_initializer,
                    kernel_regularizer, trainable));
                if (use_bias)
                    bias = Track(get_variable("bias", new long[] { filters }, dtype, bias_initializer ?? zeros_initializer(), bias_regularizer, trainable));
            }

            protected override Tensor Call(Tensor inputs, TrainingFlag training)
            {
                if (_spec.InputChannels(inputs) != kernel!.shape[2])
                    throw new InvalidArgumentException($"Input 0 of layer {name} is incompatible with the layer: expected {kernel.shape[2]} input channels, found shape {inputs.shape} ({inputs.name}).");
                var outputs = nn.conv2d(inputs, kernel, _spec.Strides, _spec.Padding, _spec.Format, _spec.Dilation);
                if (bias != null) outputs = nn.bias_add(outputs, bias, data_format: _spec.Format);
                return activation != null ? activation(outputs) : outputs;
            }
        }

        /// <summary>tf.layers.MaxPooling2D as an object: a MaxPool in the layer's scope on every call.</summary>
        public sealed class MaxPooling2D(object pool_size, object strides, string padding = "valid", string data_format = "channels_last", string? name = null)
            : Layer("max_pooling2d", name, default, false)
        {
            private readonly (int[] K, int[] S, string P, string F) _args = (Pair(pool_size, "pool_size"), Pair(strides, "strides"), Padding(padding), DataFormat(data_format));

            protected override Tensor Call(Tensor inputs, TrainingFlag training)
            {
                PoolArgs(inputs, pool_size, strides, padding, data_format, name);
                return nn.max_pool(inputs, _args.K, _args.S, _args.P, _args.F);
            }
        }

        /// <summary>tf.layers.AveragePooling2D as an object.</summary>
        public sealed class AveragePooling2D(object pool_size, object strides, string padding = "valid", string data_format = "channels_last", string? name = null)
            : Layer("average_pooling2d", name, default, false)
        {
            private readonly (int[] K, int[] S, string P, string F) _args = (Pair(pool_size, "pool_size"), Pair(strides, "strides"), Padding(padding), DataFormat(data_format));

            protected override Tensor Call(Tensor inputs, TrainingFlag training)
            {
                PoolArgs(inputs, pool_size, strides, padding, data_format, name);
                return nn.avg_pool(inputs, _args.K, _args.S, _args.P, _args.F);
            }
        }

        /// <summary>tf.layers.Dropout as an object: apply(x, training) drops at <paramref name="rate"/> when training.</summary>
        public sealed class Dropout(double rate = 0.5, object? noise_shape = null, int? seed = null, string? name = null)
            : Layer("dropout", name, default, false)
        {
            public double rate { get; } = rate >= 0 && rate < 1 ? rate : throw new InvalidArgumentException($"rate must be a scalar tensor or a float in the range [0, 1), got {rate}");

            protected override Tensor Call(Tensor inputs, TrainingFlag training)
            {
                if (training.Tensor is { } flag)
                    return smart_cond(flag, () => nn.dropout(inputs, 1.0 - rate, noise_shape, seed), () => identity(inputs));
                return training.IsTrue ? nn.dropout(inputs, 1.0 - rate, noise_shape, seed) : identity(inputs);
            }
        }

        /// <summary>
        /// tf.layers.BatchNormalization as an object: gamma, beta, moving_mean, moving_variance built
        /// once; every apply(x, training) adds its moving-average updates to <see cref="updates"/>
        /// and to UPDATE_OPS.
        /// </summary>
        public sealed class BatchNormalization(int axis = -1, double momentum = 0.99, double epsilon = 1e-3, bool center = true, bool scale = true,
            object? beta_initializer = null, object? gamma_initializer = null, object? moving_mean_initializer = null,
            object? moving_variance_initializer = null, Func<Tensor, Tensor?>? beta_regularizer = null, Func<Tensor, Tensor?>? gamma_regularizer = null,
            bool trainable = true, string? name = null, bool? fused = null, VariableReuse reuse = default)
            : Layer("batch_normalization", name, reuse, trainable)
        {
            private BatchNormVars? _vars;
            private readonly List<Tensor> _updates = [];

            public IReadOnlyList<Tensor> updates => _updates;
            public Variable? gamma => _vars?.Gamma;
            public Variable? beta => _vars?.Beta;
            public Variable? moving_mean => _vars?.MovingMean;
            public Variable? moving_variance => _vars?.MovingVariance;

            protected override void Build(Tensor inputs)
            {
                var spec = BatchNormSpec.Parse(inputs, axis, fused);
                _vars = BatchNormVariables(spec, center, scale, beta_initializer, gamma_initializer, moving_mean_initializer, moving_variance_initializer,
                    beta_regularizer, gamma_regularizer, trainable);
                foreach (var v in new[] { _vars.Gamma, _vars.Beta, _vars.MovingMean, _vars.MovingVariance })
                    if (v != null) Track(v);
            }

            protected override Tensor Call(Tensor inputs, TrainingFlag training)
            {
                var (output, ups) = BatchNormCall(inputs, BatchNormSpec.Parse(inputs, axis, fused), _vars!, momentum, epsilon, training);
                foreach (var u in ups)
                {
                    _updates.Add(u);
                    add_to_collection(GraphKeys.UPDATE_OPS, u);
                }
                return output;
            }
        }
    }
}
