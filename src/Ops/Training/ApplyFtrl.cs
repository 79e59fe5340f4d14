using System.Numerics;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Training;

public static partial class TrainingOps
{
    /// <summary>FTRL without L2 shrinkage: what TF1's FtrlOptimizer builds when that strength is 0.</summary>
    public static readonly OpDef ApplyFtrl = OpDef.Define("ApplyFtrl")
        .Input("var: Ref(T)")
        .Input("accum: Ref(T)")
        .Input("linear: Ref(T)")
        .Input("grad: T")
        .Input("lr: T")
        .Input("l1: T")
        .Input("l2: T")
        .Input("lr_power: T")
        .Output("out: Ref(T)")
        .Attr(TrainingSupport.NumberTypes)
        .Attr("use_locking: bool = false")
        .Attr("multiply_linear_by_lr: bool = false")
        .Shape(TrainingSupport.Shape([0, 1, 2, 3], [4, 5, 6, 7]));

    public static readonly OpDef ApplyFtrlV2 = OpDef.Define("ApplyFtrlV2")
        .Input("var: Ref(T)")
        .Input("accum: Ref(T)")
        .Input("linear: Ref(T)")
        .Input("grad: T")
        .Input("lr: T")
        .Input("l1: T")
        .Input("l2: T")
        .Input("l2_shrinkage: T")
        .Input("lr_power: T")
        .Output("out: Ref(T)")
        .Attr(TrainingSupport.NumberTypes)
        .Attr("use_locking: bool = false")
        .Attr("multiply_linear_by_lr: bool = false")
        .Shape(TrainingSupport.Shape([0, 1, 2, 3], [4, 5, 6, 7, 8]));
}

/// <summary>
/// TF's FTRL-proximal rule with L2 shrinkage (p = lr_power, usually −½):
/// g' = g + 2·l2_shrinkage·var; accum_new = accum + g²;
/// linear += g' − (accum_new^(−p) − accum^(−p))/lr · var; quadratic = accum_new^(−p)/lr + 2·l2;
/// var = |linear| &gt; l1 ? (sign(linear)·l1 − linear)/quadratic : 0; accum = accum_new.
/// multiply_linear_by_lr keeps linear scaled by lr (the same rule multiplied through by lr).
/// </summary>
internal sealed class ApplyFtrlV2Kernel<T>(bool multiplyLinearByLr, bool hasShrinkage) : IOpKernel where T : unmanaged, IFloatingPointIeee754<T>
{
    public static readonly KernelFactory Factory = c => new ApplyFtrlV2Kernel<T>(c.Attr("multiply_linear_by_lr").B, true);

    /// <summary>ApplyFtrl: the same rule with no l2_shrinkage input (lr_power is input 7).</summary>
    public static readonly KernelFactory V1Factory = c => new ApplyFtrlV2Kernel<T>(c.Attr("multiply_linear_by_lr").B, false);

    public void Compute(OpKernelContext ctx)
    {
        using (var refs = new LockedRefs(ctx, 3))
        {
            var (var, accum, linear) = (refs[0], refs[1], refs[2]);
            var grad = ctx.Input(3);
            TrainingSupport.SameShape(var, accum, "accum");
            TrainingSupport.SameShape(var, linear, "linear");
            TrainingSupport.SameShape(var, grad, "grad");
            var lr = Checked(ctx, 4, x => x > T.Zero || (multiplyLinearByLr && x == T.Zero),
                "lr is not a positive scalar (or zero if multiply_linear_by_lr is set): ");
            var l1 = Checked(ctx, 5, x => x >= T.Zero, "l1 regularization strength is not a non-negative scalar: ");
            var l2 = Checked(ctx, 6, x => x >= T.Zero, "l2 regularization strength is not a non-negative scalar: ");
            var shrink = hasShrinkage ? Checked(ctx, 7, x => x >= T.Zero, "l2 shrinkage regularization strength is not a non-negative scalar: ") : T.Zero;
            var lrPower = Checked(ctx, hasShrinkage ? 8 : 7, x => x <= T.Zero, "lr_power is not a non-positive scalar: ");
            var two = TrainingSupport.Two<T>();
            var half = T.One / two;
            // TF takes the square-root path for the usual lr_power = −½; Pow otherwise.
            Func<T, T> pow = lrPower == -half ? T.Sqrt : x => T.Pow(x, -lrPower);
            var w = var.AsSpan<T>();
            var a = accum.AsSpan<T>();
            var l = linear.AsSpan<T>();
            var g = grad.AsReadOnlySpan<T>();
            for (int i = 0; i < w.Length; i++)
            {
                var gs = g[i] + two * shrink * w[i];
                var newAccum = a[i] + g[i] * g[i];
                var sigma = pow(newAccum) - pow(a[i]);
                T quadratic, threshold;
                if (multiplyLinearByLr)
                {
                    l[i] += gs * lr - sigma * w[i];
                    quadratic = pow(newAccum) + two * l2 * lr;
                    threshold = l1 * lr;
                }
                else
                {
                    l[i] += gs - sigma / lr * w[i];
                    quadratic = pow(newAccum) / lr + two * l2;
                    threshold = l1;
                }
                w[i] = T.Abs(l[i]) > threshold ? (T.CopySign(threshold, l[i]) - l[i]) / quadratic : T.Zero;
                a[i] = newAccum;
            }
        }
        ctx.SetOutputRef(0, ctx.InputRef(0));
    }

    /// <summary>TF's FTRL checks: a scalar within range, else its message with the input's shape.</summary>
    private static T Checked(OpKernelContext ctx, int input, Func<T, bool> ok, string message)
    {
        var t = ctx.Input(input);
        if (t.Rank != 0 || !ok(t.ScalarValue<T>())) throw new InvalidArgumentException(message + t.Shape);
        return t.ScalarValue<T>();
    }
}
