using System.Globalization;
using System.Text;

namespace GraphEngine.Ops.Core;

/// <summary>The kind of value an <see cref="AttrValue"/> holds (the oneof of TF's attr_value.proto).</summary>
public enum AttrKind
{
    None,
    String,
    Int,
    Float,
    Bool,
    Type,
    Shape,
    Tensor,
    Func,
    Placeholder,
    ListString,
    ListInt,
    ListFloat,
    ListBool,
    ListType,
    ListShape,
    ListTensor,
    ListFunc,
}

/// <summary>A function reference in an attr: a name plus attrs (TF's NameAttrList).</summary>
public sealed record NameAttrList(string Name, IReadOnlyDictionary<string, AttrValue> Attr);

/// <summary>An attribute value on a node, as TF's AttrValue. Immutable.</summary>
public sealed class AttrValue : IEquatable<AttrValue>
{
    private AttrValue(AttrKind kind, object? value)
    {
        Kind = kind;
        Value = value;
    }

    public AttrKind Kind { get; }

    private object? Value { get; }

    public static AttrValue Of(string s) => new(AttrKind.String, Encoding.UTF8.GetBytes(s));
    public static AttrValue OfBytes(byte[] s) => new(AttrKind.String, s);
    public static AttrValue Of(long i) => new(AttrKind.Int, i);
    public static AttrValue Of(float f) => new(AttrKind.Float, f);
    public static AttrValue Of(bool b) => new(AttrKind.Bool, b);
    public static AttrValue Of(DType t) => new(AttrKind.Type, t);
    public static AttrValue Of(TensorShape s) => new(AttrKind.Shape, s);
    public static AttrValue Of(HostTensor t) => new(AttrKind.Tensor, t);
    public static AttrValue Of(NameAttrList f) => new(AttrKind.Func, f);
    public static AttrValue PlaceholderOf(string name) => new(AttrKind.Placeholder, name);
    public static AttrValue Of(IEnumerable<long> list) => new(AttrKind.ListInt, list.ToArray());
    public static AttrValue Of(IEnumerable<int> list) => new(AttrKind.ListInt, list.Select(i => (long)i).ToArray());
    public static AttrValue Of(IEnumerable<float> list) => new(AttrKind.ListFloat, list.ToArray());
    public static AttrValue Of(IEnumerable<bool> list) => new(AttrKind.ListBool, list.ToArray());
    public static AttrValue Of(IEnumerable<DType> list) => new(AttrKind.ListType, list.ToArray());
    public static AttrValue Of(IEnumerable<TensorShape> list) => new(AttrKind.ListShape, list.ToArray());
    public static AttrValue Of(IEnumerable<HostTensor> list) => new(AttrKind.ListTensor, list.ToArray());
    public static AttrValue Of(IEnumerable<NameAttrList> list) => new(AttrKind.ListFunc, list.ToArray());
    public static AttrValue OfStrings(IEnumerable<string> list) => new(AttrKind.ListString, list.Select(Encoding.UTF8.GetBytes).ToArray());
    public static AttrValue OfByteStrings(IEnumerable<byte[]> list) => new(AttrKind.ListString, list.ToArray());

    /// <summary>An empty list. TF's proto cannot tell which list kind an empty list is; we keep the kind asked for.</summary>
    public static AttrValue EmptyList(AttrKind listKind) => listKind switch
    {
        AttrKind.ListInt => Of(System.Array.Empty<long>()),
        AttrKind.ListFloat => Of(System.Array.Empty<float>()),
        AttrKind.ListBool => Of(System.Array.Empty<bool>()),
        AttrKind.ListType => Of(System.Array.Empty<DType>()),
        AttrKind.ListShape => Of(System.Array.Empty<TensorShape>()),
        AttrKind.ListTensor => Of(System.Array.Empty<HostTensor>()),
        AttrKind.ListFunc => Of(System.Array.Empty<NameAttrList>()),
        _ => OfByteStrings([]),
    };

    public static implicit operator AttrValue(string s) => Of(s);
    public static implicit operator AttrValue(long i) => Of(i);
    public static implicit operator AttrValue(int i) => Of((long)i);
    public static implicit operator AttrValue(float f) => Of(f);
    public static implicit operator AttrValue(bool b) => Of(b);
    public static implicit operator AttrValue(DType t) => Of(t);
    public static implicit operator AttrValue(TensorShape s) => Of(s);
    public static implicit operator AttrValue(HostTensor t) => Of(t);

    private T As<T>(AttrKind kind)
    {
        if (Kind != kind) throw new InvalidArgumentException($"Attr holds {KindName(Kind)}, not {KindName(kind)}.");
        return (T)Value!;
    }

    public byte[] Bytes => As<byte[]>(AttrKind.String);
    public string S => Encoding.UTF8.GetString(Bytes);
    public long I => As<long>(AttrKind.Int);
    public float F => As<float>(AttrKind.Float);
    public bool B => As<bool>(AttrKind.Bool);
    public DType Type => As<DType>(AttrKind.Type);
    public TensorShape Shape => As<TensorShape>(AttrKind.Shape);
    public HostTensor Tensor => As<HostTensor>(AttrKind.Tensor);
    public NameAttrList Func => As<NameAttrList>(AttrKind.Func);
    public string PlaceholderName => As<string>(AttrKind.Placeholder);

    public bool IsList => Kind >= AttrKind.ListString;

    /// <summary>List accessors accept an empty list of any kind, since the wire format cannot tell them apart.</summary>
    private T[] AsList<T>(AttrKind kind)
    {
        if (Kind == kind) return (T[])Value!;
        if (IsList && ListCount == 0) return [];
        throw new InvalidArgumentException($"Attr holds {KindName(Kind)}, not {KindName(kind)}.");
    }

    public long[] ListI => AsList<long>(AttrKind.ListInt);
    public float[] ListF => AsList<float>(AttrKind.ListFloat);
    public bool[] ListB => AsList<bool>(AttrKind.ListBool);
    public DType[] ListType => AsList<DType>(AttrKind.ListType);
    public TensorShape[] ListShape => AsList<TensorShape>(AttrKind.ListShape);
    public HostTensor[] ListTensor => AsList<HostTensor>(AttrKind.ListTensor);
    public NameAttrList[] ListFunc => AsList<NameAttrList>(AttrKind.ListFunc);
    public byte[][] ListBytes => AsList<byte[]>(AttrKind.ListString);
    public string[] ListS => ListBytes.Select(b => Encoding.UTF8.GetString(b)).ToArray();

    public int ListCount => IsList ? ((System.Array)Value!).Length : throw new InvalidArgumentException($"Attr holds {KindName(Kind)}, not a list.");

    /// <summary>TF's attr type name for a kind ("int", "list(type)").</summary>
    public static string KindName(AttrKind kind) => kind switch
    {
        AttrKind.String => "string",
        AttrKind.Int => "int",
        AttrKind.Float => "float",
        AttrKind.Bool => "bool",
        AttrKind.Type => "type",
        AttrKind.Shape => "shape",
        AttrKind.Tensor => "tensor",
        AttrKind.Func => "func",
        AttrKind.Placeholder => "placeholder",
        AttrKind.ListString => "list(string)",
        AttrKind.ListInt => "list(int)",
        AttrKind.ListFloat => "list(float)",
        AttrKind.ListBool => "list(bool)",
        AttrKind.ListType => "list(type)",
        AttrKind.ListShape => "list(shape)",
        AttrKind.ListTensor => "list(tensor)",
        AttrKind.ListFunc => "list(func)",
        _ => "none",
    };

    public bool Equals(AttrValue? other)
    {
        if (other is null) return false;
        if (IsList && other.IsList && ListCount == 0 && other.ListCount == 0) return true;
        if (Kind != other.Kind) return false;
        return Kind switch
        {
            AttrKind.String => Bytes.AsSpan().SequenceEqual(other.Bytes),
            AttrKind.Tensor => Tensor.ContentEquals(other.Tensor),
            AttrKind.Func => Func.Name == other.Func.Name && DictEquals(Func.Attr, other.Func.Attr),
            AttrKind.ListString => ListBytes.Length == other.ListBytes.Length && ListBytes.Zip(other.ListBytes).All(p => p.First.AsSpan().SequenceEqual(p.Second)),
            AttrKind.ListInt => ListI.AsSpan().SequenceEqual(other.ListI),
            AttrKind.ListFloat => ListF.AsSpan().SequenceEqual(other.ListF),
            AttrKind.ListBool => ListB.AsSpan().SequenceEqual(other.ListB),
            AttrKind.ListType => ListType.AsSpan().SequenceEqual(other.ListType),
            AttrKind.ListShape => ListShape.SequenceEqual(other.ListShape),
            AttrKind.ListTensor => ListTensor.Length == other.ListTensor.Length && ListTensor.Zip(other.ListTensor).All(p => p.First.ContentEquals(p.Second)),
            AttrKind.ListFunc => ListFunc.Length == other.ListFunc.Length && ListFunc.Zip(other.ListFunc).All(p => Of(p.First).Equals(Of(p.Second))),
            _ => Equals(Value, other.Value),
        };
    }

    private static bool DictEquals(IReadOnlyDictionary<string, AttrValue> a, IReadOnlyDictionary<string, AttrValue> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && kv.Value.Equals(v));

    public override bool Equals(object? obj) => obj is AttrValue a && Equals(a);

    public override int GetHashCode() => HashCode.Combine(Kind, Kind is AttrKind.Int or AttrKind.Bool or AttrKind.Type or AttrKind.Float ? Value : null);

    /// <summary>A short, TF-like rendering for error messages and debugging.</summary>
    public override string ToString() => Kind switch
    {
        AttrKind.String => $"\"{S}\"",
        AttrKind.Int => I.ToString(CultureInfo.InvariantCulture),
        AttrKind.Float => F.ToString("R", CultureInfo.InvariantCulture),
        AttrKind.Bool => B ? "true" : "false",
        AttrKind.Type => Type.EnumName(),
        AttrKind.Shape => Shape.ToString(),
        AttrKind.Tensor => Tensor.ToString(),
        AttrKind.Func => Func.Name,
        AttrKind.Placeholder => "$" + PlaceholderName,
        AttrKind.ListString => "[" + string.Join(", ", ListS.Select(s => $"\"{s}\"")) + "]",
        AttrKind.ListInt => "[" + string.Join(", ", ListI) + "]",
        AttrKind.ListFloat => "[" + string.Join(", ", ListF.Select(f => f.ToString("R", CultureInfo.InvariantCulture))) + "]",
        AttrKind.ListBool => "[" + string.Join(", ", ListB.Select(b => b ? "true" : "false")) + "]",
        AttrKind.ListType => "[" + string.Join(", ", ListType.Select(t => t.EnumName())) + "]",
        AttrKind.ListShape => "[" + string.Join(", ", ListShape.Select(s => s.ToString())) + "]",
        AttrKind.ListTensor => "[" + string.Join(", ", ListTensor.Select(t => t.ToString())) + "]",
        AttrKind.ListFunc => "[" + string.Join(", ", ListFunc.Select(f => f.Name)) + "]",
        _ => "<none>",
    };
}
