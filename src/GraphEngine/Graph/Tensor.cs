using GraphEngine.Ops.Core;

namespace GraphEngine;

/// <summary>
/// A symbolic tensor: output <see cref="value_index"/> of an <see cref="Operation"/> (TF1's tf.Tensor).
/// It has a dtype and a static, possibly partial shape; values exist only inside a session run.
/// </summary>
public sealed partial class Tensor : ITensorOrOperation
{
    private TensorShape _shape;

    internal Tensor(Operation op, int index, DType dtype, TensorShape shape)
    {
        this.op = op;
        value_index = index;
        this.dtype = dtype;
        _shape = shape;
    }

    public Operation op { get; }
    public int value_index { get; }

    /// <summary>The element type; a ref type (float_ref) for a TF1 variable's own output.</summary>
    public DType dtype { get; }

    public Graph graph => op.graph;

    /// <summary>"op_name:index".</summary>
    public string name
    {
        get
        {
            // Built once per op name (every sess.run asks for the names of its feeds and fetches).
            var opName = op.name;
            if (_name is { } cached && ReferenceEquals(cached.OpName, opName)) return cached.Full;
            var full = $"{opName}:{value_index}";
            _name = new NameCache(opName, full);
            return full;
        }
    }

    private sealed record NameCache(string OpName, string Full);

    private NameCache? _name;

    public TensorShape shape => _shape;

    /// <summary>Refines the static shape (TF's set_shape); an incompatible shape is an InvalidArgument.</summary>
    internal void SetShape(TensorShape shape)
    {
        try
        {
            _shape = _shape.MergeWith(shape);
        }
        catch (InvalidArgumentException)
        {
            throw new InvalidArgumentException($"Tensor '{name}' has shape {_shape}, which is not compatible with the requested shape {shape}.");
        }
    }

    public int rank => _shape.Rank;

    Operation ITensorOrOperation.Op => op;

    /// <summary>Evaluates in <paramref name="session"/> or the default (interactive) session.</summary>
    public NumSharp.NDArray eval(Session? session = null, FeedDict? feed_dict = null) =>
        (session ?? Session.DefaultOrThrow()).run(this, feed_dict ?? new FeedDict());

    public NumSharp.NDArray eval(Session session, params (Tensor, object)[] feeds) => session.run(this, feeds);

    public override string ToString() => $"<tf.Tensor '{name}' shape={_shape} dtype={dtype.PythonName()}>";
}

/// <summary>
/// TF's get_shape()/set_shape(): C# reserves those names for the <c>shape</c> property's accessors,
/// so they are extension methods.
/// </summary>
public static class TensorShapeMethods
{
    public static TensorShape get_shape(this Tensor t) => t.shape;

    public static void set_shape(this Tensor t, ShapeLike shape) => t.SetShape(shape.Value);

    public static TensorShape get_shape(this Variable v) => v.shape;
}
