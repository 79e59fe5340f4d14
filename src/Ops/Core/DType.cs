namespace GraphEngine.Ops.Core;

/// <summary>Element types, numbered exactly as TensorFlow's <c>DataType</c> enum (types.proto).</summary>
public enum DType
{
    Invalid = 0,
    Float = 1,
    Double = 2,
    Int32 = 3,
    UInt8 = 4,
    Int16 = 5,
    Int8 = 6,
    String = 7,
    Complex64 = 8,
    Int64 = 9,
    Bool = 10,
    QInt8 = 11,
    QUInt8 = 12,
    QInt32 = 13,
    BFloat16 = 14,
    QInt16 = 15,
    QUInt16 = 16,
    UInt16 = 17,
    Complex128 = 18,
    Half = 19,
    Resource = 20,
    Variant = 21,
    UInt32 = 22,
    UInt64 = 23,

    FloatRef = 101,
    DoubleRef = 102,
    Int32Ref = 103,
    UInt8Ref = 104,
    Int16Ref = 105,
    Int8Ref = 106,
    StringRef = 107,
    Complex64Ref = 108,
    Int64Ref = 109,
    BoolRef = 110,
    QInt8Ref = 111,
    QUInt8Ref = 112,
    QInt32Ref = 113,
    BFloat16Ref = 114,
    QInt16Ref = 115,
    QUInt16Ref = 116,
    UInt16Ref = 117,
    Complex128Ref = 118,
    HalfRef = 119,
    ResourceRef = 120,
    VariantRef = 121,
    UInt32Ref = 122,
    UInt64Ref = 123,
}

/// <summary>Facts about each <see cref="DType"/>: byte size, TF's short name, classification.</summary>
public static class DTypeInfo
{
    private const int RefOffset = 100;

    public static bool IsRef(this DType t) => (int)t > RefOffset;
    public static DType BaseType(this DType t) => t.IsRef() ? (DType)((int)t - RefOffset) : t;
    public static DType AsRef(this DType t) => t.IsRef() ? t : (DType)((int)t + RefOffset);

    /// <summary>Bytes per element; 0 for types without a fixed size (string, resource, variant).</summary>
    public static int Size(this DType t) => t.BaseType() switch
    {
        DType.Float => 4,
        DType.Double => 8,
        DType.Int32 => 4,
        DType.UInt8 => 1,
        DType.Int16 => 2,
        DType.Int8 => 1,
        DType.Complex64 => 8,
        DType.Int64 => 8,
        DType.Bool => 1,
        DType.QInt8 => 1,
        DType.QUInt8 => 1,
        DType.QInt32 => 4,
        DType.BFloat16 => 2,
        DType.QInt16 => 2,
        DType.QUInt16 => 2,
        DType.UInt16 => 2,
        DType.Complex128 => 16,
        DType.Half => 2,
        DType.UInt32 => 4,
        DType.UInt64 => 8,
        _ => 0,
    };

    /// <summary>TensorFlow's name of the type, as used in OpDef specs and error messages ("float", "int32", "float_ref").</summary>
    public static string Name(this DType t)
    {
        if (t.IsRef()) return t.BaseType().Name() + "_ref";
        return t switch
        {
            DType.Float => "float",
            DType.Double => "double",
            DType.Int32 => "int32",
            DType.UInt8 => "uint8",
            DType.Int16 => "int16",
            DType.Int8 => "int8",
            DType.String => "string",
            DType.Complex64 => "complex64",
            DType.Int64 => "int64",
            DType.Bool => "bool",
            DType.QInt8 => "qint8",
            DType.QUInt8 => "quint8",
            DType.QInt32 => "qint32",
            DType.BFloat16 => "bfloat16",
            DType.QInt16 => "qint16",
            DType.QUInt16 => "quint16",
            DType.UInt16 => "uint16",
            DType.Complex128 => "complex128",
            DType.Half => "half",
            DType.Resource => "resource",
            DType.Variant => "variant",
            DType.UInt32 => "uint32",
            DType.UInt64 => "uint64",
            _ => "invalid",
        };
    }

    /// <summary>The Python-side name (<c>tf.float32</c>), used where TF's Python layer prints types.</summary>
    public static string PythonName(this DType t) => t.BaseType() switch
    {
        DType.Float => "float32",
        DType.Double => "float64",
        DType.Half => "float16",
        _ => t.BaseType().Name(),
    } + (t.IsRef() ? "_ref" : "");

    /// <summary>The DataType enum constant name (<c>DT_FLOAT</c>), as text protos spell it.</summary>
    public static string EnumName(this DType t) => t == DType.Invalid ? "DT_INVALID" : "DT_" + t.Name().ToUpperInvariant();

    private static readonly Dictionary<string, DType> ByName = BuildNameTable();

    private static Dictionary<string, DType> BuildNameTable()
    {
        var table = new Dictionary<string, DType>(StringComparer.Ordinal);
        foreach (var t in Enum.GetValues<DType>())
        {
            if (t == DType.Invalid) continue;
            table[t.Name()] = t;
            table[t.EnumName()] = t;
            table[t.PythonName()] = t;
        }
        return table;
    }

    /// <summary>Parses "float", "float32", "DT_FLOAT" or "float_ref".</summary>
    public static bool TryParse(string name, out DType type) => ByName.TryGetValue(name, out type);

    public static DType Parse(string name) =>
        TryParse(name, out var t) ? t : throw new InvalidArgumentException($"Unknown data type '{name}'.");

    public static bool IsFloating(this DType t) => t.BaseType() is DType.Float or DType.Double or DType.Half or DType.BFloat16;
    public static bool IsComplex(this DType t) => t.BaseType() is DType.Complex64 or DType.Complex128;

    public static bool IsInteger(this DType t) => t.BaseType() is DType.Int8 or DType.Int16 or DType.Int32 or DType.Int64
        or DType.UInt8 or DType.UInt16 or DType.UInt32 or DType.UInt64;

    public static bool IsUnsigned(this DType t) => t.BaseType() is DType.UInt8 or DType.UInt16 or DType.UInt32 or DType.UInt64;

    /// <summary>Whether gradients can flow through tensors of this type (TF: floating and complex types only).</summary>
    public static bool IsDifferentiable(this DType t) => t.IsFloating() || t.IsComplex();

    /// <summary>The DType of a CLR element type, for the types that have one.</summary>
    public static DType FromClr(Type type) => type switch
    {
        _ when type == typeof(float) => DType.Float,
        _ when type == typeof(double) => DType.Double,
        _ when type == typeof(int) => DType.Int32,
        _ when type == typeof(long) => DType.Int64,
        _ when type == typeof(byte) => DType.UInt8,
        _ when type == typeof(sbyte) => DType.Int8,
        _ when type == typeof(short) => DType.Int16,
        _ when type == typeof(ushort) => DType.UInt16,
        _ when type == typeof(uint) => DType.UInt32,
        _ when type == typeof(ulong) => DType.UInt64,
        _ when type == typeof(bool) => DType.Bool,
        _ when type == typeof(Half) => DType.Half,
        _ when type == typeof(System.Numerics.Complex) => DType.Complex128,
        _ when type == typeof(string) => DType.String,
        _ when type == typeof(byte[]) => DType.String,
        _ => throw new InvalidArgumentException($"No TensorFlow data type for CLR type {type.Name}."),
    };

    /// <summary>The CLR element type that holds values of this DType in host buffers.</summary>
    public static Type ClrType(this DType t) => t.BaseType() switch
    {
        DType.Float => typeof(float),
        DType.Double => typeof(double),
        DType.Int32 => typeof(int),
        DType.Int64 => typeof(long),
        DType.UInt8 => typeof(byte),
        DType.Int8 => typeof(sbyte),
        DType.Int16 => typeof(short),
        DType.UInt16 => typeof(ushort),
        DType.UInt32 => typeof(uint),
        DType.UInt64 => typeof(ulong),
        DType.Bool => typeof(bool),
        DType.Half => typeof(Half),
        DType.BFloat16 => typeof(ushort),
        DType.Complex128 => typeof(System.Numerics.Complex),
        DType.String => typeof(byte[]),
        _ => throw new UnimplementedException($"Data type {t.Name()} has no host representation."),
    };
}
