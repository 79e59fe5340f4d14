using GraphEngine.Ops.Core;

namespace GraphEngine.Ops.Framework;

/// <summary>
/// Dtype lists for kernels that only move elements (gather, tile, transpose, select, …): such
/// kernels work on raw elements of the dtype's byte size, so one implementation serves them all.
/// </summary>
internal static class KernelTypes
{
    /// <summary>Every dtype with a fixed element size that the host tensors store.</summary>
    public static readonly DType[] FixedSize =
    [
        DType.Float, DType.Double, DType.Int32, DType.Int64, DType.Bool, DType.UInt8, DType.Int8, DType.Int16, DType.UInt16,
        DType.UInt32, DType.UInt64, DType.Half, DType.BFloat16, DType.Complex64, DType.Complex128,
    ];

    /// <summary>The elements of a numeric tensor reinterpreted as <typeparamref name="T"/> (same byte size).</summary>
    public static Span<T> Raw<T>(HostTensor x) where T : unmanaged =>
        x.Buffer is { } b ? b.AsSpan<T>(x.NumElements) : throw new UnimplementedException($"No kernel for elements of type {x.DType.Name()}.");

    /// <summary>Calls the visitor with an unmanaged type of the dtype's element size (1, 2, 4, 8 or 16 bytes).</summary>
    public static void BySize<TVisitor>(DType dtype, ref TVisitor visitor) where TVisitor : struct, ISizeVisitor
    {
        switch (dtype.Size())
        {
            case 1: visitor.Visit<byte>(); break;
            case 2: visitor.Visit<ushort>(); break;
            case 4: visitor.Visit<uint>(); break;
            case 8: visitor.Visit<ulong>(); break;
            case 16: visitor.Visit<UInt128>(); break;
            default: throw new UnimplementedException($"No kernel for elements of type {dtype.Name()}.");
        }
    }
}

/// <summary>A generic action over one element representation (see <see cref="KernelTypes.BySize{TVisitor}"/>).</summary>
internal interface ISizeVisitor
{
    void Visit<T>() where T : unmanaged;
}
