using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;

namespace GraphEngine.Runtime.Planning;

/// <summary>
/// ReluGrad followed by an NHWC BiasAddGrad of its output, as one step with two outputs (dz, then the
/// bias gradient; see <see cref="FusionPass"/>): one pass computes dz row by row and adds each row to
/// the bias gradient while it is in cache, bit-identical to the two kernels. Shapes the pass does not
/// cover (g and features differ, rank below 2) run the two original kernels, so errors are theirs.
/// </summary>
internal sealed class FusedReluGradKernel(FusedPart reluGrad, FusedPart biasAddGrad) : IOpKernel
{
    private static readonly int[] ReluGradIns = [0, 1], BiasGradIns = [2];
    private FusedScratch? _cached;

    public void Compute(OpKernelContext ctx)
    {
        var g = ctx.Input(0);
        var f = ctx.Input(1);
        if (g.DType == f.DType && (g.DType is DType.Float or DType.Double) && g.Rank >= 2 && g.SameShape(f) && g.Dims[^1] > 0)
        {
            var dz = ctx.ForwardInputOrAllocateOutput(0, 0, g.Dims);
            var db = ctx.AllocateOutput(1, [g.Dims[^1]]);
            if (g.DType == DType.Float)
                BiasActivation.ReluGradBiasGrad(g.AsReadOnlySpan<float>(), f.AsReadOnlySpan<float>(), dz.AsSpan<float>(), db.AsSpan<float>());
            else
                BiasActivation.ReluGradBiasGrad(g.AsReadOnlySpan<double>(), f.AsReadOnlySpan<double>(), dz.AsSpan<double>(), db.AsSpan<double>());
            return;
        }
        var s = Interlocked.Exchange(ref _cached, null) ?? new FusedScratch();
        try
        {
            var sub = s.ContextLike(ctx);
            FusedScratch.Hold(s.Slots, 0, g);
            FusedScratch.Hold(s.Slots, 1, f);
            FusedScratch.RunPart(reluGrad, sub, s.Slots, ReluGradIns, 2, null);
            FusedScratch.RunPart(biasAddGrad, sub, s.Slots, BiasGradIns, 3, null);
            ctx.SetOutput(0, s.Slots[2].Tensor!);
            ctx.SetOutput(1, s.Slots[3].Tensor!);
        }
        finally
        {
            s.Clear();
            Volatile.Write(ref _cached, s);
        }
    }
}
