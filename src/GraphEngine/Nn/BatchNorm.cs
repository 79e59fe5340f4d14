using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Nn;

namespace GraphEngine;

public static partial class tf
{
    public static partial class nn
    {
        /// <summary>
        /// Batch normalisation in one op (FusedBatchNormV3). Returns (y, mean, variance): in training
        /// mode the batch statistics (variance unbiased, blended into <paramref name="mean"/>/<paramref name="variance"/>
        /// when exponential_avg_factor &lt; 1), otherwise the given population statistics.
        /// </summary>
        public static (Tensor y, Tensor mean, Tensor variance) fused_batch_norm(Tensor x, Tensor scale, Tensor offset,
            Tensor? mean = null, Tensor? variance = null, float epsilon = 0.001f, string data_format = "NHWC", bool is_training = true,
            string? name = null, float exponential_avg_factor = 1.0f,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            if (!is_training && (mean == null || variance == null))
                throw new InvalidArgumentException("Both 'mean' and 'variance' must be a 1D tensor when is_training is False.");
            // TF's wrapper: empty statistics in training mode; epsilon raised to cuDNN's minimum.
            mean ??= constant(System.Array.Empty<float>(), DType.Float);
            variance ??= constant(System.Array.Empty<float>(), DType.Float);
            float eps = epsilon > 1.001e-5f ? epsilon : 1.001e-5f;
            var op = new OpBuilder(NnOps.FusedBatchNormV3, name ?? "FusedBatchNormV3")
                .Input(x).Input(scale).Input(offset).Input(mean).Input(variance)
                .Attr("epsilon", eps)
                .Attr("exponential_avg_factor", exponential_avg_factor)
                .Attr("data_format", data_format)
                .Attr("is_training", is_training)
                .Build();
            return (op.outputs[0], op.outputs[1], op.outputs[2]);
        }
    }
}

/// <summary>Gradient of FusedBatchNormV3 (TF: nn_grad.py _BaseFusedBatchNormGrad).</summary>
internal static class BatchNormGradients
{
    public static void Register(GradientRegistry g)
    {
        g.Add(NnOps.FusedBatchNormV3, static (op, grads) =>
        {
            var (x, scale) = (op.inputs[0], op.inputs[1]);
            var dy = grads[0] ?? tf.zeros_like(op.outputs[0]);
            bool training = op.get_attr("is_training").B;
            // Training: the batch statistics saved in reserve_space_1/2. Inference: the population
            // statistics that were inputs (TF transposes NCHW to NHWC here for cuDNN; our kernel reads NCHW).
            var (m, v) = training ? (op.outputs[3], op.outputs[4]) : (op.inputs[3], op.inputs[4]);
            var grad = new OpBuilder(NnOps.FusedBatchNormGradV3).Input(dy).Input(x).Input(scale).Input(m).Input(v).Input(op.outputs[5])
                .CopyAttrs(op, "epsilon", "data_format", "is_training").Build();
            // Like TF, no gradient reaches the statistics inputs, and batch_mean/batch_variance pass none back.
            return [grad.outputs[0], grad.outputs[1], grad.outputs[2], null, null];
        });
        g.Add(NnOps.FusedBatchNormGradV3, BatchNormGradGrad.Build);
    }
}
