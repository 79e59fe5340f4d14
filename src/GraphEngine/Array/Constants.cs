using System.Runtime.CompilerServices;
using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>
    /// A Const node holding <paramref name="value"/> (scalar, C# array of any rank, NDArray, string).
    /// With <paramref name="dtype"/> the elements are converted; with <paramref name="shape"/> a scalar
    /// is broadcast to it or the values are reshaped to it (TF1 semantics).
    /// </summary>
    public static Tensor constant(object value, DType? dtype = null, ShapeLike? shape = null, string name = "Const",
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        var host = NDArrayConversion.ToHostTensor(value, dtype, $"constant '{name}'");
        if (shape is { } s)
        {
            var target = s.Value;
            if (!target.IsFullyDefined) throw new InvalidArgumentException($"Shape of constant '{name}' must be fully defined, got {target}.");
            if (host.NumElements == 1 && target.NumElements != 1) host = Broadcast(host, target);
            else if (host.NumElements == target.NumElements) host = host.Clone().Reshaped(target.Dims);
            else throw new InvalidArgumentException($"Expected {target.NumElements} elements for constant '{name}' of shape {target}, but got {host.NumElements}.");
        }
        else if (ReferenceEquals(host, value) || value is NumSharp.NDArray)
        {
            // The node keeps the value: never alias caller-owned memory.
            host = host.Clone();
        }
        return ConstantOf(host, name);
    }

    internal static Tensor ConstantOf(HostTensor host, string name) =>
        new OpBuilder(ArrayOps.Const, name).Attr("value", host).Attr("dtype", host.DType).Build().outputs[0];

    private static HostTensor Broadcast(HostTensor scalar, TensorShape shape)
    {
        var t = HostTensor.Allocate(scalar.DType, shape.Dims);
        if (scalar.Strings != null)
        {
            Array.Fill(t.Strings!, scalar.Strings[0]);
            return t;
        }
        int size = scalar.DType.Size();
        var src = scalar.Buffer!.Bytes;
        var dst = t.Buffer!.Bytes;
        for (int i = 0; i < dst.Length; i += size) src.CopyTo(dst[i..]);
        return t;
    }

    /// <summary>A tensor of <paramref name="dims"/> filled with <paramref name="value"/> (Fill).</summary>
    public static Tensor fill(object dims, object value, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        using var scope = name_scope(name ?? "Fill");
        var d = dims is Tensor dt ? dt : ShapeTensor(dims, "dims");
        var v = convert_to_tensor(value, name: "value");
        return new OpBuilder(ArrayOps.Fill, scope.Name).Input(d).Input(v).Build().outputs[0];
    }

    /// <summary>Zeros of a shape: a Const when small (under 1000 elements), else Fill, as TF1 builds it.</summary>
    public static Tensor zeros(ShapeLike shape, DType dtype = DType.Float, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return FilledWith(shape.Value, dtype, name ?? "zeros", 0);
    }

    public static Tensor ones(ShapeLike shape, DType dtype = DType.Float, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return FilledWith(shape.Value, dtype, name ?? "ones", 1);
    }

    private static Tensor FilledWith(TensorShape shape, DType dtype, string name, int value)
    {
        if (!shape.IsFullyDefined) throw new InvalidArgumentException($"Shape for '{name}' must be fully defined, got {shape}.");
        object scalar = dtype == DType.Bool ? value != 0 : value;
        using var scope = name_scope(name);
        if (shape.NumElements < 1000)
            return ConstantOf(Broadcast(NDArrayConversion.ToHostTensor(scalar, dtype), shape), scope.Name);
        var dims = ShapeTensor(shape.ToArray(), "shape_as_tensor");
        var v = constant(scalar, dtype, name: "Const");
        return new OpBuilder(ArrayOps.Fill, scope.Name).Input(dims).Input(v).Build().outputs[0];
    }

    public static Tensor zeros_like(Tensor tensor, DType? dtype = null, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        var x = dtype is { } d && d != tensor.dtype.BaseType() ? cast(tensor, d) : tensor;
        return OpBuilder.Unary(ArrayOps.ZerosLike, x, name);
    }

    public static Tensor ones_like(Tensor tensor, DType? dtype = null, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        var x = dtype is { } d && d != tensor.dtype.BaseType() ? cast(tensor, d) : tensor;
        return OpBuilder.Unary(ArrayOps.OnesLike, x, name);
    }

    /// <summary>An int32 shape vector (int64 when a dim does not fit) from int[], long[], TensorShape or a tensor.</summary>
    internal static Tensor ShapeTensor(object shape, string name)
    {
        long[] dims = shape switch
        {
            Tensor t => throw new InternalException($"ShapeTensor called with tensor {t.name}"),
            ShapeLike s => s.Value.ToArray(),
            TensorShape s => s.ToArray(),
            int[] a => Array.ConvertAll(a, v => (long)v),
            long[] a => a,
            NumSharp.Shape s => s.Dimensions,
            int i => [i],
            long l => [l],
            _ => throw new InvalidArgumentException($"Cannot use a {shape.GetType().Name} as a shape."),
        };
        bool fits = dims.All(d => d is >= int.MinValue and <= int.MaxValue);
        return fits ? constant(Array.ConvertAll(dims, d => (int)d), name: name) : constant(dims, name: name);
    }
}
