using System.Globalization;
using System.Text;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.Io;

/// <summary>
/// ShardedFilename and ShardedFilespec (TF: core/ops/io_ops.cc, kernels/save_op.cc): the
/// "basename-00001-of-00004" names of sharded savers. They only format strings, so their
/// kernels are pure and live here.
/// </summary>
public static partial class ShardedFilenameOps
{
    public static readonly OpDef ShardedFilename = OpDef.Define("ShardedFilename")
        .Input("basename: string")
        .Input("shard: int32")
        .Input("num_shards: int32")
        .Output("filename: string")
        .Shape(c =>
        {
            for (int i = 0; i < 3; i++) c.WithRank(i, 0);
            c.SetOutput(0, TensorShape.Scalar);
        });

    public static readonly OpDef ShardedFilespec = OpDef.Define("ShardedFilespec")
        .Input("basename: string")
        .Input("num_shards: int32")
        .Output("filename: string")
        .Shape(c =>
        {
            for (int i = 0; i < 2; i++) c.WithRank(i, 0);
            c.SetOutput(0, TensorShape.Scalar);
        });
}

internal static class ShardedFilenameKernels
{
    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(ShardedFilenameOps.ShardedFilename, ShardedFilenameOps.ShardedFilespec);
        k.Add(ShardedFilenameOps.ShardedFilename, _ => new LambdaKernel(ctx =>
        {
            string basename = Scalar(ctx, 0, "basename");
            int shard = ScalarInt(ctx, 1, "shard");
            int numShards = ScalarInt(ctx, 2, "num_shards");
            if (numShards < 1 || shard < 0 || shard >= numShards)
                throw new InvalidArgumentException(
                    $"ShardedFilename node '{ctx.Node.Name}': shard {shard} is not in [0, num_shards = {numShards}).");
            Emit(ctx, string.Create(CultureInfo.InvariantCulture, $"{basename}-{shard:D5}-of-{numShards:D5}"));
        }));
        k.Add(ShardedFilenameOps.ShardedFilespec, _ => new LambdaKernel(ctx =>
        {
            string basename = Scalar(ctx, 0, "basename");
            int numShards = ScalarInt(ctx, 1, "num_shards");
            if (numShards < 1)
                throw new InvalidArgumentException($"ShardedFilespec node '{ctx.Node.Name}': num_shards must be positive, got {numShards}.");
            Emit(ctx, string.Create(CultureInfo.InvariantCulture, $"{basename}-?????-of-{numShards:D5}"));
        }));
    }

    private static string Scalar(OpKernelContext ctx, int i, string what)
    {
        var t = ctx.Input(i);
        if (t.Rank != 0)
            throw new InvalidArgumentException($"{ctx.Node.Op} node '{ctx.Node.Name}': {what} must be a scalar, got shape {t.Shape}.");
        return Encoding.UTF8.GetString(t.Strings![0]);
    }

    private static int ScalarInt(OpKernelContext ctx, int i, string what)
    {
        var t = ctx.Input(i);
        if (t.Rank != 0)
            throw new InvalidArgumentException($"{ctx.Node.Op} node '{ctx.Node.Name}': {what} must be a scalar, got shape {t.Shape}.");
        return KernelTypes.Raw<int>(t)[0];
    }

    private static void Emit(OpKernelContext ctx, string value) =>
        ctx.SetOutput(0, HostTensor.FromStrings([Encoding.UTF8.GetBytes(value)], []));
}
