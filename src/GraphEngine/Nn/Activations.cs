using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Nn;

namespace GraphEngine;

public static partial class tf
{
    public static partial class nn
    {
        /// <summary>max(features, 0).</summary>
        public static Tensor relu(Tensor features, string? name = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            return OpBuilder.Unary(NnOps.Relu, features, name ?? "Relu");
        }
    }
}

/// <summary>Gradients of activations (TF: python/ops/nn_grad.py).</summary>
internal static class ActivationGradients
{
    public static void Register(GradientRegistry g)
    {
        g.Add(NnOps.Relu, static (op, grads) => [OpBuilder.Binary(NnOps.ReluGrad, grads[0]!, op.outputs[0], null)]);
        // TF _ReluGradGrad: ReluGrad is linear in its gradient input and piecewise constant in x.
        g.Add(NnOps.ReluGrad, static (op, grads) =>
        {
            var x = op.inputs[1];
            return [OpBuilder.Binary(NnOps.ReluGrad, grads[0]!, x, null), tf.zeros_like(x)];
        });
    }
}
