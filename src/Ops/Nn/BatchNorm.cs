using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Nn;

/// <summary>Fused batch normalisation (TF: core/ops/nn_ops.cc, kernels/fused_batch_norm_op.cc).</summary>
public static partial class NnOps
{
    public static readonly OpDef FusedBatchNormV3 = OpDef.Define("FusedBatchNormV3")
        .Input("x: T")
        .Input("scale: U")
        .Input("offset: U")
        .Input("mean: U")
        .Input("variance: U")
        .Output("y: T")
        .Output("batch_mean: U")
        .Output("batch_variance: U")
        .Output("reserve_space_1: U")
        .Output("reserve_space_2: U")
        .Output("reserve_space_3: U")
        .Attr("T: {half, bfloat16, float}")
        .Attr("U: {bfloat16, float}")
        .Attr("epsilon: float = 0.0001")
        .Attr("exponential_avg_factor: float = 1.0")
        .Attr("data_format: {'NHWC', 'NCHW', 'NDHWC', 'NCDHW'} = 'NHWC'")
        .Attr("is_training: bool = true")
        .Shape(FusedBatchNormShape);

    public static readonly OpDef FusedBatchNormGradV3 = OpDef.Define("FusedBatchNormGradV3")
        .Input("y_backprop: T")
        .Input("x: T")
        .Input("scale: float")
        .Input("reserve_space_1: U")
        .Input("reserve_space_2: U")
        .Input("reserve_space_3: U")
        .Output("x_backprop: T")
        .Output("scale_backprop: U")
        .Output("offset_backprop: U")
        .Output("reserve_space_4: U")
        .Output("reserve_space_5: U")
        .Attr("T: {half, bfloat16, float}")
        .Attr("U: {float}")
        .Attr("epsilon: float = 0.0001")
        .Attr("data_format: {'NHWC', 'NCHW', 'NDHWC', 'NCDHW'} = 'NHWC'")
        .Attr("is_training: bool = true")
        .Shape(FusedBatchNormGradShape);

    /// <summary>Channel axis of a 4-D batch-norm tensor; the 5-D formats are not implemented.</summary>
    internal static int BatchNormChannelAxis(string format) => format switch
    {
        "NHWC" => 3,
        "NCHW" => 1,
        _ => throw new UnimplementedException($"FusedBatchNorm with data_format {format} (5-D) is not implemented."),
    };

    /// <summary>TF's FusedBatchNormV3Shape: y has x's shape; the statistics are [C]; reserve_space_3 is unknown.</summary>
    private static void FusedBatchNormShape(InferenceContext c)
    {
        int axis = BatchNormChannelAxis(c.Attr("data_format").S);
        var x = c.WithRank(0, 4);
        bool training = c.Attr("is_training").B;
        float factor = c.Attr("exponential_avg_factor").F;
        long channels = x[axis];
        // Like TF: in training mode with factor 1 the mean/variance inputs are unused and may be empty.
        int statInputs = training && factor == 1f ? 3 : 5;
        for (int i = 1; i < statInputs; i++)
            channels = InferenceContext.MergeDim(channels, c.WithRank(i, 1)[0]);
        var dims = x.ToArray();
        dims[axis] = channels;
        c.SetOutput(0, new TensorShape(dims));
        for (int i = 1; i <= 4; i++) c.SetOutput(i, TensorShape.Vector(channels));
        c.SetOutput(5, TensorShape.Unknown);
    }

    /// <summary>TF's FusedBatchNormGradShape: x_backprop has x's shape, scale/offset backprops are [C], reserve 4/5 are [0].</summary>
    private static void FusedBatchNormGradShape(InferenceContext c)
    {
        int axis = BatchNormChannelAxis(c.Attr("data_format").S);
        var dy = c.WithRank(0, 4).MergeWith(c.WithRank(1, 4));
        long channels = dy[axis];
        for (int i = 2; i <= 4; i++) channels = InferenceContext.MergeDim(channels, c.WithRank(i, 1)[0]);
        var dims = dy.ToArray();
        dims[axis] = channels;
        c.SetOutput(0, new TensorShape(dims));
        c.SetOutput(1, TensorShape.Vector(channels));
        c.SetOutput(2, TensorShape.Vector(channels));
        c.SetOutput(3, TensorShape.Vector(0));
        c.SetOutput(4, TensorShape.Vector(0));
    }
}

internal static class BatchNormKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(NnOps.FusedBatchNormV3, NnOps.FusedBatchNormGradV3);
        k.Add(NnOps.FusedBatchNormV3.Name, c => new FusedBatchNormKernel(c), ("T", DType.Float), ("U", DType.Float));
        k.Add(NnOps.FusedBatchNormGradV3.Name, c => new FusedBatchNormGradKernel(c), ("T", DType.Float), ("U", DType.Float));
    }

    /// <summary>x viewed as [outer, C, inner] for the layout.</summary>
    public static (int Outer, int C, int Inner) View(HostTensor x, int axis)
    {
        if (x.Rank != 4) throw new InvalidArgumentException($"input must be 4-dimensional{x.Shape}");
        var d = x.Dims;
        return axis == 3 ? ((int)(d[0] * d[1] * d[2]), (int)d[3], 1) : ((int)d[0], (int)d[1], (int)(d[2] * d[3]));
    }

    public static void CheckVector(HostTensor t, string name, int channels)
    {
        if (t.Rank != 1) throw new InvalidArgumentException($"{name} must be 1-dimensional{t.Shape}");
        if (t.NumElements != channels)
            throw new InvalidArgumentException($"{name} must have the same number of elements as the channels of x, got {t.NumElements} and {channels}");
    }
}

/// <summary>
/// FusedBatchNormV3, float. Training: normalise with the batch's mean and biased variance; the
/// batch_variance output is the unbiased one, blended into the running values by
/// exponential_avg_factor. Inference: normalise with the given mean and variance.
/// reserve_space_1/2 hold the mean and (biased) variance used, which is what the CPU gradient reads.
/// </summary>
internal sealed class FusedBatchNormKernel(OpKernelConstruction c) : IOpKernel
{
    private readonly int _axis = NnOps.BatchNormChannelAxis(c.Attr("data_format").S);
    private readonly double _epsilon = c.Attr("epsilon").F;
    private readonly double _factor = c.Attr("exponential_avg_factor").F;
    private readonly bool _training = c.Attr("is_training").B;

    public void Compute(OpKernelContext ctx)
    {
        var x = ctx.Input(0);
        var (outer, ch, inner) = BatchNormKernels.View(x, _axis);
        var scale = ctx.Input(1);
        var offset = ctx.Input(2);
        var meanIn = ctx.Input(3);
        var varIn = ctx.Input(4);
        BatchNormKernels.CheckVector(scale, "scale", ch);
        BatchNormKernels.CheckVector(offset, "offset", ch);
        bool useRunning = !_training || _factor != 1.0;
        if (useRunning)
        {
            BatchNormKernels.CheckVector(meanIn, "mean", ch);
            BatchNormKernels.CheckVector(varIn, "variance", ch);
        }
        var y = ctx.AllocateOutput(0, x.Dims);
        var batchMean = ctx.AllocateOutput(1, [ch]).AsSpan<float>();
        var batchVar = ctx.AllocateOutput(2, [ch]).AsSpan<float>();
        var saved1 = ctx.AllocateOutput(3, [ch]).AsSpan<float>();
        var saved2 = ctx.AllocateOutput(4, [ch]).AsSpan<float>();
        ctx.AllocateOutput(5, [0]);
        var mean = new double[ch];
        var variance = new double[ch];
        if (_training)
        {
            Ops.Compute.BatchNorm.Moments(x.AsReadOnlySpan<float>(), outer, ch, inner, mean, variance);
            long count = (long)outer * inner;
            double correction = count > 1 ? (double)count / (count - 1) : 1.0;
            for (int i = 0; i < ch; i++)
            {
                double oldMean = useRunning ? meanIn.AsReadOnlySpan<float>()[i] : 0;
                double oldVar = useRunning ? varIn.AsReadOnlySpan<float>()[i] : 0;
                batchMean[i] = (float)((1 - _factor) * oldMean + _factor * mean[i]);
                batchVar[i] = (float)((1 - _factor) * oldVar + _factor * variance[i] * correction);
                saved1[i] = (float)mean[i];
                saved2[i] = (float)variance[i];
            }
        }
        else
        {
            var m = meanIn.AsReadOnlySpan<float>();
            var v = varIn.AsReadOnlySpan<float>();
            for (int i = 0; i < ch; i++)
            {
                mean[i] = m[i];
                variance[i] = v[i];
                batchMean[i] = saved1[i] = m[i];
                batchVar[i] = saved2[i] = v[i];
            }
        }
        Ops.Compute.BatchNorm.Normalize(x.AsReadOnlySpan<float>(), y.AsSpan<float>(), outer, ch, inner,
            scale.AsReadOnlySpan<float>(), offset.AsReadOnlySpan<float>(), mean, variance, _epsilon);
    }
}

/// <summary>FusedBatchNormGradV3, float: reserve_space_1/2 are the mean and variance the forward pass used.</summary>
internal sealed class FusedBatchNormGradKernel(OpKernelConstruction c) : IOpKernel
{
    private readonly int _axis = NnOps.BatchNormChannelAxis(c.Attr("data_format").S);
    private readonly double _epsilon = c.Attr("epsilon").F;
    private readonly bool _training = c.Attr("is_training").B;

    public void Compute(OpKernelContext ctx)
    {
        var dy = ctx.Input(0);
        var x = ctx.Input(1);
        if (!dy.SameShape(x))
            throw new InvalidArgumentException($"x and y_backprop must have same shape, but x has shape {x.Shape} and y_backprop has shape {dy.Shape}");
        var (outer, ch, inner) = BatchNormKernels.View(x, _axis);
        var scale = ctx.Input(2);
        var mean = ctx.Input(3);
        var variance = ctx.Input(4);
        BatchNormKernels.CheckVector(scale, "scale", ch);
        BatchNormKernels.CheckVector(mean, "reserve_space_1", ch);
        BatchNormKernels.CheckVector(variance, "reserve_space_2", ch);
        var dx = ctx.AllocateOutput(0, x.Dims);
        var dscale = ctx.AllocateOutput(1, [ch]);
        var doffset = ctx.AllocateOutput(2, [ch]);
        ctx.AllocateOutput(3, [0]);
        ctx.AllocateOutput(4, [0]);
        Ops.Compute.BatchNorm.Backward(dy.AsReadOnlySpan<float>(), x.AsReadOnlySpan<float>(), scale.AsReadOnlySpan<float>(),
            mean.AsReadOnlySpan<float>(), variance.AsReadOnlySpan<float>(), _epsilon, _training, outer, ch, inner,
            dx.AsSpan<float>(), dscale.AsSpan<float>(), doffset.AsSpan<float>());
    }
}
