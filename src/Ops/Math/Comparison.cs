using System.Numerics;
using GraphEngine.Ops.Compute;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Math;

/// <summary>Comparisons with a bool result (TF: core/ops/math_ops.cc, kernels/cwise_op_{greater,less,equal_to,...}.cc).</summary>
public static partial class MathOps
{
    private const string RealNumberTypes = "T: {float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64}";

    public static readonly OpDef Greater = Compare("Greater");
    public static readonly OpDef GreaterEqual = Compare("GreaterEqual");
    public static readonly OpDef Less = Compare("Less");
    public static readonly OpDef LessEqual = Compare("LessEqual");

    public static readonly OpDef Equal = Equality("Equal");
    public static readonly OpDef NotEqual = Equality("NotEqual");

    private static OpDef Compare(string name) => OpDef.Define(name)
        .Input("x: T")
        .Input("y: T")
        .Output("z: bool")
        .Attr(RealNumberTypes)
        .Shape(CommonShapes.BroadcastBinary);

    private static OpDef Equality(string name) => OpDef.Define(name)
        .Input("x: T")
        .Input("y: T")
        .Output("z: bool")
        .Attr("T: type")
        .Attr("incompatible_shape_error: bool = true")
        .SetIsCommutative()
        .Shape(EqualityShape);

    /// <summary>With incompatible_shape_error = false, shapes that do not broadcast give an unknown shape (a scalar at run time).</summary>
    private static void EqualityShape(InferenceContext c)
    {
        if (c.Attr("incompatible_shape_error").B)
        {
            CommonShapes.BroadcastBinary(c);
            return;
        }
        try { CommonShapes.BroadcastBinary(c); }
        catch (InvalidArgumentException) { c.SetOutput(0, TensorShape.Unknown); }
    }
}

public readonly struct GreaterOp<T> : IMapOp<T, T, bool> where T : INumber<T> { public static bool Invoke(T x, T y) => x > y; }
public readonly struct GreaterEqualOp<T> : IMapOp<T, T, bool> where T : INumber<T> { public static bool Invoke(T x, T y) => x >= y; }
public readonly struct LessOp<T> : IMapOp<T, T, bool> where T : INumber<T> { public static bool Invoke(T x, T y) => x < y; }
public readonly struct LessEqualOp<T> : IMapOp<T, T, bool> where T : INumber<T> { public static bool Invoke(T x, T y) => x <= y; }

/// <summary>IEEE equality (NaN != NaN, -0 == +0), as C++'s operator== in TF's kernels.</summary>
public readonly struct EqualOp<T> : IMapOp<T, T, bool> where T : IEqualityOperators<T, T, bool> { public static bool Invoke(T x, T y) => x == y; }
public readonly struct NotEqualOp<T> : IMapOp<T, T, bool> where T : IEqualityOperators<T, T, bool> { public static bool Invoke(T x, T y) => x != y; }

public readonly struct BoolEqualOp : IMapOp<bool, bool, bool> { public static bool Invoke(bool x, bool y) => x == y; }
public readonly struct BoolNotEqualOp : IMapOp<bool, bool, bool> { public static bool Invoke(bool x, bool y) => x != y; }

/// <summary>A broadcasting kernel from two T inputs to a bool output.</summary>
internal sealed class CompareKernel<T, TOp>(bool incompatibleShapeError = true, bool incompatibleResult = false) : IOpKernel where T : unmanaged where TOp : IMapOp<T, T, bool>
{
    public void Compute(OpKernelContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Input(1);
        int rank = System.Math.Max(x.Rank, y.Rank);
        Span<long> dims = rank <= 16 ? stackalloc long[rank] : new long[rank];
        if (x.SameShape(y)) x.Dims.CopyTo(dims);
        else if (!GraphEngine.Ops.Compute.Broadcast.TryShape(x.Dims, y.Dims, dims))
        {
            if (incompatibleShapeError) throw new InvalidArgumentException($"Incompatible shapes: {x.Shape} vs. {y.Shape}");
            // TF's answer for shapes that cannot be compared elementwise: one scalar, "not equal".
            ctx.AllocateOutput(0, []).AsSpan<bool>()[0] = incompatibleResult;
            return;
        }
        var z = ctx.AllocateOutput(0, dims);
        BroadcastMap.Binary<T, T, bool, TOp>(x.AsReadOnlySpan<T>(), x.Dims, y.AsReadOnlySpan<T>(), y.Dims, z.AsSpan<bool>(), dims);
    }
}

internal static class ComparisonKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(MathOps.Greater, MathOps.GreaterEqual, MathOps.Less, MathOps.LessEqual, MathOps.Equal, MathOps.NotEqual);
        Ordered<float>(k, DType.Float);
        Ordered<double>(k, DType.Double);
        Ordered<int>(k, DType.Int32);
        Ordered<long>(k, DType.Int64);
        Equality<float>(k, DType.Float);
        Equality<double>(k, DType.Double);
        Equality<int>(k, DType.Int32);
        Equality<long>(k, DType.Int64);
        k.Add(MathOps.Equal, DType.Bool, c => new CompareKernel<bool, BoolEqualOp>(c.Attr("incompatible_shape_error").B, false));
        k.Add(MathOps.NotEqual, DType.Bool, c => new CompareKernel<bool, BoolNotEqualOp>(c.Attr("incompatible_shape_error").B, true));
    }

    private static void Ordered<T>(KernelRegistry k, DType t) where T : unmanaged, INumber<T>
    {
        k.Add(MathOps.Greater, t, _ => new CompareKernel<T, GreaterOp<T>>());
        k.Add(MathOps.GreaterEqual, t, _ => new CompareKernel<T, GreaterEqualOp<T>>());
        k.Add(MathOps.Less, t, _ => new CompareKernel<T, LessOp<T>>());
        k.Add(MathOps.LessEqual, t, _ => new CompareKernel<T, LessEqualOp<T>>());
    }

    private static void Equality<T>(KernelRegistry k, DType t) where T : unmanaged, IEqualityOperators<T, T, bool>
    {
        k.Add(MathOps.Equal, t, c => new CompareKernel<T, EqualOp<T>>(c.Attr("incompatible_shape_error").B, false));
        k.Add(MathOps.NotEqual, t, c => new CompareKernel<T, NotEqualOp<T>>(c.Attr("incompatible_shape_error").B, true));
    }
}
