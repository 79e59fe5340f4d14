using System.Runtime.InteropServices;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Array;

/// <summary>Constant-producing ops (TF: core/ops/array_ops.cc, kernels/constant_op.cc).</summary>
public static partial class ArrayOps
{
    public static readonly OpDef Const = OpDef.Define("Const")
        .Output("output: dtype")
        .Attr("value: tensor")
        .Attr("dtype: type")
        .Shape(ConstShape);

    public static readonly OpDef Fill = OpDef.Define("Fill")
        .Input("dims: index_type")
        .Input("value: T")
        .Output("output: T")
        .Attr("T: type")
        .Attr("index_type: {int32, int64} = DT_INT32")
        .Shape(FillShape);

    public static readonly OpDef ZerosLike = OpDef.Define("ZerosLike")
        .Input("x: T")
        .Output("y: T")
        .Attr("T: type")
        .Shape(CommonShapes.Unchanged);

    public static readonly OpDef OnesLike = OpDef.Define("OnesLike")
        .Input("x: T")
        .Output("y: T")
        .Attr("T: {bfloat16, half, float, double, int8, uint8, int16, uint16, int32, uint32, int64, uint64, complex64, complex128, bool}")
        .Shape(CommonShapes.Unchanged);

    private static void ConstShape(InferenceContext c)
    {
        var value = c.Attr("value").Tensor;
        var dtype = c.Attr("dtype").Type;
        if (value.DType != dtype)
            throw new InvalidArgumentException($"Type mismatch between value ({value.DType.Name()}) and dtype ({dtype.Name()})");
        c.SetOutput(0, value.Shape);
    }

    private static void FillShape(InferenceContext c)
    {
        c.WithRank(0, 1);
        c.WithRank(1, 0);
        var dims = c.InputTensor(0);
        if (dims != null && dims.ToInt64Array().Any(d => d < 0))
            throw new InvalidArgumentException("Fill dimensions must be >= 0");
        c.SetOutput(0, c.InputAsShape(0));
    }
}

internal static class ConstantKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(ArrayOps.Const, ArrayOps.Fill, ArrayOps.ZerosLike, ArrayOps.OnesLike);
        // Const, Fill and ZerosLike work on raw element bytes, so every dtype with a host layout is covered.
        k.Add(ArrayOps.Const, CreateConst);
        k.Add(ArrayOps.Fill, _ => new LambdaKernel(ComputeFill));
        k.Add(ArrayOps.ZerosLike, _ => new LambdaKernel(ctx =>
        {
            var x = ctx.Input(0);
            var y = ctx.AllocateOutput(0, x.Dims);
            y.Buffer?.Bytes.Clear();
        }));
        foreach (var t in new[] { DType.Float, DType.Double, DType.Int32, DType.Int64, DType.Bool, DType.UInt8, DType.Int8,
                     DType.Int16, DType.UInt16, DType.UInt32, DType.UInt64, DType.Half, DType.BFloat16, DType.Complex64 })
        {
            var one = OneBytes(t);
            k.Add(ArrayOps.OnesLike, t, _ => new LambdaKernel(ctx =>
            {
                var x = ctx.Input(0);
                var y = ctx.ForwardInputOrAllocateOutput(0, 0, x.Dims);
                FillPattern(y.Buffer!.Bytes, one);
            }));
        }
    }

    private static IOpKernel CreateConst(OpKernelConstruction c)
    {
        var value = c.Attr("value").Tensor;
        var dtype = c.Attr("dtype").Type;
        if (value.DType != dtype)
            throw new InvalidArgumentException($"Type mismatch between value ({value.DType.Name()}) and dtype ({dtype.Name()})");
        // The attr owns this tensor for the kernel's lifetime; a permanent hold keeps the executor's
        // release after each run from returning the buffer to the pool.
        value.Buffer?.Retain();
        return new LambdaKernel(ctx => ctx.SetOutput(0, value));
    }

    private static void ComputeFill(OpKernelContext ctx)
    {
        var dims = ctx.Input(0);
        var value = ctx.Input(1);
        if (dims.Rank != 1) throw new InvalidArgumentException($"dims must be a vector, got shape {dims.Shape}");
        if (value.Rank != 0) throw new InvalidArgumentException($"value must be a scalar, got shape {value.Shape}");
        int rank = checked((int)dims.NumElements);
        Span<long> shape = rank <= 16 ? stackalloc long[rank] : new long[rank];
        dims.CopyInt64To(shape);
        foreach (var d in shape)
            if (d < 0) throw new InvalidArgumentException($"Dimension {d} must be >= 0");
        var y = ctx.AllocateOutput(0, shape);
        if (value.Strings != null) System.Array.Fill(y.Strings!, value.Strings[0]);
        else FillPattern(y.Buffer!.Bytes, value.Buffer!.Bytes);
    }

    /// <summary>The bytes of the value 1 in a dtype.</summary>
    internal static byte[] OneBytes(DType t) => t switch
    {
        DType.Float => BitConverter.GetBytes(1f),
        DType.Double => BitConverter.GetBytes(1d),
        DType.Int32 or DType.UInt32 => BitConverter.GetBytes(1),
        DType.Int64 or DType.UInt64 => BitConverter.GetBytes(1L),
        DType.Int16 or DType.UInt16 => BitConverter.GetBytes((short)1),
        DType.Half => BitConverter.GetBytes(BitConverter.HalfToUInt16Bits((Half)1)),
        DType.BFloat16 => BitConverter.GetBytes((ushort)0x3F80),
        DType.Complex64 => [.. BitConverter.GetBytes(1f), .. BitConverter.GetBytes(0f)],
        DType.Bool or DType.UInt8 or DType.Int8 => [1],
        _ => throw new UnimplementedException($"No value 1 for type {t.Name()}"),
    };

    /// <summary>Repeats one element's bytes over <paramref name="dst"/>, with a typed fill for the common sizes.</summary>
    internal static void FillPattern(Span<byte> dst, ReadOnlySpan<byte> pattern)
    {
        switch (pattern.Length)
        {
            case 1: dst.Fill(pattern[0]); return;
            case 2: MemoryMarshal.Cast<byte, ushort>(dst).Fill(MemoryMarshal.Read<ushort>(pattern)); return;
            case 4: MemoryMarshal.Cast<byte, uint>(dst).Fill(MemoryMarshal.Read<uint>(pattern)); return;
            case 8: MemoryMarshal.Cast<byte, ulong>(dst).Fill(MemoryMarshal.Read<ulong>(pattern)); return;
        }
        for (int i = 0; i + pattern.Length <= dst.Length; i += pattern.Length) pattern.CopyTo(dst[i..]);
    }
}
