using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;
using GraphEngine.Ops.Nn;

namespace GraphEngine;

public static partial class tf
{
    public static partial class nn
    {
        public static Tensor relu6(Tensor features, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
            tf.Unary(NnOps.Relu6, features, name, file, line);

        /// <summary>TF 1.15 leaky_relu: integer features are cast to float32 first; alpha defaults to 0.2.</summary>
        public static Tensor leaky_relu(Tensor features, double alpha = 0.2, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            using var scope = name_scope(name ?? "LeakyRelu");
            if (features.dtype.BaseType().IsInteger()) features = cast(features, DType.Float);
            return new OpBuilder(NnOps.LeakyRelu, scope.Name).Input(features).Attr("alpha", (float)alpha).Build().outputs[0];
        }

        public static Tensor elu(Tensor features, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
            tf.Unary(NnOps.Elu, features, name, file, line);

        public static Tensor selu(Tensor features, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
            tf.Unary(NnOps.Selu, features, name, file, line);

        public static Tensor softplus(Tensor features, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
            tf.Unary(NnOps.Softplus, features, name, file, line);

        public static Tensor softsign(Tensor features, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
            tf.Unary(NnOps.Softsign, features, name, file, line);

        /// <summary>tf.nn.sigmoid is tf.sigmoid.</summary>
        public static Tensor sigmoid(Tensor x, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
            tf.Unary(MathOps.Sigmoid, x, name, file, line);

        /// <summary>tf.nn.tanh is tf.tanh.</summary>
        public static Tensor tanh(Tensor x, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
            tf.Unary(MathOps.Tanh, x, name, file, line);
    }
}

/// <summary>Gradients of the second batch of activations (TF: python/ops/nn_grad.py), emitting TF's *Grad ops.</summary>
internal static class Activation2Gradients
{
    private static Tensor Bin(Ops.Model.OpDef def, Tensor a, Tensor b) => OpBuilder.Binary(def, a, b, null);

    public static void Register(GradientRegistry g)
    {
        g.Add(NnOps.Relu6, static (op, dy) => [Bin(NnOps.Relu6Grad, dy[0]!, op.inputs[0])]);
        // TF _Relu6GradGrad: linear in the gradient, piecewise constant in x.
        g.Add(NnOps.Relu6Grad, static (op, dy) => [Bin(NnOps.Relu6Grad, dy[0]!, op.inputs[1]), tf.zeros_like(op.inputs[1])]);

        g.Add(NnOps.LeakyRelu, static (op, dy) =>
            [new OpBuilder(NnOps.LeakyReluGrad).Input(dy[0]!).Input(op.inputs[0]).Attr("alpha", op.get_attr("alpha").F).Build().outputs[0]]);
        g.Add(NnOps.LeakyReluGrad, static (op, dy) =>
        {
            var x = op.inputs[1];
            return [new OpBuilder(NnOps.LeakyReluGrad).Input(dy[0]!).Input(x).Attr("alpha", op.get_attr("alpha").F).Build().outputs[0], tf.zeros_like(x)];
        });

        // TF _EluGrad / _SeluGrad: the *Grad op on the forward output.
        g.Add(NnOps.Elu, static (op, dy) => [Bin(NnOps.EluGrad, dy[0]!, op.outputs[0])]);
        g.Add(NnOps.Selu, static (op, dy) => [Bin(NnOps.SeluGrad, dy[0]!, op.outputs[0])]);
        // TF _EluGradGrad / _SeluGradGrad: d/d(outputs) of g·(y + c) below 0 is g.
        g.Add(NnOps.EluGrad, static (op, dy) =>
        {
            var y = op.inputs[1];
            return [Bin(NnOps.EluGrad, dy[0]!, y), tf.where(tf.less(y, tf.zeros_like(y)), dy[0]! * op.inputs[0], tf.zeros_like(y))];
        });
        g.Add(NnOps.SeluGrad, static (op, dy) =>
        {
            var y = op.inputs[1];
            return [Bin(NnOps.SeluGrad, dy[0]!, y), tf.where(tf.less(y, tf.zeros_like(y)), dy[0]! * op.inputs[0], tf.zeros_like(y))];
        });

        g.Add(NnOps.Softplus, static (op, dy) => [Bin(NnOps.SoftplusGrad, dy[0]!, op.inputs[0])]);
        // TF 1.15 _SoftplusGradGrad: (softplus_grad(ddx, x), ddx·dy / (exp(−x) + 2 + exp(x))).
        g.Add(NnOps.SoftplusGrad, static (op, ddx) =>
        {
            var (dy, x, gz) = (op.inputs[0], op.inputs[1], ddx[0]!);
            using (tf.control_dependencies([gz]))
            {
                var ddy = Bin(NnOps.SoftplusGrad, gz, x);
                var two = tf.constant(2.0, x.dtype.BaseType());
                var d2x = gz * dy / (tf.exp(-x) + two + tf.exp(x));
                return [ddy, d2x];
            }
        });

        g.Add(NnOps.Softsign, static (op, dy) => [Bin(NnOps.SoftsignGrad, dy[0]!, op.inputs[0])]);
        // TF registers no gradient for SoftsignGrad (a second derivative there raises LookupError).
        // Ours is the exact derivative of g/(1+|x|)²: (softsign_grad(gz, x), −2·gz·g·sign(x)/(1+|x|)³).
        g.Add(NnOps.SoftsignGrad, static (op, ddx) =>
        {
            var (gr, x, gz) = (op.inputs[0], op.inputs[1], ddx[0]!);
            var d = tf.abs(x) + tf.constant(1.0, x.dtype.BaseType());
            var dx = tf.constant(-2.0, x.dtype.BaseType()) * gz * gr * tf.sign(x) / (d * d * d);
            return [Bin(NnOps.SoftsignGrad, gz, x), dx];
        });
    }
}
