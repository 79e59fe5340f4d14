using System.Runtime.CompilerServices;
using GraphEngine.Ops.Array;
using GraphEngine.Ops.Core;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>
    /// Pads <paramref name="tensor"/> by paddings[i] = [before, after] along each dim (an int[,],
    /// long[,], int[][] or an int tensor of shape [rank, 2]). CONSTANT fills with
    /// <paramref name="constant_values"/> (Pad when it is 0, else PadV2); REFLECT and SYMMETRIC mirror
    /// the edge without or with the edge element (MirrorPad). Mode is case-insensitive, as in TF.
    /// </summary>
    public static Tensor pad(Tensor tensor, object paddings, string mode = "CONSTANT", string? name = null, object? constant_values = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        mode = mode.ToUpperInvariant();
        if (mode is not ("CONSTANT" or "REFLECT" or "SYMMETRIC"))
            throw new InvalidArgumentException(
                $"Value of argument `mode` expected to be one of \"CONSTANT\", \"REFLECT\", or \"SYMMETRIC\". Received `mode` = {mode}");
        bool zero = constant_values == null || (constant_values is not Tensor && IsZero(constant_values));
        string opName = mode != "CONSTANT" ? "MirrorPad" : zero ? "Pad" : "PadV2";
        using var scope = name_scope(name ?? opName);
        var p = PaddingsTensor(paddings);
        Tensor result;
        if (mode != "CONSTANT")
            result = new OpBuilder(ArrayOps.MirrorPad, scope.Name).Input(tensor).Input(p).Attr("mode", mode).Build().outputs[0];
        else if (zero)
            result = new OpBuilder(ArrayOps.Pad, scope.Name).Input(tensor).Input(p).Build().outputs[0];
        else
        {
            var cv = convert_to_tensor(constant_values!, tensor.dtype.BaseType(), name: "constant_values");
            result = new OpBuilder(ArrayOps.PadV2, scope.Name).Input(tensor).Input(p).Input(cv).Build().outputs[0];
        }
        return result;
    }

    private static bool IsZero(object v) => v switch
    {
        int i => i == 0,
        long l => l == 0,
        float f => f == 0,
        double d => d == 0,
        bool b => !b,
        _ => false,
    };

    /// <summary>The [rank, 2] paddings input: int32 unless a value needs int64.</summary>
    private static Tensor PaddingsTensor(object paddings)
    {
        switch (paddings)
        {
            case Tensor t:
                return t;
            case int[][] jagged:
                if (jagged.Any(r => r.Length != 2))
                    throw new InvalidArgumentException($"paddings must be a matrix with 2 columns, got rows of lengths [{string.Join(",", jagged.Select(r => r.Length))}]");
                var m = new int[jagged.Length, 2];
                for (int i = 0; i < jagged.Length; i++) (m[i, 0], m[i, 1]) = (jagged[i][0], jagged[i][1]);
                return constant(m, name: "paddings");
            default:
                return constant(paddings, name: "paddings");
        }
    }
}

/// <summary>TF _PadGrad (a Slice of the gradient at the leading paddings), _MirrorPadGrad and _MirrorPadGradGrad.</summary>
internal static class PadGradients
{
    public static void Register(GradientRegistry g)
    {
        g.Add(ArrayOps.Pad, static (op, grads) => [SliceBack(op, grads[0]!), null]);
        // TF gives constant_values no gradient.
        g.Add(ArrayOps.PadV2, static (op, grads) => [SliceBack(op, grads[0]!), null, null]);
        g.Add(ArrayOps.MirrorPad, static (op, grads) =>
            [new OpBuilder(ArrayOps.MirrorPadGrad).Input(grads[0]!).Input(op.inputs[1]).Attr("mode", op.get_attr("mode")).Build().outputs[0], null]);
        g.Add(ArrayOps.MirrorPadGrad, static (op, grads) =>
            [new OpBuilder(ArrayOps.MirrorPad).Input(grads[0]!).Input(op.inputs[1]).Attr("mode", op.get_attr("mode")).Build().outputs[0], null]);
    }

    /// <summary>
    /// grad[before_0 : before_0 + d_0, …]: begin is the paddings' first column (sliced out at run time
    /// unless the paddings are constant), size the input's shape.
    /// </summary>
    private static Tensor SliceBack(Operation op, Tensor grad)
    {
        var (x, paddings) = (op.inputs[0], op.inputs[1]);
        var itype = paddings.dtype.BaseType();
        Tensor begin;
        if (OpBuilder.ConstantValue(paddings) is { } pv)
        {
            var p = pv.ToInt64Array();
            begin = tf.ConstantOf(NDArrayConversion.ToHostTensor(Enumerable.Range(0, p.Length / 2).Select(i => p[2 * i]).ToArray(), itype), "Const");
        }
        else
        {
            var rank = OpBuilder.Unary(ArrayOps.Rank, x, null);
            var size = new OpBuilder(ArrayOps.Pack).InputList([rank, tf.constant(1)]).Attr("axis", 0L).Build().outputs[0];
            var zeros = tf.constant(new[] { 0, 0 });
            var column = new OpBuilder(ArrayOps.Slice).Input(paddings).Input(zeros).Input(size).Build().outputs[0];
            begin = OpBuilder.Binary(ArrayOps.Reshape, column, tf.constant(new[] { -1 }), null);
        }
        var sizes = x.shape.IsFullyDefined
            ? tf.ConstantOf(NDArrayConversion.ToHostTensor(x.shape.ToArray(), itype), "Shape")
            : new OpBuilder(ArrayOps.Shape).Input(x).Attr("out_type", itype).Build().outputs[0];
        return new OpBuilder(ArrayOps.Slice).Input(grad).Input(begin).Input(sizes).Build().outputs[0];
    }
}
