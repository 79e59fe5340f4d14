using GraphEngine.Ops.Core;
using GraphEngine.Ops.Proto;

namespace GraphEngine.Ops.Model.Serialization;

/// <summary>DType ↔ DataType and TensorShape ↔ TensorShapeProto.</summary>
public static class ShapeTypeConverter
{
    // Both enums carry TF's numbers, so the conversion is a cast; unknown numbers pass through
    // unchanged (a newer TF type survives a read/write round trip even if we cannot run it).
    public static DType ToDType(DataType t) => (DType)(int)t;

    public static DataType ToProto(DType t) => (DataType)(int)t;

    /// <summary>unknown_rank gives an unknown shape; size -1 an unknown dimension. Dimension names are dropped.</summary>
    public static TensorShape ToShape(TensorShapeProto? p, string where = "shape")
    {
        if (p == null) return TensorShape.Scalar;
        if (p.UnknownRank) return TensorShape.Unknown;
        var dims = new long[p.Dim.Count];
        for (int i = 0; i < dims.Length; i++)
        {
            long d = p.Dim[i].Size;
            if (d < -1) throw new InvalidArgumentException($"{where}: dimension {i} has size {d}; expected >= 0 or -1 (unknown).");
            dims[i] = d;
        }
        return new TensorShape(dims);
    }

    public static TensorShapeProto ToProto(TensorShape s)
    {
        var p = new TensorShapeProto();
        if (!s.HasRank)
        {
            p.UnknownRank = true;
            return p;
        }
        foreach (var d in s.Dims) p.Dim.Add(new TensorShapeProto.Types.Dim { Size = d });
        return p;
    }
}
