using System.Numerics;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Training;

public static partial class TrainingOps
{
    public static readonly OpDef ApplyAdadelta = OpDef.Define("ApplyAdadelta")
        .Input("var: Ref(T)")
        .Input("accum: Ref(T)")
        .Input("accum_update: Ref(T)")
        .Input("lr: T")
        .Input("rho: T")
        .Input("epsilon: T")
        .Input("grad: T")
        .Output("out: Ref(T)")
        .Attr(TrainingSupport.NumberTypes)
        .Attr("use_locking: bool = false")
        .Shape(TrainingSupport.Shape([0, 1, 2, 6], [3, 4, 5]));
}

/// <summary>
/// TF's Adadelta rule: accum = ρ·accum + (1−ρ)·g²; update = √(accum_update+ε)/√(accum+ε)·g;
/// accum_update = ρ·accum_update + (1−ρ)·update²; var −= lr·update.
/// </summary>
internal sealed class ApplyAdadeltaKernel<T> : IOpKernel where T : unmanaged, IFloatingPointIeee754<T>
{
    public static readonly KernelFactory Factory = _ => new ApplyAdadeltaKernel<T>();

    public void Compute(OpKernelContext ctx)
    {
        using (var refs = new LockedRefs(ctx, 3))
        {
            var (var, accum, accumUpdate) = (refs[0], refs[1], refs[2]);
            var lr = TrainingSupport.Scalar<T>(ctx, 3, "lr");
            var rho = TrainingSupport.Scalar<T>(ctx, 4, "rho");
            var eps = TrainingSupport.Scalar<T>(ctx, 5, "epsilon");
            var grad = ctx.Input(6);
            TrainingSupport.SameShape(var, accum, "accum");
            TrainingSupport.SameShape(var, accumUpdate, "accum_update");
            TrainingSupport.SameShape(var, grad, "grad");
            var w = var.AsSpan<T>();
            var a = accum.AsSpan<T>();
            var u = accumUpdate.AsSpan<T>();
            var g = grad.AsReadOnlySpan<T>();
            for (int i = 0; i < w.Length; i++)
            {
                a[i] = a[i] * rho + g[i] * g[i] * (T.One - rho);
                var update = T.Sqrt(u[i] + eps) * (T.One / T.Sqrt(a[i] + eps)) * g[i];
                u[i] = u[i] * rho + update * update * (T.One - rho);
                w[i] -= update * lr;
            }
        }
        ctx.SetOutputRef(0, ctx.InputRef(0));
    }
}
