using System.Numerics;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Array;

/// <summary>Where with one argument: coordinates of the true (non-zero) elements (TF: core/ops/array_ops.cc, kernels/where_op.cc).</summary>
public static partial class ArrayOps
{
    public static readonly OpDef Where = OpDef.Define("Where")
        .Input("input: T")
        .Output("index: int64")
        .Attr("T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, qint16, quint16, uint16, complex128, half, uint32, uint64, bool} = DT_BOOL")
        .Shape(c => c.SetOutput(0, new TensorShape(-1, c.Input(0).Rank)));   // Rank -1 (unknown) gives [?,?]
}

internal static class WhereKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(ArrayOps.Where);
        k.Add(ArrayOps.Where, DType.Bool, _ => new LambdaKernel(Compute<bool>));
        k.Add(ArrayOps.Where, DType.Float, _ => new LambdaKernel(Compute<float>));
        k.Add(ArrayOps.Where, DType.Double, _ => new LambdaKernel(Compute<double>));
        k.Add(ArrayOps.Where, DType.Int32, _ => new LambdaKernel(Compute<int>));
        k.Add(ArrayOps.Where, DType.Int64, _ => new LambdaKernel(Compute<long>));
    }

    private static bool IsTrue<T>(T v) where T : unmanaged => typeof(T) == typeof(bool) ? (bool)(object)v
        : typeof(T) == typeof(float) ? (float)(object)v != 0 : typeof(T) == typeof(double) ? (double)(object)v != 0
        : typeof(T) == typeof(int) ? (int)(object)v != 0 : (long)(object)v != 0;

    /// <summary>Two passes: count, then write row-major coordinates (an odometer over the input's dims).</summary>
    private static void Compute<T>(OpKernelContext ctx) where T : unmanaged
    {
        var x = ctx.Input(0);
        var src = x.AsReadOnlySpan<T>();
        long count = 0;
        foreach (var v in src)
            if (IsTrue(v)) count++;
        int rank = x.Rank;
        var y = ctx.AllocateOutput(0, [count, rank]).AsSpan<long>();
        Span<long> idx = stackalloc long[rank];
        var dims = x.Dims;
        int row = 0;
        for (int i = 0; i < src.Length; i++)
        {
            if (IsTrue(src[i]))
            {
                idx.CopyTo(y.Slice(row * rank, rank));
                row++;
            }
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++idx[d] < dims[d]) break;
                idx[d] = 0;
            }
        }
    }
}
