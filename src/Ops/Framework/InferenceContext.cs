using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Framework;

/// <summary>A shape function: reads input shapes (and constant inputs) and sets output shapes.</summary>
public delegate void ShapeFn(InferenceContext c);

/// <summary>
/// What a shape function sees of a node (TF's shape_inference::InferenceContext): input shapes and
/// dtypes, attrs, the values of inputs that are constant at build time, and the output slots to fill.
/// Shape functions throw <see cref="InvalidArgumentException"/> with TF's message texts;
/// <see cref="ShapeInference.Run"/> adds the node name and input shapes.
/// </summary>
public sealed class InferenceContext
{
    private readonly Func<int, HostTensor?>? _constantInput;
    private readonly Func<int, TensorShape?>? _inputAsShape;
    private readonly TensorShape[] _outputs;

    public InferenceContext(OpDef op, NodeDef node, TensorShape[] inputShapes, DType[] inputTypes, int numOutputs,
        Func<int, HostTensor?>? constantInput = null, Func<int, TensorShape?>? inputAsShape = null)
    {
        Op = op;
        Node = node;
        InputShapes = inputShapes;
        InputTypes = inputTypes;
        _constantInput = constantInput;
        _inputAsShape = inputAsShape;
        _outputs = Enumerable.Repeat(TensorShape.Unknown, numOutputs).ToArray();
    }

    public OpDef Op { get; }
    public NodeDef Node { get; }
    public TensorShape[] InputShapes { get; }
    public DType[] InputTypes { get; }
    public int NumInputs => InputShapes.Length;
    public int NumOutputs => _outputs.Length;
    public IReadOnlyList<TensorShape> Outputs => _outputs;

    public TensorShape Input(int i) => InputShapes[i];

    public AttrValue Attr(string name) => Node.GetAttr(name);

    public bool HasAttr(string name) => Node.Attr.ContainsKey(name);

    /// <summary>The value of input i when it is known at build time (a Const), else null.</summary>
    public HostTensor? InputTensor(int i) => _constantInput?.Invoke(i);

    /// <summary>
    /// Input i (an int32/int64 vector) read as a shape: fully known when the input is constant,
    /// partially known when it is built from a Shape op; otherwise a shape of known rank (from the
    /// vector's length) with unknown dims, or unknown rank.
    /// </summary>
    public TensorShape InputAsShape(int i)
    {
        var constant = InputTensor(i);
        if (constant != null)
        {
            if (constant.Rank != 1)
                throw new InvalidArgumentException($"Shape must be rank 1 but is rank {constant.Rank}");
            return new TensorShape(constant.ToInt64Array());
        }
        var partial = _inputAsShape?.Invoke(i);
        if (partial != null) return partial;
        var s = InputShapes[i];
        if (s.HasRank && s.Rank == 1 && s[0] >= 0) return TensorShape.UnknownOfRank(checked((int)s[0]));
        return TensorShape.Unknown;
    }

    public void SetOutput(int i, TensorShape shape) => _outputs[i] = shape;

    /// <summary>Requires input i to have the given rank and returns it with that rank.</summary>
    public TensorShape WithRank(int i, int rank) => Input(i).WithRank(rank);

    /// <summary>Merges two dimension values (-1 unknown) with TF's message on conflict.</summary>
    public static long MergeDim(long a, long b, string? what = null)
    {
        if (a >= 0 && b >= 0 && a != b)
            throw new InvalidArgumentException($"Dimensions must be equal, but are {a} and {b}{what}");
        return a >= 0 ? a : b;
    }
}

/// <summary>Runs an op's shape function for a node and turns its errors into TF's node-annotated form.</summary>
public static class ShapeInference
{
    public static TensorShape[] Run(InferenceContext c)
    {
        var fn = c.Op.ShapeFunction ?? CommonShapes.Unknown;
        try
        {
            fn(c);
        }
        catch (GraphEngineException e) when (e is InvalidArgumentException or OutOfRangeException or UnimplementedException)
        {
            var inputs = string.Join(", ", c.InputShapes.Select(s => s.ToString()));
            throw GraphEngineException.Create(e.Code,
                $"{e.BaseMessage} for '{c.Node.Name}' (op: '{c.Op.Name}') with input shapes: {inputs}.");
        }
        return c.Outputs.ToArray();
    }
}
