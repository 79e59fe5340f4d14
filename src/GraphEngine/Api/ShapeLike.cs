using GraphEngine.Ops.Core;

namespace GraphEngine;

/// <summary>
/// Any way a user may write a shape: <see cref="TensorShape"/>, NumSharp <c>Shape</c>, <c>int[]</c> or
/// <c>long[]</c>, with -1 for an unknown dimension.
/// </summary>
public readonly struct ShapeLike
{
    public ShapeLike(TensorShape shape) => Value = shape;

    public TensorShape Value { get; }

    public static implicit operator ShapeLike(TensorShape s) => new(s);
    public static implicit operator ShapeLike(int[] dims) => new(new TensorShape(dims));
    public static implicit operator ShapeLike(long[] dims) => new(new TensorShape(dims));
    public static implicit operator ShapeLike(NumSharp.Shape s) => new(s.IsScalar && s.Dimensions.Length == 0 ? TensorShape.Scalar : new TensorShape(s.Dimensions));

    public override string ToString() => Value.ToString();
}
