using GraphEngine.Ops.Core;

namespace GraphEngine.Ops.Framework;

/// <summary>Reusable shape functions (TF's common_shape_fns.h), with TF's error texts.</summary>
public static class CommonShapes
{
    /// <summary>Every output of unknown shape.</summary>
    public static void Unknown(InferenceContext c)
    {
        for (int i = 0; i < c.NumOutputs; i++) c.SetOutput(i, TensorShape.Unknown);
    }

    /// <summary>Output 0 has input 0's shape.</summary>
    public static void Unchanged(InferenceContext c) => c.SetOutput(0, c.Input(0));

    public static void Scalar(InferenceContext c)
    {
        for (int i = 0; i < c.NumOutputs; i++) c.SetOutput(i, TensorShape.Scalar);
    }

    public static void NoOutputs(InferenceContext c) { }

    /// <summary>Output 0 is the merge of inputs 0 and 1 (same shape required).</summary>
    public static void MergeBothInputs(InferenceContext c) => c.SetOutput(0, c.Input(0).MergeWith(c.Input(1)));

    /// <summary>NumPy broadcasting of inputs 0 and 1 (TF's BroadcastBinaryOpOutputShapeFn).</summary>
    public static void BroadcastBinary(InferenceContext c) => c.SetOutput(0, Broadcast(c.Input(0), c.Input(1)));

    public static TensorShape Broadcast(TensorShape a, TensorShape b)
    {
        if (!a.HasRank || !b.HasRank) return TensorShape.Unknown;
        int rank = System.Math.Max(a.Rank, b.Rank);
        var dims = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            long da = i < rank - a.Rank ? 1 : a[i - (rank - a.Rank)];
            long db = i < rank - b.Rank ? 1 : b[i - (rank - b.Rank)];
            if (da == 1) dims[i] = db;
            else if (db == 1) dims[i] = da;
            else if (da < 0 || db < 0) dims[i] = da >= 0 ? da : db >= 0 ? db : -1;
            else if (da == db) dims[i] = da;
            else throw new InvalidArgumentException($"Dimensions must be equal, but are {da} and {db}");
        }
        return new TensorShape(dims);
    }

    /// <summary>
    /// Output of a reduction over the axes given by constant input <paramref name="axesInput"/>,
    /// with the node's keep_dims attr (TF's ReductionShape).
    /// </summary>
    public static void Reduction(InferenceContext c) => ReductionOver(c, 0, 1, "keep_dims");

    public static void ReductionOver(InferenceContext c, int dataInput, int axesInput, string keepDimsAttr)
    {
        var input = c.Input(dataInput);
        bool keepDims = c.HasAttr(keepDimsAttr) && c.Attr(keepDimsAttr).B;
        var axesTensor = c.InputTensor(axesInput);
        var axesShape = c.Input(axesInput);
        if (axesTensor == null)
        {
            if (axesShape.HasRank && axesShape.Rank <= 1 && axesShape.NumElements == 0)
            {
                c.SetOutput(0, input);
                return;
            }
            c.SetOutput(0, keepDims && input.HasRank ? TensorShape.UnknownOfRank(input.Rank) : TensorShape.Unknown);
            return;
        }
        if (!input.HasRank)
        {
            c.SetOutput(0, TensorShape.Unknown);
            return;
        }
        int rank = input.Rank;
        var reduce = new bool[rank];
        foreach (var raw in axesTensor.ToInt64Array())
        {
            if (raw < -rank || raw >= rank)
                throw new InvalidArgumentException(rank == 0
                    ? $"Invalid reduction dimension {raw} for input with 0 dimensions"
                    : $"Invalid reduction dimension {raw} for input with {rank} dimensions");
            reduce[raw < 0 ? raw + rank : raw] = true;
        }
        var dims = new List<long>();
        for (int i = 0; i < rank; i++)
        {
            if (!reduce[i]) dims.Add(input[i]);
            else if (keepDims) dims.Add(1);
        }
        c.SetOutput(0, new TensorShape(dims.ToArray()));
    }
}
