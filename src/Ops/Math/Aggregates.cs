using System.Numerics;
using System.Numerics.Tensors;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Math;

/// <summary>Aggregation of many tensors (TF: core/ops/math_ops.cc AddN, kernels/aggregate_ops.cc).</summary>
public static partial class MathOps
{
    public static readonly OpDef AddN = OpDef.Define("AddN")
        .Input("inputs: N * T")
        .Output("sum: T")
        .Attr("N: int >= 1")
        .Attr("T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, qint16, quint16, uint16, complex128, half, uint32, uint64, variant}")
        .SetIsAggregate()
        .SetIsCommutative()
        .Shape(AddNShape);

    /// <summary>All inputs merge into one shape; a conflict names the first input that disagrees.</summary>
    private static void AddNShape(InferenceContext c)
    {
        var cur = c.Input(c.NumInputs - 1);
        for (int i = c.NumInputs - 2; i >= 0; i--)
        {
            try { cur = c.Input(i).MergeWith(cur); }
            catch (InvalidArgumentException e)
            {
                throw new InvalidArgumentException($"From merging shape {i} with other shapes. {e.BaseMessage}");
            }
        }
        c.SetOutput(0, cur);
    }
}

/// <summary>
/// AddN for one numeric dtype: every input must have the same shape. The sum is accumulated into a
/// forwardable input's buffer when the executor allows it, else into a fresh output.
/// </summary>
internal sealed class AddNKernel<T> : IOpKernel where T : unmanaged, INumber<T>
{
    public static readonly KernelFactory Factory = _ => new AddNKernel<T>();

    public void Compute(OpKernelContext ctx)
    {
        int n = ctx.NumInputs;
        var first = ctx.Input(0);
        for (int i = 1; i < n; i++)
        {
            var xi = ctx.Input(i);
            if (!xi.SameShape(first))
                throw new InvalidArgumentException(
                    $"Inputs to operation AddN of type AddN must have the same size and shape.  Input 0: {first.Shape} != input {i}: {xi.Shape}");
        }
        // Accumulate into the first input that may be reused; others are added into it.
        int into = -1;
        HostTensor? sum = null;
        if (ctx.ForwardableInputs is { } f)
        {
            for (int i = 0; i < n && into < 0; i++)
            {
                if (!f[i]) continue;
                var xi = ctx.Input(i);
                var o = ctx.ForwardInputOrAllocateOutput(i, 0, first.Dims);
                if (ReferenceEquals(o, xi)) { into = i; sum = o; }
                else { sum = o; break; }   // not reusable: a fresh output has been allocated already
            }
        }
        sum ??= ctx.AllocateOutput(0, first.Dims);
        var dst = sum.AsSpan<T>();
        if (into < 0)
        {
            into = 0;
            first.AsReadOnlySpan<T>().CopyTo(dst);
        }
        for (int i = 0; i < n; i++)
            if (i != into) TensorPrimitives.Add(dst, ctx.Input(i).AsReadOnlySpan<T>(), dst);
    }
}

internal static class AggregateKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(MathOps.AddN);
        k.Add(MathOps.AddN, DType.Float, AddNKernel<float>.Factory);
        k.Add(MathOps.AddN, DType.Double, AddNKernel<double>.Factory);
        k.Add(MathOps.AddN, DType.Int32, AddNKernel<int>.Factory);
        k.Add(MathOps.AddN, DType.Int64, AddNKernel<long>.Factory);
    }
}
