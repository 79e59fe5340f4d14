using System.Numerics;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Array;

/// <summary>Range, Size and Rank (TF: core/ops/math_ops.cc Range, array_ops.cc Size/Rank; kernels/sequence_ops.cc, shape_ops.h).</summary>
public static partial class ArrayOps
{
    public static readonly OpDef Range = OpDef.Define("Range")
        .Input("start: Tidx")
        .Input("limit: Tidx")
        .Input("delta: Tidx")
        .Output("output: Tidx")
        .Attr("Tidx: {bfloat16, half, float, double, int8, int16, int32, int64, uint16, uint32, uint64} = DT_INT32")
        .Shape(RangeShape);

    public static readonly OpDef Size = OpDef.Define("Size")
        .Input("input: T")
        .Output("output: out_type")
        .Attr("T: type")
        .Attr("out_type: {int32, int64} = DT_INT32")
        .Shape(CommonShapes.Scalar);

    public static readonly OpDef Rank = OpDef.Define("Rank")
        .Input("input: T")
        .Output("output: int32")
        .Attr("T: type")
        .Shape(CommonShapes.Scalar);

    private static void RangeShape(InferenceContext c)
    {
        string[] names = ["start", "limit", "delta"];
        for (int i = 0; i < 3; i++)
        {
            try { c.WithRank(i, 0); }
            catch (InvalidArgumentException e) { throw new InvalidArgumentException($"{e.BaseMessage} for '{names[i]}'"); }
        }
        HostTensor? s = c.InputTensor(0), l = c.InputTensor(1), d = c.InputTensor(2);
        if (s == null || l == null || d == null)
        {
            c.SetOutput(0, TensorShape.Vector(-1));
            return;
        }
        c.SetOutput(0, TensorShape.Vector(RangeKernels.Count(AsDouble(s), AsDouble(l), AsDouble(d), s.DType.IsInteger(), withValues: false)));
    }

    private static double AsDouble(HostTensor t) => t.DType switch
    {
        DType.Float => t.ScalarValue<float>(),
        DType.Double => t.ScalarValue<double>(),
        DType.Int32 => t.ScalarValue<int>(),
        DType.Int64 => t.ScalarValue<long>(),
        _ => double.NaN,
    };
}

internal static class RangeKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(ArrayOps.Range, ArrayOps.Size, ArrayOps.Rank);
        k.Add(ArrayOps.Range.Name, _ => new LambdaKernel(ComputeRange<float>), ("Tidx", DType.Float));
        k.Add(ArrayOps.Range.Name, _ => new LambdaKernel(ComputeRange<double>), ("Tidx", DType.Double));
        k.Add(ArrayOps.Range.Name, _ => new LambdaKernel(ComputeRange<int>), ("Tidx", DType.Int32));
        k.Add(ArrayOps.Range.Name, _ => new LambdaKernel(ComputeRange<long>), ("Tidx", DType.Int64));
        k.Add(ArrayOps.Size.Name, _ => new LambdaKernel(ctx => ctx.AllocateOutput(0, []).AsSpan<int>()[0] = checked((int)ctx.Input(0).NumElements)), ("out_type", DType.Int32));
        k.Add(ArrayOps.Size.Name, _ => new LambdaKernel(ctx => ctx.AllocateOutput(0, []).AsSpan<long>()[0] = ctx.Input(0).NumElements), ("out_type", DType.Int64));
        var rank = new LambdaKernel(ctx => ctx.AllocateOutput(0, []).AsSpan<int>()[0] = ctx.Input(0).Rank);
        k.Add(ArrayOps.Rank, _ => rank);
    }

    /// <summary>
    /// The element count of range(start, limit, delta) with TF's checks: integers round the span up
    /// to whole steps, floats take ceil(|(limit - start) / delta|).
    /// </summary>
    internal static long Count(double start, double limit, double delta, bool integer, bool withValues)
    {
        string v(double x) => x.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (delta == 0) throw new InvalidArgumentException(withValues ? $"Requires delta != 0: {v(delta)}" : "Requires delta != 0");
        if (delta > 0 && start > limit)
            throw new InvalidArgumentException($"Requires start <= limit when delta > 0: {v(start)}/{v(limit)}");
        if (delta < 0 && start < limit)
            throw new InvalidArgumentException($"Requires start >= limit when delta < 0: {v(start)}/{v(limit)}");
        double size = integer
            ? System.Math.Floor((System.Math.Abs(limit - start) + System.Math.Abs(delta) - 1) / System.Math.Abs(delta))
            : System.Math.Ceiling(System.Math.Abs((limit - start) / delta));
        if (size > int.MaxValue) throw new InvalidArgumentException($"Requires ((limit - start) / delta) <= {int.MaxValue}");
        return (long)size;
    }

    private static void ComputeRange<T>(OpKernelContext ctx) where T : unmanaged, INumber<T>
    {
        Span<T> v = stackalloc T[3];
        for (int i = 0; i < 3; i++)
        {
            var t = ctx.Input(i);
            // TF accepts a one-element vector here for backward compatibility.
            if (t.Rank > 1 || t.NumElements != 1)
                throw new InvalidArgumentException($"{(i == 0 ? "start" : i == 1 ? "limit" : "delta")} must be a scalar, not shape {t.Shape}");
            v[i] = t.AsReadOnlySpan<T>()[0];
        }
        bool integer = typeof(T) == typeof(int) || typeof(T) == typeof(long);
        long n;
        if (integer)
        {
            // Exact integer arithmetic: doubles would round int64 bounds beyond 2^53.
            long s = long.CreateTruncating(v[0]), l = long.CreateTruncating(v[1]), d = long.CreateTruncating(v[2]);
            Count(s, l, d, integer: true, withValues: true);   // the checks and their messages
            n = (System.Math.Abs(l - s) + System.Math.Abs(d) - 1) / System.Math.Abs(d);
        }
        else n = Count(double.CreateTruncating(v[0]), double.CreateTruncating(v[1]), double.CreateTruncating(v[2]), integer: false, withValues: true);
        var y = ctx.AllocateOutput(0, [n]).AsSpan<T>();
        // Repeated addition, as TF's kernel does, so float ranges match TF's values bit for bit.
        var value = v[0];
        for (int i = 0; i < y.Length; i++, value += v[2]) y[i] = value;
    }
}
