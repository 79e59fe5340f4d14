namespace GraphEngine.Ops.Compute;

/// <summary>
/// Batch normalisation over a tensor viewed as [outer, C, inner] (NHWC: inner = 1; NCHW: outer = N,
/// inner = H·W). Statistics accumulate in double so float inputs lose nothing to summation order.
/// </summary>
public static class BatchNorm
{
    /// <summary>Per-channel mean and biased variance (divided by outer·inner).</summary>
    public static void Moments(ReadOnlySpan<float> x, int outer, int c, int inner, Span<double> mean, Span<double> variance)
    {
        mean.Clear();
        variance.Clear();
        long count = (long)outer * inner;
        for (int o = 0; o < outer; o++)
            for (int ch = 0; ch < c; ch++)
            {
                var row = x.Slice((o * c + ch) * inner, inner);
                double s = 0;
                for (int i = 0; i < inner; i++) s += row[i];
                mean[ch] += s;
            }
        for (int ch = 0; ch < c; ch++) mean[ch] = count > 0 ? mean[ch] / count : 0;
        for (int o = 0; o < outer; o++)
            for (int ch = 0; ch < c; ch++)
            {
                var row = x.Slice((o * c + ch) * inner, inner);
                double m = mean[ch], s = 0;
                for (int i = 0; i < inner; i++) { double d = row[i] - m; s += d * d; }
                variance[ch] += s;
            }
        for (int ch = 0; ch < c; ch++) variance[ch] = count > 0 ? variance[ch] / count : 0;
    }

    /// <summary>y = scale·(x − mean)/√(variance + ε) + offset, per channel.</summary>
    public static void Normalize(ReadOnlySpan<float> x, Span<float> y, int outer, int c, int inner,
        ReadOnlySpan<float> scale, ReadOnlySpan<float> offset, ReadOnlySpan<double> mean, ReadOnlySpan<double> variance, double epsilon)
    {
        for (int o = 0; o < outer; o++)
            for (int ch = 0; ch < c; ch++)
            {
                double a = scale[ch] / System.Math.Sqrt(variance[ch] + epsilon);
                double b = offset[ch] - mean[ch] * a;
                int at = (o * c + ch) * inner;
                for (int i = 0; i < inner; i++) y[at + i] = (float)(x[at + i] * a + b);
            }
    }

    /// <summary>
    /// Backward pass. Training: statistics are the batch's, so dx carries the terms through mean and
    /// variance: dx = scale/σ · (dy − mean(dy) − x̂·mean(dy·x̂)). Inference: they are constants and
    /// dx = scale/σ · dy. In both, dscale = Σ dy·x̂ and doffset = Σ dy.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> scale,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, double epsilon, bool training, int outer, int c, int inner,
        Span<float> dx, Span<float> dscale, Span<float> doffset)
    {
        long count = (long)outer * inner;
        var sumDy = new double[c];
        var sumDyXhat = new double[c];
        var invStd = new double[c];
        for (int ch = 0; ch < c; ch++) invStd[ch] = 1.0 / System.Math.Sqrt(variance[ch] + epsilon);
        for (int o = 0; o < outer; o++)
            for (int ch = 0; ch < c; ch++)
            {
                int at = (o * c + ch) * inner;
                double m = mean[ch], s = invStd[ch];
                for (int i = 0; i < inner; i++)
                {
                    double g = dy[at + i];
                    sumDy[ch] += g;
                    sumDyXhat[ch] += g * (x[at + i] - m) * s;
                }
            }
        for (int ch = 0; ch < c; ch++)
        {
            dscale[ch] = (float)sumDyXhat[ch];
            doffset[ch] = (float)sumDy[ch];
        }
        for (int o = 0; o < outer; o++)
            for (int ch = 0; ch < c; ch++)
            {
                int at = (o * c + ch) * inner;
                double m = mean[ch], s = invStd[ch], k = scale[ch] * s;
                double meanDy = count > 0 ? sumDy[ch] / count : 0, meanDyXhat = count > 0 ? sumDyXhat[ch] / count : 0;
                for (int i = 0; i < inner; i++)
                {
                    double g = dy[at + i];
                    dx[at + i] = training
                        ? (float)(k * (g - meanDy - (x[at + i] - m) * s * meanDyXhat))
                        : (float)(k * g);
                }
            }
    }
}
