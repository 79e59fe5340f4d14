using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Math;

/// <summary>Type conversion (TF: core/ops/math_ops.cc, kernels/cast_op.cc).</summary>
public static partial class MathOps
{
    public static readonly OpDef Cast = OpDef.Define("Cast")
        .Input("x: SrcT")
        .Output("y: DstT")
        .Attr("SrcT: type")
        .Attr("DstT: type")
        .Attr("Truncate: bool = false")
        .Shape(CommonShapes.Unchanged);
}

/// <summary>
/// Cast kernels between float, double, int32, int64, uint8 and bool. Numeric conversions follow
/// C++ static_cast as TF's Eigen casts do: float→int truncates toward zero, wider→narrower
/// integers wrap. To bool is x != 0, from bool is 0/1. Truncate only matters for half/bfloat16.
/// </summary>
internal static class CastKernels
{
    private static readonly DType[] Types = [DType.Float, DType.Double, DType.Int32, DType.Int64, DType.UInt8, DType.Bool];

    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(MathOps.Cast);
        foreach (var src in Types)
            foreach (var dst in Types)
            {
                var compute = src == dst ? Forward : Converter(src, dst);
                var kernel = new LambdaKernel(compute);
                k.Add(MathOps.Cast.Name, _ => kernel, ("SrcT", src), ("DstT", dst));
            }
    }

    // TF's CastOp forwards the input when the types are equal.
    private static void Forward(OpKernelContext ctx) => ctx.SetOutput(0, ctx.Input(0));

    private static Action<OpKernelContext> Converter(DType src, DType dst) => src switch
    {
        DType.Float => From<float>(dst),
        DType.Double => From<double>(dst),
        DType.Int32 => From<int>(dst),
        DType.Int64 => From<long>(dst),
        DType.UInt8 => From<byte>(dst),
        DType.Bool => FromBool(dst),
        _ => throw new InternalException($"No cast from {src.Name()}"),
    };

    private static Action<OpKernelContext> From<TSrc>(DType dst) where TSrc : unmanaged, INumber<TSrc> => dst switch
    {
        DType.Float => Run<TSrc, float>,
        DType.Double => Run<TSrc, double>,
        DType.Int32 => Run<TSrc, int>,
        DType.Int64 => Run<TSrc, long>,
        DType.UInt8 => Run<TSrc, byte>,
        DType.Bool => ToBool<TSrc>,
        _ => throw new InternalException($"No cast to {dst.Name()}"),
    };

    private static Action<OpKernelContext> FromBool(DType dst) => dst switch
    {
        // bool is stored as one byte 0/1, so it converts like uint8.
        DType.Float => RunFromBool<float>,
        DType.Double => RunFromBool<double>,
        DType.Int32 => RunFromBool<int>,
        DType.Int64 => RunFromBool<long>,
        DType.UInt8 => RunFromBool<byte>,
        _ => throw new InternalException($"No cast to {dst.Name()}"),
    };

    private static void Run<TSrc, TDst>(OpKernelContext ctx) where TSrc : unmanaged, INumber<TSrc> where TDst : unmanaged, INumber<TDst>
    {
        var x = ctx.Input(0);
        var y = ctx.AllocateOutput(0, x.Dims);
        var xs = x.AsReadOnlySpan<TSrc>();
        var ys = y.AsSpan<TDst>();
        // Floating → integer: truncate toward zero (saturating where C++ would be undefined).
        bool floatToInt = (typeof(TSrc) == typeof(float) || typeof(TSrc) == typeof(double))
            && typeof(TDst) != typeof(float) && typeof(TDst) != typeof(double);
        if (floatToInt)
            for (int i = 0; i < xs.Length; i++) ys[i] = TDst.CreateSaturating(xs[i]);
        else
            TensorPrimitives.ConvertTruncating(xs, ys);
    }

    private static void RunFromBool<TDst>(OpKernelContext ctx) where TDst : unmanaged, INumber<TDst>
    {
        var x = ctx.Input(0);
        var y = ctx.AllocateOutput(0, x.Dims);
        var xs = x.Buffer!.AsSpan<byte>(x.NumElements);
        var ys = y.AsSpan<TDst>();
        for (int i = 0; i < xs.Length; i++) ys[i] = xs[i] != 0 ? TDst.One : TDst.Zero;
    }

    private static void ToBool<TSrc>(OpKernelContext ctx) where TSrc : unmanaged, INumber<TSrc>
    {
        var x = ctx.Input(0);
        var y = ctx.AllocateOutput(0, x.Dims);
        var xs = x.AsReadOnlySpan<TSrc>();
        var ys = MemoryMarshal.Cast<bool, byte>(y.AsSpan<bool>());
        for (int i = 0; i < xs.Length; i++) ys[i] = xs[i] != TSrc.Zero ? (byte)1 : (byte)0;
    }
}
