using System.Numerics;
using System.Numerics.Tensors;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Nn;

/// <summary>Softmax, LogSoftmax and the fused cross-entropy losses (TF: core/ops/nn_ops.cc, kernels/softmax_op_functor.h, xent_op.h).</summary>
public static partial class NnOps
{
    public static readonly OpDef Softmax = OpDef.Define("Softmax")
        .Input("logits: T").Output("softmax: T").Attr("T: {half, bfloat16, float, double}").Shape(SoftmaxShapes.RankAtLeast1);

    public static readonly OpDef LogSoftmax = OpDef.Define("LogSoftmax")
        .Input("logits: T").Output("logsoftmax: T").Attr("T: {half, bfloat16, float, double}").Shape(SoftmaxShapes.RankAtLeast1);

    public static readonly OpDef SoftmaxCrossEntropyWithLogits = OpDef.Define("SoftmaxCrossEntropyWithLogits")
        .Input("features: T").Input("labels: T").Output("loss: T").Output("backprop: T")
        .Attr("T: {half, bfloat16, float, double}").Shape(SoftmaxShapes.Xent);

    public static readonly OpDef SparseSoftmaxCrossEntropyWithLogits = OpDef.Define("SparseSoftmaxCrossEntropyWithLogits")
        .Input("features: T").Input("labels: Tlabels").Output("loss: T").Output("backprop: T")
        .Attr("T: {half, bfloat16, float, double}").Attr("Tlabels: {int32, int64} = DT_INT64").Shape(SoftmaxShapes.SparseXent);
}

internal static class SoftmaxShapes
{
    public static TensorShape AtLeast(TensorShape s, int rank)
    {
        if (s.HasRank && s.Rank < rank) throw new InvalidArgumentException($"Shape must be at least rank {rank} but is rank {s.Rank}");
        return s;
    }

    public static void RankAtLeast1(InferenceContext c) => c.SetOutput(0, AtLeast(c.Input(0), 1));

    // TF: same-shape rank-2 inputs, else the broadcast of both must be rank 2.
    public static void Xent(InferenceContext c)
    {
        var f = c.Input(0);
        var l = c.Input(1);
        TensorShape both;
        if ((!f.HasRank || f.Rank == 2) && f.IsCompatibleWith(l) && (!l.HasRank || l.Rank == 2))
            both = f.WithRank(2).MergeWith(l);
        else
        {
            both = CommonShapes.Broadcast(f, l);
            if (!both.HasRank) throw new InvalidArgumentException("Shape must be broadcasted with rank 2, but is rank is unknown.");
            if (both.Rank != 2) throw new InvalidArgumentException($"Shape must be broadcasted with rank 2, but is rank {both.Rank}");
        }
        c.SetOutput(0, TensorShape.Vector(both[0]));
        c.SetOutput(1, both);
    }

    public static void SparseXent(InferenceContext c)
    {
        var f = c.WithRank(0, 2);
        var l = c.WithRank(1, 1);
        long batch = InferenceContext.MergeDim(f[0], l[0]);
        c.SetOutput(0, TensorShape.Vector(batch));
        c.SetOutput(1, new TensorShape(batch, f[1]));
    }
}

/// <summary>Softmax or LogSoftmax over the last dimension, row by row, shifted by the row max (log-sum-exp).</summary>
internal sealed class SoftmaxKernel<T>(bool log) : IOpKernel where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Compute(OpKernelContext ctx)
    {
        var x = ctx.Input(0);
        if (x.Rank < 1) throw new InvalidArgumentException($"logits must have >= 1 dimension, got {x.Shape}");
        var y = ctx.ForwardInputOrAllocateOutput(0, 0, x.Dims);
        int n = (int)x.Dims[^1];
        if (n == 0 || x.NumElements == 0) return;
        var xs = x.AsReadOnlySpan<T>();
        var ys = y.AsSpan<T>();
        for (int r = 0; r < xs.Length / n; r++)
        {
            var row = xs.Slice(r * n, n);
            var outRow = ys.Slice(r * n, n);
            T max = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, max, outRow);           // shifted (may overwrite row in place: same index)
            if (log)
            {
                T lse = T.Zero;
                foreach (var v in outRow) lse += T.Exp(v);
                TensorPrimitives.Subtract(outRow, T.Log(lse), outRow);
            }
            else
            {
                TensorPrimitives.Exp(outRow, outRow);
                TensorPrimitives.Divide(outRow, TensorPrimitives.Sum<T>(outRow), outRow);
            }
        }
    }
}

/// <summary>
/// Per row: loss = Σ labels·(log Σ exp(shifted) − shifted), backprop = softmax − labels, with
/// shifted = logits − max (TF's XentFunctor). Labels may broadcast along the batch (size-1 rows).
/// </summary>
internal sealed class XentKernel<T> : IOpKernel where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Compute(OpKernelContext ctx)
    {
        var f = ctx.Input(0);
        var l = ctx.Input(1);
        if (f.Rank != 2 || l.Rank != 2)
            throw new InvalidArgumentException("logits and labels must be either 2-dimensional, or broadcasted to be 2-dimensional");
        long batch = f.Dims[0] == 1 ? l.Dims[0] : f.Dims[0], classes = f.Dims[1];
        if ((f.Dims[0] != batch && f.Dims[0] != 1) || (l.Dims[0] != batch && l.Dims[0] != 1) || l.Dims[1] != classes)
            throw new InvalidArgumentException($"logits and labels must be broadcastable: logits_size={f.Shape} labels_size={l.Shape}");
        var loss = ctx.AllocateOutput(0, [batch]);
        var back = ctx.AllocateOutput(1, [batch, classes]);
        int n = (int)classes;
        var fs = f.AsReadOnlySpan<T>();
        var ls = l.AsReadOnlySpan<T>();
        var losses = loss.AsSpan<T>();
        var bs = back.AsSpan<T>();
        for (int r = 0; r < batch; r++)
        {
            var logits = fs.Slice(f.Dims[0] == 1 ? 0 : r * n, n);
            var labels = ls.Slice(l.Dims[0] == 1 ? 0 : r * n, n);
            var b = bs.Slice(r * n, n);
            if (n == 0) { losses[r] = T.Zero; continue; }
            TensorPrimitives.Subtract(logits, TensorPrimitives.Max(logits), b);   // shifted
            T sumExp = T.Zero;
            foreach (var v in b) sumExp += T.Exp(v);
            T logSum = T.Log(sumExp), acc = T.Zero;
            for (int j = 0; j < n; j++)
            {
                acc += labels[j] * (logSum - b[j]);
                b[j] = T.Exp(b[j] - logSum) - labels[j];
            }
            losses[r] = acc;
        }
    }
}

/// <summary>Sparse labels: loss = log Σ exp(shifted) − shifted[label], backprop = softmax − onehot(label).</summary>
internal sealed class SparseXentKernel<T, TL> : IOpKernel where T : unmanaged, IFloatingPointIeee754<T> where TL : unmanaged, IBinaryInteger<TL>
{
    public void Compute(OpKernelContext ctx)
    {
        var f = ctx.Input(0);
        var l = ctx.Input(1);
        if (f.Rank != 2) throw new InvalidArgumentException($"logits must be 2-D, but got shape {f.Shape}");
        if (l.Rank != 1) throw new InvalidArgumentException($"labels must be 1-D, but got shape {l.Shape}");
        if (f.Dims[0] != l.Dims[0])
            throw new InvalidArgumentException($"logits and labels must have the same first dimension, got logits shape {f.Shape} and labels shape {l.Shape}");
        if (f.Dims[1] == 0) throw new InvalidArgumentException($"Must have at least one class, but got logits shape {f.Shape}");
        int batch = (int)f.Dims[0], n = (int)f.Dims[1];
        var labels = l.AsReadOnlySpan<TL>();
        foreach (var label in labels)
            if (label < TL.Zero || long.CreateTruncating(label) >= n)
                throw new InvalidArgumentException(
                    $"Received a label value of {label} which is outside the valid range of [0, {n}).  Label values: {string.Join(" ", labels.ToArray())}");
        var loss = ctx.AllocateOutput(0, [batch]);
        var back = ctx.AllocateOutput(1, [batch, n]);
        var fs = f.AsReadOnlySpan<T>();
        var losses = loss.AsSpan<T>();
        var bs = back.AsSpan<T>();
        for (int r = 0; r < batch; r++)
        {
            var b = bs.Slice(r * n, n);
            TensorPrimitives.Subtract(fs.Slice(r * n, n), TensorPrimitives.Max(fs.Slice(r * n, n)), b);
            T sumExp = T.Zero;
            foreach (var v in b) sumExp += T.Exp(v);
            T logSum = T.Log(sumExp);
            int label = int.CreateTruncating(labels[r]);
            losses[r] = logSum - b[label];
            for (int j = 0; j < n; j++) b[j] = T.Exp(b[j] - logSum);
            b[label] -= T.One;
        }
    }
}

internal static class SoftmaxKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(NnOps.Softmax, NnOps.LogSoftmax, NnOps.SoftmaxCrossEntropyWithLogits, NnOps.SparseSoftmaxCrossEntropyWithLogits);
        k.Add(NnOps.Softmax, DType.Float, _ => new SoftmaxKernel<float>(false));
        k.Add(NnOps.Softmax, DType.Double, _ => new SoftmaxKernel<double>(false));
        k.Add(NnOps.LogSoftmax, DType.Float, _ => new SoftmaxKernel<float>(true));
        k.Add(NnOps.LogSoftmax, DType.Double, _ => new SoftmaxKernel<double>(true));
        k.Add(NnOps.SoftmaxCrossEntropyWithLogits, DType.Float, _ => new XentKernel<float>());
        k.Add(NnOps.SoftmaxCrossEntropyWithLogits, DType.Double, _ => new XentKernel<double>());
        var sparse = NnOps.SparseSoftmaxCrossEntropyWithLogits.Name;
        k.Add(sparse, _ => new SparseXentKernel<float, int>(), ("T", DType.Float), ("Tlabels", DType.Int32));
        k.Add(sparse, _ => new SparseXentKernel<float, long>(), ("T", DType.Float), ("Tlabels", DType.Int64));
        k.Add(sparse, _ => new SparseXentKernel<double, int>(), ("T", DType.Double), ("Tlabels", DType.Int32));
        k.Add(sparse, _ => new SparseXentKernel<double, long>(), ("T", DType.Double), ("Tlabels", DType.Int64));
    }
}
