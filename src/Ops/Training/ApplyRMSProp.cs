using System.Numerics;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Training;

public static partial class TrainingOps
{
    public static readonly OpDef ApplyRMSProp = OpDef.Define("ApplyRMSProp")
        .Input("var: Ref(T)")
        .Input("ms: Ref(T)")
        .Input("mom: Ref(T)")
        .Input("lr: T")
        .Input("rho: T")
        .Input("momentum: T")
        .Input("epsilon: T")
        .Input("grad: T")
        .Output("out: Ref(T)")
        .Attr(TrainingSupport.NumberTypes)
        .Attr("use_locking: bool = false")
        .Shape(TrainingSupport.Shape([0, 1, 2, 7], [3, 4, 5, 6]));

    public static readonly OpDef ApplyCenteredRMSProp = OpDef.Define("ApplyCenteredRMSProp")
        .Input("var: Ref(T)")
        .Input("mg: Ref(T)")
        .Input("ms: Ref(T)")
        .Input("mom: Ref(T)")
        .Input("lr: T")
        .Input("rho: T")
        .Input("momentum: T")
        .Input("epsilon: T")
        .Input("grad: T")
        .Output("out: Ref(T)")
        .Attr(TrainingSupport.NumberTypes)
        .Attr("use_locking: bool = false")
        .Shape(TrainingSupport.Shape([0, 1, 2, 3, 8], [4, 5, 6, 7]));
}

/// <summary>
/// TF's RMSProp rule: ms = ρ·ms + (1−ρ)·g² (written ms += (g² − ms)(1−ρ), as TF evaluates it);
/// mom = momentum·mom + lr·g/√(ms+ε); var −= mom.
/// </summary>
internal sealed class ApplyRMSPropKernel<T> : IOpKernel where T : unmanaged, IFloatingPointIeee754<T>
{
    public static readonly KernelFactory Factory = _ => new ApplyRMSPropKernel<T>();

    public void Compute(OpKernelContext ctx)
    {
        using (var refs = new LockedRefs(ctx, 3))
        {
            var (var, ms, mom) = (refs[0], refs[1], refs[2]);
            var lr = TrainingSupport.Scalar<T>(ctx, 3, "lr");
            var rho = TrainingSupport.Scalar<T>(ctx, 4, "rho");
            var momentum = TrainingSupport.Scalar<T>(ctx, 5, "momentum");
            var eps = TrainingSupport.Scalar<T>(ctx, 6, "epsilon");
            var grad = ctx.Input(7);
            TrainingSupport.SameShape(var, ms, "ms");
            TrainingSupport.SameShape(var, mom, "mom");
            TrainingSupport.SameShape(var, grad, "grad");
            var w = var.AsSpan<T>();
            var s = ms.AsSpan<T>();
            var m = mom.AsSpan<T>();
            var g = grad.AsReadOnlySpan<T>();
            for (int i = 0; i < w.Length; i++)
            {
                s[i] += (g[i] * g[i] - s[i]) * (T.One - rho);
                // TF's order of operations: rsqrt(ms + ε)·lr·grad.
                m[i] = m[i] * momentum + T.One / T.Sqrt(s[i] + eps) * lr * g[i];
                w[i] -= m[i];
            }
        }
        ctx.SetOutputRef(0, ctx.InputRef(0));
    }
}

/// <summary>
/// TF's centered RMSProp: mg = ρ·mg + (1−ρ)·g and ms as in RMSProp; the denominator uses the
/// variance estimate ms − mg² + ε; mom = momentum·mom + lr·g/√(ms − mg² + ε); var −= mom.
/// </summary>
internal sealed class ApplyCenteredRMSPropKernel<T> : IOpKernel where T : unmanaged, IFloatingPointIeee754<T>
{
    public static readonly KernelFactory Factory = _ => new ApplyCenteredRMSPropKernel<T>();

    public void Compute(OpKernelContext ctx)
    {
        using (var refs = new LockedRefs(ctx, 4))
        {
            var (var, mg, ms, mom) = (refs[0], refs[1], refs[2], refs[3]);
            var lr = TrainingSupport.Scalar<T>(ctx, 4, "lr");
            var rho = TrainingSupport.Scalar<T>(ctx, 5, "rho");
            var momentum = TrainingSupport.Scalar<T>(ctx, 6, "momentum");
            var eps = TrainingSupport.Scalar<T>(ctx, 7, "epsilon");
            var grad = ctx.Input(8);
            TrainingSupport.SameShape(var, mg, "mg");
            TrainingSupport.SameShape(var, ms, "ms");
            TrainingSupport.SameShape(var, mom, "mom");
            TrainingSupport.SameShape(var, grad, "grad");
            var w = var.AsSpan<T>();
            var a = mg.AsSpan<T>();
            var s = ms.AsSpan<T>();
            var m = mom.AsSpan<T>();
            var g = grad.AsReadOnlySpan<T>();
            for (int i = 0; i < w.Length; i++)
            {
                a[i] += (g[i] - a[i]) * (T.One - rho);
                s[i] += (g[i] * g[i] - s[i]) * (T.One - rho);
                var denom = s[i] - a[i] * a[i] + eps;
                m[i] = m[i] * momentum + T.One / T.Sqrt(denom) * lr * g[i];
                w[i] -= m[i];
            }
        }
        ctx.SetOutputRef(0, ctx.InputRef(0));
    }
}
