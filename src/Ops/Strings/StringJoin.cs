using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Strings;

/// <summary>StringJoin (TF: core/ops/string_ops.cc, kernels/string_join_op.cc).</summary>
public static partial class StringOps
{
    /// <summary>Joins the inputs elementwise with <c>separator</c>; scalars broadcast against the one common shape.</summary>
    public static readonly OpDef StringJoin = OpDef.Define("StringJoin")
        .Input("inputs: N * string")
        .Attr("N: int >= 0")
        .Attr("separator: string = ''")
        .Output("output: string")
        .Shape(StringJoinShape);

    private static void StringJoinShape(InferenceContext c)
    {
        // TF: the output is the shape shared by the non-scalar inputs (they must agree), else a scalar.
        TensorShape? common = null;
        for (int i = 0; i < c.NumInputs; i++)
        {
            var s = c.Input(i);
            if (s.HasRank && s.Rank == 0) continue;
            try { common = common == null ? s : common.MergeWith(s); }
            catch (InvalidArgumentException e) { throw new InvalidArgumentException($"{e.BaseMessage}\n\tInput {i} of StringJoin does not match the other non-scalar inputs."); }
        }
        c.SetOutput(0, common ?? TensorShape.Scalar);
    }
}

internal static class StringJoinKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(StringOps.StringJoin);
        k.Add(StringOps.StringJoin, c => new StringJoinKernel(System.Text.Encoding.UTF8.GetBytes(c.Attr("separator").S)));
    }

    private sealed class StringJoinKernel(byte[] separator) : IOpKernel
    {
        public void Compute(OpKernelContext ctx)
        {
            int n = ctx.NumInputs;
            var inputs = new HostTensor[n];
            HostTensor? shaped = null;
            for (int i = 0; i < n; i++)
            {
                inputs[i] = ctx.Input(i);
                if (inputs[i].Rank == 0) continue;
                if (shaped == null) shaped = inputs[i];
                else if (!inputs[i].SameShape(shaped))
                    throw new InvalidArgumentException(
                        $"StringJoin node '{ctx.Node.Name}': input shapes do not match: {shaped.Shape} vs. {inputs[i].Shape}");
            }
            long count = shaped?.NumElements ?? 1;
            var result = new byte[count][];
            var buffer = new List<byte>();
            for (long e = 0; e < count; e++)
            {
                buffer.Clear();
                for (int i = 0; i < n; i++)
                {
                    if (i > 0) buffer.AddRange(separator);
                    var strings = inputs[i].Strings!;
                    buffer.AddRange(strings[inputs[i].Rank == 0 ? 0 : e]);
                }
                result[e] = buffer.ToArray();
            }
            ctx.SetOutput(0, HostTensor.FromStrings(result, shaped == null ? [] : shaped.Dims));
        }
    }
}
