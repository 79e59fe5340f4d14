using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;

namespace GraphEngine;

/// <summary>
/// A layer's training argument: a bool known when the graph is built, or a bool scalar tensor
/// decided at run time. <c>default</c> means false (inference).
/// </summary>
public readonly struct TrainingFlag
{
    private readonly bool _value;

    private TrainingFlag(bool value, Tensor? tensor)
    {
        _value = value;
        Tensor = tensor;
    }

    /// <summary>The build-time value (false for <c>default</c>); null when the flag is a tensor.</summary>
    public bool? Value => Tensor == null ? _value : null;

    /// <summary>The run-time flag, when given as a tensor.</summary>
    public Tensor? Tensor { get; }

    public bool IsTensor => Tensor != null;

    public static implicit operator TrainingFlag(bool value) => new(value, null);

    public static implicit operator TrainingFlag(Tensor tensor)
    {
        if (tensor.dtype.BaseType() != DType.Bool)
            throw new InvalidArgumentException($"training must be a bool or a bool tensor, got {tensor.name} of dtype {tensor.dtype.PythonName()}.");
        return new(false, tensor);
    }

    /// <summary>False unless set to true (a tensor flag is not a build-time true).</summary>
    public bool IsTrue => Value == true;
}

/// <summary>How a TF1 tf.layers call scopes itself (legacy base.Layer._set_scope).</summary>
internal static class LayerScope
{
    /// <summary>
    /// A named layer opens the variable scope of exactly that name (TF1's functional layers pass
    /// _scope=name), so a second layer of the same name without reuse fails on its variables
    /// ("Variable out/kernel already exists"), as in TF1. An unnamed layer with reuse opens the
    /// base name; without reuse, a fresh scope from the base name ("dense", "dense_1", …). Ops go
    /// in the name scope this opens ("out_1/" when "out/" is taken).
    /// </summary>
    public static VariableScope Enter(string baseName, string? name, VariableReuse reuse) =>
        name != null || reuse.IsTruthy ? tf.variable_scope(name ?? baseName, reuse: reuse) : tf.variable_scope(null, default_name: baseName);

    public static DType FloatingDtype(Tensor inputs, string layer)
    {
        var dt = inputs.dtype.BaseType();
        if (!dt.IsFloating())
            throw new InvalidArgumentException($"Layer {layer} needs floating-point inputs, got {inputs.name} of dtype {dt.PythonName()}.");
        return dt;
    }

    /// <summary>Adds activity_regularizer(outputs) / batch size to REGULARIZATION_LOSSES (Keras' add_loss of the activity loss).</summary>
    public static void ActivityLoss(Func<Tensor, Tensor?>? regularizer, Tensor outputs)
    {
        if (regularizer == null) return;
        using var _ = tf.name_scope("ActivityRegularizer");
        var loss = regularizer(outputs);
        if (loss == null) return;
        var batch = tf.cast(tf.gather(tf.shape(outputs), 0), loss.dtype.BaseType());
        tf.add_to_collection(tf.GraphKeys.REGULARIZATION_LOSSES, tf.divide(loss, batch));
    }
}

public static partial class tf
{
    public static partial class layers
    {
        /// <summary>
        /// A fully connected layer (TF1 tf.layers.dense): outputs = activation(inputs · kernel + bias),
        /// with variables "&lt;scope&gt;/kernel" [in, units] (default: the scope's initializer, else
        /// glorot_uniform) and "&lt;scope&gt;/bias" [units] (zeros). Inputs of rank &gt; 2 are
        /// contracted on their last axis.
        /// </summary>
        public static Tensor dense(Tensor inputs, int units, Func<Tensor, Tensor>? activation = null, bool use_bias = true,
            object? kernel_initializer = null, object? bias_initializer = null, Func<Tensor, Tensor?>? kernel_regularizer = null,
            Func<Tensor, Tensor?>? bias_regularizer = null, Func<Tensor, Tensor?>? activity_regularizer = null, bool trainable = true,
            string? name = null, VariableReuse reuse = default, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            var s = inputs.shape;
            if (units <= 0) throw new InvalidArgumentException($"dense: units must be positive, got {units}.");
            if (!s.HasRank || s.Rank < 2)
                throw new InvalidArgumentException($"Input 0 of layer dense is incompatible with the layer: expected min_ndim=2, found shape {s} ({inputs.name}).");
            long inDim = s[s.Rank - 1];
            if (inDim < 0) throw new InvalidArgumentException($"The last dimension of the inputs to `Dense` should be defined. Found `None` ({inputs.name}, shape {s}).");
            var dtype = LayerScope.FloatingDtype(inputs, "dense");
            using var scope = LayerScope.Enter("dense", name, reuse);
            var (kernel, bias) = DenseVariables(inDim, units, dtype, use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer, trainable);
            return DenseCall(inputs, kernel, bias, activation, activity_regularizer);
        }

        internal static (Variable Kernel, Variable? Bias) DenseVariables(long inDim, int units, DType dtype, bool useBias, object? kernelInitializer,
            object? biasInitializer, Func<Tensor, Tensor?>? kernelRegularizer, Func<Tensor, Tensor?>? biasRegularizer, bool trainable)
        {
            var kernel = get_variable("kernel", new long[] { inDim, units }, dtype, kernelInitializer, kernelRegularizer, trainable);
            var bias = useBias ? get_variable("bias", new long[] { units }, dtype, biasInitializer ?? zeros_initializer(), biasRegularizer, trainable) : null;
            return (kernel, bias);
        }

        /// <summary>The dense computation in the current name scope: MatMul (Tensordot for rank &gt; 2), BiasAdd, activation.</summary>
        internal static Tensor DenseCall(Tensor inputs, Variable kernel, Variable? bias, Func<Tensor, Tensor>? activation,
            Func<Tensor, Tensor?>? activityRegularizer)
        {
            var s = inputs.shape;
            long inDim = s[s.Rank - 1];
            long units = kernel.shape[1];
            Tensor outputs;
            if (s.Rank == 2) outputs = matmul(inputs, kernel);
            else
            {
                // TF's tensordot over the last axis: flatten the outer dims, multiply, restore them.
                using (name_scope("Tensordot"))
                {
                    var flat = reshape(inputs, new long[] { -1, inDim });
                    var product = matmul(flat, kernel, name: "MatMul");
                    var outer = gather(shape(inputs), constant(Enumerable.Range(0, s.Rank - 1).ToArray(), name: "outer_axes"));
                    outputs = reshape(product, concat([outer, constant(new[] { (int)units }, name: "units")], 0));
                    outputs.SetShape(s.SubShape(0, s.Rank - 1).Concatenate(new TensorShape(units)));
                }
            }
            if (bias != null) outputs = nn.bias_add(outputs, bias);
            if (activation != null) outputs = activation(outputs);
            LayerScope.ActivityLoss(activityRegularizer, outputs);
            return outputs;
        }

        /// <summary>
        /// TF1 tf.layers.dropout: with training true, nn.dropout at rate <paramref name="rate"/>; with
        /// false, an Identity. A bool tensor decides at run time through a tf.cond, as in TF.
        /// </summary>
        public static Tensor dropout(Tensor inputs, double rate = 0.5, object? noise_shape = null, int? seed = null, TrainingFlag training = default,
            string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            if (!(rate >= 0 && rate < 1)) throw new InvalidArgumentException($"rate must be a scalar tensor or a float in the range [0, 1), got {rate}");
            using var scope = LayerScope.Enter("dropout", name, default);
            // TF1's utils.smart_cond: a bool tensor builds a cond ("dropout/cond/..."), so the mask is
            // drawn only in steps that train; a constant one builds the chosen side alone.
            if (training.Tensor is { } flag)
                return smart_cond(flag, () => nn.dropout(inputs, 1.0 - rate, noise_shape, seed), () => identity(inputs));
            // TF1's Dropout layer hands nn.dropout keep_prob = 1 − rate (a "keep_prob" Const).
            return training.IsTrue ? nn.dropout(inputs, 1.0 - rate, noise_shape, seed) : identity(inputs);
        }
    }
}
