using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Array;

/// <summary>ShapeN, tf.shape_n (TF: core/ops/array_ops.cc, kernels/shape_ops.h).</summary>
public static partial class ArrayOps
{
    public static readonly OpDef ShapeN = OpDef.Define("ShapeN")
        .Input("input: N * T")
        .Output("output: N * out_type")
        .Attr("N: int >= 1")
        .Attr("T: type")
        .Attr("out_type: {int32, int64} = DT_INT32")
        .Shape(c =>
        {
            for (int i = 0; i < c.NumInputs; i++) c.SetOutput(i, new TensorShape(c.Input(i).Rank));   // unknown rank gives [?]
        });
}

internal static class ShapeNKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(ArrayOps.ShapeN);
        k.Add(ArrayOps.ShapeN.Name, _ => new LambdaKernel(Compute<int>), ("out_type", DType.Int32));
        k.Add(ArrayOps.ShapeN.Name, _ => new LambdaKernel(Compute<long>), ("out_type", DType.Int64));
    }

    private static void Compute<TOut>(OpKernelContext ctx) where TOut : unmanaged, System.Numerics.INumber<TOut>
    {
        for (int i = 0; i < ctx.NumInputs; i++)
        {
            var x = ctx.Input(i);
            var y = ctx.AllocateOutput(i, [x.Rank]).AsSpan<TOut>();
            for (int d = 0; d < x.Rank; d++)
            {
                long v = x.Dims[d];
                if (typeof(TOut) == typeof(int) && v > int.MaxValue)
                    throw new InvalidArgumentException($"ShapeN output type is 32-bit but dim {d} of input {i} is {v}");
                y[d] = TOut.CreateTruncating(v);
            }
        }
    }
}
