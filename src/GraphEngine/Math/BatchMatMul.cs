using System.Runtime.CompilerServices;
using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Math;

namespace GraphEngine;

public static partial class tf
{
    public static partial class linalg
    {
        /// <summary>tf.linalg.matmul is tf.matmul.</summary>
        public static Tensor matmul(Tensor a, Tensor b, bool transpose_a = false, bool transpose_b = false, bool adjoint_a = false,
            bool adjoint_b = false, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            return tf.matmul(a, b, transpose_a, transpose_b, name, adjoint_a, adjoint_b);
        }
    }
}

/// <summary>
/// TF _BatchMatMul and _BatchMatMulV2: products with the output gradient as for MatMul, then for V2
/// the batch dims broadcasting added are summed away (BroadcastGradientArgs on shape[:-2], Sum, Reshape).
/// </summary>
internal static class BatchMatMulGradients
{
    public static void Register(GradientRegistry g)
    {
        g.Add(MathOps.BatchMatMulV2, static (op, grads) => Gradient(op, grads[0]!, MathOps.BatchMatMulV2));
        g.Add(MathOps.BatchMatMul, static (op, grads) => Gradient(op, grads[0]!, MathOps.BatchMatMul));
    }

    private static Tensor?[] Gradient(Operation op, Tensor grad, Ops.Model.OpDef def)
    {
        bool adjX = op.get_attr("adj_x").B, adjY = op.get_attr("adj_y").B;
        var (x, y) = (op.inputs[0], op.inputs[1]);
        Tensor Mm(Tensor a, Tensor b, bool ta, bool tb, bool gradX) => new OpBuilder(def).Input(a).Input(b)
            .Attr("adj_x", ta).Attr("adj_y", tb).Attr(gradX ? "grad_x" : "grad_y", true).Build().outputs[0];
        var (gx, gy) = (adjX, adjY) switch
        {
            (false, false) => (Mm(grad, y, false, true, true), Mm(x, grad, true, false, false)),
            (false, true) => (Mm(grad, y, false, false, true), Mm(grad, x, true, false, false)),
            (true, false) => (Mm(y, grad, false, true, true), Mm(x, grad, false, false, false)),
            (true, true) => (Mm(y, grad, true, true, true), Mm(grad, x, true, true, false)),
        };
        if (def == MathOps.BatchMatMul) return [gx, gy];
        var (sx, sy) = (x.shape, y.shape);
        bool mayHaveBatch = !sx.HasRank || !sy.HasRank || sx.Rank > 2 || sy.Rank > 2;
        bool batchesMatch = sx.HasRank && sy.HasRank && sx.SubShape(0, -2).IsFullyDefined && sx.SubShape(0, -2) == sy.SubShape(0, -2);
        if (!mayHaveBatch || batchesMatch) return [gx, gy];
        var shapeX = BroadcastGradients.Shape(x);
        var shapeY = BroadcastGradients.Shape(y);
        var args = new OpBuilder(ArrayOps.BroadcastGradientArgs).Input(BatchPart(shapeX)).Input(BatchPart(shapeY)).Build();
        return [SumTo(gx, args.outputs[0], shapeX), SumTo(gy, args.outputs[1], shapeY)];
    }

    /// <summary>shape[:-2] without slicing ops: gather the first size(shape) − 2 entries.</summary>
    private static Tensor BatchPart(Tensor shape)
    {
        var size = new OpBuilder(ArrayOps.Size).Input(shape).Attr("out_type", DType.Int32).Build().outputs[0];
        var count = OpBuilder.Binary(MathOps.Sub, size, tf.constant(2), null);
        var range = new OpBuilder(ArrayOps.Range).Input(tf.constant(0)).Input(count).Input(tf.constant(1)).Build().outputs[0];
        return new OpBuilder(ArrayOps.GatherV2).Input(shape).Input(range).Input(tf.constant(0)).Build().outputs[0];
    }

    private static Tensor SumTo(Tensor g, Tensor axes, Tensor shape)
    {
        var sum = new OpBuilder(MathOps.Sum).Input(g).Input(axes).Attr("keep_dims", false).Build().outputs[0];
        return new OpBuilder(ArrayOps.Reshape).Input(sum).Input(shape).Build().outputs[0];
    }
}
