using System.Numerics;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Training;

public static partial class TrainingOps
{
    public static readonly OpDef ApplyAdagrad = OpDef.Define("ApplyAdagrad")
        .Input("var: Ref(T)")
        .Input("accum: Ref(T)")
        .Input("lr: T")
        .Input("grad: T")
        .Output("out: Ref(T)")
        .Attr(TrainingSupport.NumberTypes)
        .Attr("use_locking: bool = false")
        .Attr("update_slots: bool = true")
        .Shape(TrainingSupport.Shape([0, 1, 3], [2]));
}

/// <summary>TF's Adagrad rule: accum += grad² (unless update_slots is false); var −= lr·grad/√accum.</summary>
internal sealed class ApplyAdagradKernel<T>(bool updateSlots) : IOpKernel where T : unmanaged, IFloatingPointIeee754<T>
{
    public static readonly KernelFactory Factory = c => new ApplyAdagradKernel<T>(c.Attr("update_slots").B);

    public void Compute(OpKernelContext ctx)
    {
        using (var refs = new LockedRefs(ctx, 2))
        {
            var (var, accum) = (refs[0], refs[1]);
            var lr = TrainingSupport.Scalar<T>(ctx, 2, "lr");
            var grad = ctx.Input(3);
            TrainingSupport.SameShape(var, accum, "accum");
            TrainingSupport.SameShape(var, grad, "grad");
            var w = var.AsSpan<T>();
            var a = accum.AsSpan<T>();
            var g = grad.AsReadOnlySpan<T>();
            for (int i = 0; i < w.Length; i++)
            {
                if (updateSlots) a[i] += g[i] * g[i];
                // TF's order of operations: grad·lr·rsqrt(accum).
                w[i] -= g[i] * lr * (T.One / T.Sqrt(a[i]));
            }
        }
        ctx.SetOutputRef(0, ctx.InputRef(0));
    }
}
