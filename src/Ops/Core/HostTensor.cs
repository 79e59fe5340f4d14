using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GraphEngine.Ops.Core;

/// <summary>
/// A concrete tensor in host memory: a dtype, a fully defined shape and its elements
/// (row-major, little-endian). String tensors hold byte strings instead of a buffer.
/// </summary>
public sealed class HostTensor
{
    // Grow-only: a reused tensor object keeps its array when re-shaped to a lower rank (a pooled buffer
    // serves scalars and vectors in turn), so only the first _rank entries are the dims.
    private long[] _dims;
    private int _rank;
    private TensorShape? _shape;

    private HostTensor(DType dtype, long[] dims, long numElements, TensorBuffer? buffer, byte[][]? strings, object?[]? objects = null)
    {
        DType = dtype;
        _dims = dims;
        _rank = dims.Length;
        NumElements = numElements;
        Buffer = buffer;
        Strings = strings;
        Objects = objects;
    }

    public DType DType { get; private set; }

    /// <summary>The dimensions; empty for a scalar.</summary>
    public ReadOnlySpan<long> Dims => new(_dims, 0, _rank);

    public int Rank => _rank;

    public long NumElements { get; private set; }

    public TensorShape Shape => _shape ??= new TensorShape(Dims.ToArray());

    /// <summary>The element buffer; null for string tensors.</summary>
    public TensorBuffer? Buffer { get; }

    /// <summary>The elements of a DT_STRING tensor; null otherwise.</summary>
    public byte[][]? Strings { get; }

    /// <summary>
    /// The elements of a DT_RESOURCE or DT_VARIANT tensor (a queue, an iterator, a dataset): host
    /// objects that live only inside one process, as TF's ResourceHandle and Variant do; null otherwise.
    /// </summary>
    public object?[]? Objects { get; }

    public long ByteSize => Buffer?.ByteLength ?? 0;

    /// <summary>Whether the dtype's elements are host objects (resource handles and variants).</summary>
    public static bool HoldsObjects(DType dtype) => dtype.BaseType() is DType.Resource or DType.Variant;

    /// <summary>A DT_RESOURCE or DT_VARIANT tensor holding <paramref name="values"/>.</summary>
    public static HostTensor FromObjects(DType dtype, object?[] values, ReadOnlySpan<long> dims)
    {
        if (!HoldsObjects(dtype))
            throw new InvalidArgumentException($"Only resource and variant tensors hold objects, not {dtype.Name()}.");
        long n = CountElements(dims);
        if (n != values.Length)
            throw new InvalidArgumentException($"{values.Length} objects do not fill shape [{string.Join(",", dims.ToArray())}].");
        return new HostTensor(dtype.BaseType(), dims.ToArray(), n, null, null, values);
    }

    /// <summary>The object of a scalar resource or variant tensor, checked to be a <typeparamref name="T"/>.</summary>
    public T ScalarObject<T>(string what) where T : class
    {
        if (Objects is not { Length: 1 } objs)
            throw new InvalidArgumentException($"{what} must be a scalar {(HoldsObjects(DType) ? DType.Name() : "resource or variant")} tensor, got a {DType.Name()} tensor of shape {Shape}.");
        return objs[0] as T ?? throw new InvalidArgumentException(
            $"{what} holds {(objs[0] == null ? "no object" : objs[0]!.GetType().Name)}, expected {typeof(T).Name}.");
    }

    public static long CountElements(ReadOnlySpan<long> dims)
    {
        long n = 1;
        foreach (var d in dims)
        {
            if (d < 0) throw new InvalidArgumentException($"Dimension {d} must be >= 0 in shape [{string.Join(",", dims.ToArray())}].");
            n = checked(n * d);
        }
        return n;
    }

    /// <summary>Bytes a numeric tensor of this dtype and shape needs (0 for strings); ResourceExhausted when it overflows.</summary>
    public static long RequestedBytes(DType dtype, ReadOnlySpan<long> dims)
    {
        long n;
        try { n = CountElements(dims); }
        catch (OverflowException) { throw new InvalidArgumentException($"Shape [{string.Join(",", dims.ToArray())}] has too many elements."); }
        try { return checked(n * dtype.BaseType().Size()); }
        catch (OverflowException) { throw new ResourceExhaustedException($"OOM when allocating tensor with shape [{string.Join(",", dims.ToArray())}] and type {dtype.Name()}."); }
    }

    /// <summary>A tensor with a pooled, uninitialised buffer.</summary>
    public static HostTensor Allocate(DType dtype, ReadOnlySpan<long> dims)
    {
        dtype = dtype.BaseType();
        long n;
        try { n = CountElements(dims); }
        catch (OverflowException) { throw new InvalidArgumentException($"Shape [{string.Join(",", dims.ToArray())}] has too many elements."); }
        if (dtype == DType.String) return new HostTensor(dtype, dims.ToArray(), n, null, NewStrings(n));
        if (HoldsObjects(dtype)) return new HostTensor(dtype, dims.ToArray(), n, null, null, new object?[checked((int)n)]);
        int size = dtype.Size();
        if (size == 0) throw new UnimplementedException($"Cannot allocate a host tensor of type {dtype.Name()}.");
        long bytes;
        try { bytes = checked(n * size); }
        catch (OverflowException) { throw new ResourceExhaustedException($"OOM when allocating tensor with shape [{string.Join(",", dims.ToArray())}] and type {dtype.Name()}."); }
        var buffer = BufferPool.Shared.Rent(bytes);
        if (buffer.PrimaryView is { } reused)
        {
            // Nobody holds the buffer, so nobody may use its tensor object either: re-shape it in place.
            reused.DType = dtype;
            reused.NumElements = n;
            reused.SetDims(dims);
            reused._shape = null;
            return reused;
        }
        var t = new HostTensor(dtype, dims.ToArray(), n, buffer, null);
        buffer.PrimaryView = t;
        return t;
    }

    /// <summary>A tensor of zeros.</summary>
    public static HostTensor Zeros(DType dtype, ReadOnlySpan<long> dims)
    {
        var t = Allocate(dtype, dims);
        t.Buffer?.Bytes.Clear();
        return t;
    }

    private static byte[][] NewStrings(long n)
    {
        if (n > System.Array.MaxLength)
            throw new ResourceExhaustedException($"OOM when allocating a string tensor of {n} elements: host string tensors hold at most {System.Array.MaxLength}.");
        var s = new byte[checked((int)n)][];
        System.Array.Fill(s, System.Array.Empty<byte>());
        return s;
    }

    /// <summary>Wraps memory owned by <paramref name="owner"/> without copying.</summary>
    public static HostTensor Wrap(DType dtype, ReadOnlySpan<long> dims, nint address, object owner)
    {
        long n = CountElements(dims);
        return new HostTensor(dtype.BaseType(), dims.ToArray(), n, TensorBuffer.External(address, n * dtype.Size(), owner), null);
    }

    /// <summary>
    /// A scalar DT_RESOURCE handle naming a per-step resource (a stack): the name is all a kernel
    /// needs to find it, so it is kept like a string element.
    /// </summary>
    public static HostTensor ResourceHandle(string name) =>
        new(DType.Resource, [], 1, null, [System.Text.Encoding.UTF8.GetBytes(name)]);

    public static HostTensor FromStrings(byte[][] values, ReadOnlySpan<long> dims)
    {
        long n = CountElements(dims);
        if (n != values.Length)
            throw new InvalidArgumentException($"{values.Length} strings do not fill shape [{string.Join(",", dims.ToArray())}].");
        return new HostTensor(DType.String, dims.ToArray(), n, null, values);
    }

    /// <summary>A tensor holding a copy of <paramref name="data"/>.</summary>
    public static HostTensor FromSpan<T>(ReadOnlySpan<T> data, ReadOnlySpan<long> dims) where T : unmanaged
    {
        var dtype = DTypeInfo.FromClr(typeof(T));
        var t = Allocate(dtype, dims);
        if (t.NumElements != data.Length)
            throw new InvalidArgumentException($"{data.Length} values do not fill shape [{string.Join(",", dims.ToArray())}] ({t.NumElements} elements).");
        data.CopyTo(t.AsSpan<T>());
        return t;
    }

    public static HostTensor FromArray<T>(T[] data, params long[] dims) where T : unmanaged => FromSpan<T>(data, dims);

    public static HostTensor Scalar<T>(T value) where T : unmanaged => FromSpan<T>([value], []);

    /// <summary>A typed view of the elements. T must match the dtype's element size.</summary>
    public Span<T> AsSpan<T>() where T : unmanaged
    {
        if (Buffer == null)
            throw new InvalidArgumentException($"Tensor of type {DType.Name()} has no numeric buffer.");
        if (Unsafe.SizeOf<T>() != DType.Size())
            throw new InternalException($"Cannot view a {DType.Name()} tensor as {typeof(T).Name}.");
        return Buffer.AsSpan<T>(NumElements);
    }

    public ReadOnlySpan<T> AsReadOnlySpan<T>() where T : unmanaged => AsSpan<T>();

    public T ScalarValue<T>() where T : unmanaged
    {
        if (NumElements != 1)
            throw new InvalidArgumentException($"Expected a single value but the tensor has shape {Shape}.");
        return AsSpan<T>()[0];
    }

    /// <summary>An int64 view of an integer tensor's values (int32 or int64), e.g. shapes and axes.</summary>
    public long[] ToInt64Array()
    {
        var values = new long[DType is DType.Int32 or DType.Int64 ? NumElements : 0];
        CopyInt64To(values);   // the typed error for any other dtype
        return values;
    }

    /// <summary>
    /// The int32 or int64 values widened into <paramref name="destination"/> (NumElements long), so kernels
    /// can read small shape and axis tensors onto the stack; another dtype is a typed error.
    /// </summary>
    public void CopyInt64To(Span<long> destination)
    {
        switch (DType)
        {
            case DType.Int32:
                var ints = AsSpan<int>();
                for (int i = 0; i < ints.Length; i++) destination[i] = ints[i];
                break;
            case DType.Int64:
                AsSpan<long>().CopyTo(destination);
                break;
            default:
                throw new InvalidArgumentException($"Expected an int32 or int64 tensor, got {DType.Name()}.");
        }
    }

    public T[] ToArray<T>() where T : unmanaged => AsSpan<T>().ToArray();

    /// <summary>A deep copy with its own pooled buffer.</summary>
    public HostTensor Clone()
    {
        if (Strings != null) return new HostTensor(DType, Dims.ToArray(), NumElements, null, (byte[][])Strings.Clone());
        if (Objects != null) return new HostTensor(DType, Dims.ToArray(), NumElements, null, null, (object?[])Objects.Clone());
        var copy = Allocate(DType, Dims);
        Buffer!.Bytes.CopyTo(copy.Buffer!.Bytes);
        return copy;
    }

    /// <summary>The same elements seen with another shape of equal element count (no copy).</summary>
    public HostTensor Reshaped(ReadOnlySpan<long> dims)
    {
        long n = CountElements(dims);
        if (n != NumElements)
            throw new InvalidArgumentException($"Cannot reshape a tensor with {NumElements} elements to shape [{string.Join(",", dims.ToArray())}] ({n} elements)");
        if (Buffer is { IsPooled: true } buffer)
        {
            if (buffer.TakeSpareView(dims.Length) is { } spare)
            {
                spare.DType = DType;
                spare.NumElements = n;
                spare.SetDims(dims);
                spare._shape = null;
                return spare;
            }
            var view = new HostTensor(DType, dims.ToArray(), n, buffer, null);
            buffer.OfferView(view);
            return view;
        }
        return new HostTensor(DType, dims.ToArray(), n, Buffer, Strings, Objects);
    }

    public bool SameShape(HostTensor other) => Dims.SequenceEqual(other.Dims);

    /// <summary>Whether re-shaping this object to <paramref name="rank"/> dims needs no new dims array.</summary>
    internal bool FitsRank(int rank) => _dims.Length >= rank;

    /// <summary>Re-shapes a reused tensor object, keeping its dims array when it is long enough.</summary>
    private void SetDims(ReadOnlySpan<long> dims)
    {
        if (_dims.Length < dims.Length) _dims = dims.ToArray();
        else dims.CopyTo(_dims);
        _rank = dims.Length;
    }

    public override string ToString() => $"HostTensor({DType.Name()}, {Shape})";

    /// <summary>Equality of dtype, shape and bytes (tests, constant folding).</summary>
    public bool ContentEquals(HostTensor other)
    {
        if (DType != other.DType || !SameShape(other)) return false;
        if (Strings != null) return other.Strings != null && Strings.Zip(other.Strings).All(p => p.First.AsSpan().SequenceEqual(p.Second));
        if (Objects != null) return other.Objects != null && Objects.Zip(other.Objects).All(p => ReferenceEquals(p.First, p.Second));
        return Buffer!.Bytes.SequenceEqual(other.Buffer!.Bytes);
    }
}
