using Google.Protobuf;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Model.Serialization;
using PSummary = GraphEngine.Ops.Proto.Summary;
using PSummaryMetadata = GraphEngine.Ops.Proto.SummaryMetadata;

namespace GraphEngine.Ops.Summaries;

/// <summary>
/// Summary ops (TF: core/ops/logging_ops.cc, kernels/summary_op.cc, summary_image_op.cc,
/// summary_tensor_op.cc): each outputs a scalar string holding a serialized <c>Summary</c> proto.
/// </summary>
public static class SummaryOps
{
    private const string RealTypes = "{float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64}";

    public static readonly OpDef ScalarSummary = OpDef.Define("ScalarSummary")
        .Input("tags: string")
        .Input("values: T")
        .Output("summary: string")
        .Attr("T: " + RealTypes)
        .Shape(CommonShapes.Scalar);

    public static readonly OpDef HistogramSummary = OpDef.Define("HistogramSummary")
        .Input("tag: string")
        .Input("values: T")
        .Output("summary: string")
        .Attr("T: " + RealTypes + " = DT_FLOAT")
        .Shape(CommonShapes.Scalar);

    public static readonly OpDef ImageSummary = OpDef.Define("ImageSummary")
        .Input("tag: string")
        .Input("tensor: T")
        .Output("summary: string")
        .Attr("max_images: int >= 1 = 3")
        .Attr("T: {uint8, float, half, double} = DT_FLOAT")
        .Attr("bad_color: tensor = { dtype: DT_UINT8 tensor_shape { dim { size: 4 } } int_val: 255 int_val: 0 int_val: 0 int_val: 255 }")
        .Shape(c =>
        {
            c.WithRank(1, 4);
            c.SetOutput(0, TensorShape.Scalar);
        });

    public static readonly OpDef TensorSummaryV2 = OpDef.Define("TensorSummaryV2")
        .Input("tag: string")
        .Input("tensor: T")
        .Input("serialized_summary_metadata: string")
        .Output("summary: string")
        .Attr("T: type")
        .Shape(CommonShapes.Scalar);

    public static readonly OpDef MergeSummary = OpDef.Define("MergeSummary")
        .Input("inputs: N * string")
        .Output("summary: string")
        .Attr("N: int >= 1")
        .Shape(CommonShapes.Scalar);

    private static readonly DType[] RealDTypes =
    [
        DType.Float, DType.Double, DType.Int32, DType.UInt8, DType.Int16, DType.Int8, DType.Int64,
        DType.BFloat16, DType.UInt16, DType.Half, DType.UInt32, DType.UInt64,
    ];

    public static void Register(OpRegistry ops, KernelRegistry k)
    {
        ops.Add(ScalarSummary, HistogramSummary, ImageSummary, TensorSummaryV2, MergeSummary);
        var scalar = new LambdaKernel(ComputeScalar);
        var histogram = new LambdaKernel(ComputeHistogram);
        k.Add(ScalarSummary, RealDTypes, _ => scalar);
        k.Add(HistogramSummary, RealDTypes, _ => histogram);
        foreach (var t in new[] { DType.UInt8, DType.Float, DType.Half, DType.Double })
            k.Add(ImageSummary, t, c => new ImageSummaryKernel(c));
        k.Add(TensorSummaryV2, _ => new LambdaKernel(ComputeTensor));
        k.Add(MergeSummary, _ => new LambdaKernel(ComputeMerge));
    }

    /// <summary>Element <paramref name="i"/> of a real-number tensor as double.</summary>
    internal static double ReadAsDouble(HostTensor t, long i) => t.DType switch
    {
        DType.Float => t.AsSpan<float>()[(int)i],
        DType.Double => t.AsSpan<double>()[(int)i],
        DType.Int32 => t.AsSpan<int>()[(int)i],
        DType.UInt8 => t.AsSpan<byte>()[(int)i],
        DType.Int16 => t.AsSpan<short>()[(int)i],
        DType.Int8 => t.AsSpan<sbyte>()[(int)i],
        DType.Int64 => t.AsSpan<long>()[(int)i],
        DType.BFloat16 => BitConverter.Int32BitsToSingle(KernelTypes.Raw<ushort>(t)[(int)i] << 16),
        DType.UInt16 => t.AsSpan<ushort>()[(int)i],
        DType.Half => (double)t.AsSpan<Half>()[(int)i],
        DType.UInt32 => t.AsSpan<uint>()[(int)i],
        DType.UInt64 => t.AsSpan<ulong>()[(int)i],
        _ => throw new InvalidArgumentException($"Summary values of type {t.DType.Name()} are not real numbers."),
    };

    /// <summary>All elements of a real-number tensor as doubles (one type dispatch, not one per element).</summary>
    internal static double[] ToDoubles(HostTensor t)
    {
        var result = new double[checked((int)t.NumElements)];
        switch (t.DType)
        {
            case DType.Float: { var s = t.AsSpan<float>(); for (int i = 0; i < result.Length; i++) result[i] = s[i]; break; }
            case DType.Double: t.AsSpan<double>().CopyTo(result); break;
            case DType.Int32: { var s = t.AsSpan<int>(); for (int i = 0; i < result.Length; i++) result[i] = s[i]; break; }
            default: for (int i = 0; i < result.Length; i++) result[i] = ReadAsDouble(t, i); break;
        }
        return result;
    }

    internal static HostTensor Output(PSummary s) => HostTensor.FromStrings([s.ToByteArray()], []);

    internal static string ScalarTag(OpKernelContext ctx, int input, string what)
    {
        var tags = ctx.Input(input);
        if (tags.Rank != 0)
            throw new InvalidArgumentException($"{ctx.Node.Op} node '{ctx.Node.Name}': {what} must be scalar, got shape {tags.Shape}.");
        return System.Text.Encoding.UTF8.GetString(tags.Strings![0]);
    }

    private static void ComputeScalar(OpKernelContext ctx)
    {
        var tags = ctx.Input(0);
        var values = ctx.Input(1);
        if (!tags.SameShape(values))
            throw new InvalidArgumentException(
                $"ScalarSummary node '{ctx.Node.Name}': tags and values are not the same shape: {tags.Shape} != {values.Shape}" +
                (tags.Rank == 0 ? $" (tag '{System.Text.Encoding.UTF8.GetString(tags.Strings![0])}')" : ""));
        var s = new PSummary();
        for (long i = 0; i < tags.NumElements; i++)
            s.Value.Add(new PSummary.Types.Value
            {
                Tag = System.Text.Encoding.UTF8.GetString(tags.Strings![i]),
                SimpleValue = (float)ReadAsDouble(values, i),
            });
        ctx.SetOutput(0, Output(s));
    }

    private static void ComputeHistogram(OpKernelContext ctx)
    {
        string tag = ScalarTag(ctx, 0, "tags");
        var values = ToDoubles(ctx.Input(1));
        var h = new Histogram();
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (!double.IsFinite(v))
                throw new InvalidArgumentException(
                    $"Nan in summary histogram for: {ctx.Node.Name} (tag '{tag}': element {i} of values is {v}).");
            h.Add(v);
        }
        var s = new PSummary();
        s.Value.Add(new PSummary.Types.Value { Tag = tag, Histo = h.ToProto() });
        ctx.SetOutput(0, Output(s));
    }

    private static void ComputeTensor(OpKernelContext ctx)
    {
        string tag = ScalarTag(ctx, 0, "tag");
        var meta = ctx.Input(2);
        if (meta.NumElements != 1)
            throw new InvalidArgumentException($"TensorSummaryV2 node '{ctx.Node.Name}': serialized_summary_metadata must hold one string, got shape {meta.Shape}.");
        PSummaryMetadata metadata;
        try { metadata = PSummaryMetadata.Parser.ParseFrom(meta.Strings![0]); }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidArgumentException($"TensorSummaryV2 node '{ctx.Node.Name}': serialized_summary_metadata is not a SummaryMetadata proto: {e.Message}");
        }
        var s = new PSummary();
        s.Value.Add(new PSummary.Types.Value { Tag = tag, Metadata = metadata, Tensor = TensorProtoConverter.ToProto(ctx.Input(1)) });
        ctx.SetOutput(0, Output(s));
    }

    private static void ComputeMerge(OpKernelContext ctx)
    {
        var merged = new PSummary();
        var tags = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < ctx.NumInputs; i++)
        {
            var input = ctx.Input(i);
            for (long j = 0; j < input.NumElements; j++)
            {
                PSummary part;
                try { part = PSummary.Parser.ParseFrom(input.Strings![j]); }
                catch (InvalidProtocolBufferException e)
                {
                    throw new InvalidArgumentException($"MergeSummary node '{ctx.Node.Name}': could not parse one of the summary inputs (input {i}, element {j}): {e.Message}");
                }
                foreach (var v in part.Value)
                {
                    if (!tags.Add(v.Tag))
                        throw new InvalidArgumentException($"MergeSummary node '{ctx.Node.Name}': duplicate tag {v.Tag} found in summary inputs (input {i}).");
                    merged.Value.Add(v);
                }
            }
        }
        ctx.SetOutput(0, Output(merged));
    }
}
