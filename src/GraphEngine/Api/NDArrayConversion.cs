using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GraphEngine.Ops.Core;
using NumSharp;
using DType = GraphEngine.Ops.Core.DType;

namespace GraphEngine;

/// <summary>
/// Host values at the API boundary ↔ engine tensors. Accepts NumSharp NDArrays (wrapped without a copy
/// when contiguous), C# arrays of any rank, and scalars; returns NDArrays.
/// </summary>
public static class NDArrayConversion
{
    /// <summary>Converts a host value to a tensor; with <paramref name="dtype"/>, converts the elements as NumPy's asarray(value, dtype) would for safe kinds.</summary>
    public static HostTensor ToHostTensor(object? value, DType? dtype = null, string? what = null)
    {
        var t = Raw(value, what);
        if (dtype is { } target && target.BaseType() != t.DType) t = ConvertElements(t, target.BaseType(), value, what);
        return t;
    }

    private static HostTensor Raw(object? value, string? what) => value switch
    {
        null => throw new InvalidArgumentException($"None values not supported{For(what)}."),
        HostTensor h => h,
        NDArray nd => FromNDArray(nd, what),
        string s => HostTensor.FromStrings([System.Text.Encoding.UTF8.GetBytes(s)], []),
        byte[] bytes when what == "string" => HostTensor.FromStrings([bytes], []),
        string[] ss => HostTensor.FromStrings(ss.Select(s => System.Text.Encoding.UTF8.GetBytes(s)).ToArray(), [ss.Length]),
        Array a => FromArray(a, what),
        float v => HostTensor.Scalar(v),
        double v => HostTensor.Scalar(v),
        int v => HostTensor.Scalar(v),
        long v => HostTensor.Scalar(v),
        bool v => HostTensor.Scalar(v),
        byte v => HostTensor.Scalar(v),
        sbyte v => HostTensor.Scalar(v),
        short v => HostTensor.Scalar(v),
        ushort v => HostTensor.Scalar(v),
        uint v => HostTensor.Scalar(v),
        ulong v => HostTensor.Scalar(v),
        Half v => HostTensor.Scalar(v),
        _ => throw new InvalidArgumentException($"Cannot convert a value of type {value.GetType().Name} to a tensor{For(what)}."),
    };

    private static string For(string? what) => what == null ? "" : $" for {what}";

    private static unsafe HostTensor FromNDArray(NDArray nd, string? what)
    {
        var dtype = FromTypeCode(nd.typecode, what);
        var dims = nd.ndim == 0 ? [] : nd.shape;
        if (!nd.Shape.IsContiguous || nd.Shape.IsSliced || nd.Shape.IsBroadcasted) return Wrap(nd.copy(), dtype, dims);
        var wrapped = Wrap(nd, dtype, dims);
        Wrapped.AddOrUpdate(nd, wrapped);
        return wrapped;
    }

    private static unsafe HostTensor Wrap(NDArray nd, DType dtype, long[] dims) =>
        HostTensor.Wrap(dtype, dims, (nint)nd.Unsafe.Address, nd);

    // The tensor each contiguous NDArray was last wrapped in: a training loop feeds the same arrays every
    // step, and wrapping them again each time cost a tensor, a buffer and two dims arrays per feed.
    private static readonly ConditionalWeakTable<NDArray, HostTensor> Wrapped = new();

    /// <summary>
    /// The tensor <paramref name="nd"/> was last wrapped in, if it still describes the array exactly
    /// (same memory, element type and shape, still contiguous); null otherwise. The wrap shares the
    /// array's memory, so its values are whatever the array holds when a run reads them, as with a fresh wrap.
    /// </summary>
    internal static unsafe HostTensor? CachedWrap(NDArray nd)
    {
        if (!Wrapped.TryGetValue(nd, out var t)) return null;
        var shape = nd.Shape;
        if (!shape.IsContiguous || shape.IsSliced || shape.IsBroadcasted || t.Buffer!.Address != (nint)nd.Unsafe.Address
            || t.DType != FromTypeCode(nd.typecode) || t.Rank != (nd.ndim == 0 ? 0 : shape.NDim)) return null;
        return t.Rank == 0 || t.Dims.SequenceEqual(shape.Dimensions) ? t : null;
    }

    private static HostTensor FromArray(Array a, string? what)
    {
        var elem = a.GetType().GetElementType()!;
        if (elem.IsArray)
            throw new InvalidArgumentException($"Jagged arrays ({a.GetType().Name}) cannot be converted to a tensor{For(what)}; use a rectangular array such as float[,].");
        DType dtype;
        try { dtype = DTypeInfo.FromClr(elem); }
        catch (InvalidArgumentException) { throw new InvalidArgumentException($"Arrays of {elem.Name} cannot be converted to a tensor{For(what)}."); }
        var dims = new long[a.Rank];
        for (int i = 0; i < dims.Length; i++) dims[i] = a.GetLength(i);
        var t = HostTensor.Allocate(dtype, dims);
        var src = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(a), checked((int)(t.NumElements * dtype.Size())));
        src.CopyTo(t.Buffer!.Bytes);
        return t;
    }

    public static DType FromTypeCode(NPTypeCode code, string? what = null) => code switch
    {
        NPTypeCode.Single => DType.Float,
        NPTypeCode.Double => DType.Double,
        NPTypeCode.Int32 => DType.Int32,
        NPTypeCode.Int64 => DType.Int64,
        NPTypeCode.Boolean => DType.Bool,
        NPTypeCode.Byte => DType.UInt8,
        NPTypeCode.SByte => DType.Int8,
        NPTypeCode.Int16 => DType.Int16,
        NPTypeCode.UInt16 => DType.UInt16,
        NPTypeCode.UInt32 => DType.UInt32,
        NPTypeCode.UInt64 => DType.UInt64,
        NPTypeCode.Half => DType.Half,
        NPTypeCode.Complex => DType.Complex128,
        _ => throw new InvalidArgumentException($"NDArray of type {code} has no TensorFlow data type{For(what)}."),
    };

    public static NPTypeCode ToTypeCode(DType dtype) => dtype.BaseType() switch
    {
        DType.Float => NPTypeCode.Single,
        DType.Double => NPTypeCode.Double,
        DType.Int32 => NPTypeCode.Int32,
        DType.Int64 => NPTypeCode.Int64,
        DType.Bool => NPTypeCode.Boolean,
        DType.UInt8 => NPTypeCode.Byte,
        DType.Int8 => NPTypeCode.SByte,
        DType.Int16 => NPTypeCode.Int16,
        DType.UInt16 => NPTypeCode.UInt16,
        DType.UInt32 => NPTypeCode.UInt32,
        DType.UInt64 => NPTypeCode.UInt64,
        DType.Half => NPTypeCode.Half,
        DType.Complex128 => NPTypeCode.Complex,
        _ => throw new UnimplementedException($"Tensors of type {dtype.Name()} cannot be returned as NDArray (NumSharp has no such type); use Session.run_strings for string tensors."),
    };

    /// <summary>Copies a tensor into a new NDArray (a scalar tensor gives a 0-d NDArray).</summary>
    public static unsafe NDArray ToNDArray(HostTensor t)
    {
        var code = ToTypeCode(t.DType);
        var nd = new NDArray(code, new Shape(t.Dims.ToArray()), false);
        if (t.NumElements > 0)
            t.Buffer!.Bytes.CopyTo(new Span<byte>(nd.Unsafe.Address, checked((int)t.ByteSize)));
        return nd;
    }

    /// <summary>
    /// Element conversion for feeds and constants, following NumPy's asarray(value, dtype) for the
    /// safe kinds: any number → floating, floating ↔ floating, integer → integer when every value
    /// fits. Floating → integer and bool ↔ number are errors naming the target.
    /// </summary>
    private static HostTensor ConvertElements(HostTensor t, DType to, object? original, string? what)
    {
        var from = t.DType;
        bool ok = (to.IsFloating() && (from.IsFloating() || from.IsInteger())) || (to.IsInteger() && from.IsInteger());
        if (!ok)
            throw new InvalidArgumentException($"Cannot convert a value of dtype {from.PythonName()} to dtype {to.PythonName()}{For(what)}.");
        var result = HostTensor.Allocate(to, t.Dims);
        int n = checked((int)t.NumElements);
        for (int i = 0; i < n; i++)
        {
            double v = ReadAsDouble(t, i, out long exact);
            if (to.IsInteger())
            {
                if (!FitsInteger(to, exact))
                    throw new InvalidArgumentException($"Value {exact} of type {from.PythonName()} does not fit in {to.PythonName()}{For(what)}.");
                WriteInteger(result, i, exact);
            }
            else WriteFloating(result, i, from.IsInteger() ? exact : v);
        }
        return result;
    }

    private static double ReadAsDouble(HostTensor t, int i, out long exact)
    {
        switch (t.DType)
        {
            case DType.Float: { var v = t.AsSpan<float>()[i]; exact = (long)v; return v; }
            case DType.Double: { var v = t.AsSpan<double>()[i]; exact = (long)v; return v; }
            case DType.Half: { var v = (double)t.AsSpan<Half>()[i]; exact = (long)v; return v; }
            case DType.Int32: exact = t.AsSpan<int>()[i]; return exact;
            case DType.Int64: exact = t.AsSpan<long>()[i]; return exact;
            case DType.Int16: exact = t.AsSpan<short>()[i]; return exact;
            case DType.Int8: exact = t.AsSpan<sbyte>()[i]; return exact;
            case DType.UInt8: exact = t.AsSpan<byte>()[i]; return exact;
            case DType.UInt16: exact = t.AsSpan<ushort>()[i]; return exact;
            case DType.UInt32: exact = t.AsSpan<uint>()[i]; return exact;
            case DType.UInt64: exact = (long)t.AsSpan<ulong>()[i]; return exact;
            default: throw new InvalidArgumentException($"Cannot convert elements of type {t.DType.Name()}.");
        }
    }

    private static bool FitsInteger(DType to, long v) => to switch
    {
        DType.Int8 => v is >= sbyte.MinValue and <= sbyte.MaxValue,
        DType.Int16 => v is >= short.MinValue and <= short.MaxValue,
        DType.Int32 => v is >= int.MinValue and <= int.MaxValue,
        DType.UInt8 => v is >= 0 and <= byte.MaxValue,
        DType.UInt16 => v is >= 0 and <= ushort.MaxValue,
        DType.UInt32 => v is >= 0 and <= uint.MaxValue,
        DType.UInt64 => v >= 0,
        _ => true,
    };

    private static void WriteInteger(HostTensor t, int i, long v)
    {
        switch (t.DType)
        {
            case DType.Int32: t.AsSpan<int>()[i] = (int)v; break;
            case DType.Int64: t.AsSpan<long>()[i] = v; break;
            case DType.Int16: t.AsSpan<short>()[i] = (short)v; break;
            case DType.Int8: t.AsSpan<sbyte>()[i] = (sbyte)v; break;
            case DType.UInt8: t.AsSpan<byte>()[i] = (byte)v; break;
            case DType.UInt16: t.AsSpan<ushort>()[i] = (ushort)v; break;
            case DType.UInt32: t.AsSpan<uint>()[i] = (uint)v; break;
            case DType.UInt64: t.AsSpan<ulong>()[i] = (ulong)v; break;
        }
    }

    private static void WriteFloating(HostTensor t, int i, double v)
    {
        switch (t.DType)
        {
            case DType.Float: t.AsSpan<float>()[i] = (float)v; break;
            case DType.Double: t.AsSpan<double>()[i] = v; break;
            case DType.Half: t.AsSpan<Half>()[i] = (Half)v; break;
            default: throw new UnimplementedException($"Conversion to {t.DType.Name()} is not supported.");
        }
    }
}
