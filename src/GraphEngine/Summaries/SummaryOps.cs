using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Google.Protobuf;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Summaries;
using PSummaryMetadata = GraphEngine.Ops.Proto.SummaryMetadata;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>
    /// TF1's tf.summary (python/summary/summary.py): each builder makes one summary op named after
    /// its name scope, tags it like TF (the scope, or "family/scope" with a family) and adds it to
    /// the SUMMARIES collection (or the given collections).
    /// </summary>
    public static partial class summary
    {
        private static readonly Regex IllegalTagChars = new(@"[^-/\w\.]", RegexOptions.Compiled);

        /// <summary>A scalar summary (ScalarSummary) of a real-number scalar tensor.</summary>
        public static Tensor scalar(string name, Tensor tensor, IEnumerable<string>? collections = null, string? family = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            return Build(name, family, tensor, collections, (tag, scope) =>
                new OpBuilder(SummaryOps.ScalarSummary, scope).Input(tf.constant(tag, name: "tags")).Input(tensor).Build().outputs[0]);
        }

        /// <summary>A histogram summary (HistogramSummary, TF's default buckets) of the values of a tensor.</summary>
        public static Tensor histogram(string name, Tensor values, IEnumerable<string>? collections = null, string? family = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            return Build(name, family, values, collections, (tag, scope) =>
                new OpBuilder(SummaryOps.HistogramSummary, scope).Input(tf.constant(tag, name: "tag")).Input(values).Build().outputs[0]);
        }

        /// <summary>
        /// An image summary (ImageSummary): the first <paramref name="max_outputs"/> images of a
        /// [batch, height, width, 1|3|4] tensor as PNGs, tagged "name/image/i" (or "name/image" for one).
        /// </summary>
        public static Tensor image(string name, Tensor tensor, int max_outputs = 3, IEnumerable<string>? collections = null, string? family = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            return Build(name, family, tensor, collections, (tag, scope) =>
                new OpBuilder(SummaryOps.ImageSummary, scope).Input(tf.constant(tag, name: "tag")).Input(tensor)
                    .Attr("max_images", (long)max_outputs).Build().outputs[0]);
        }

        /// <summary>A text summary: a string tensor in a TensorSummaryV2 with the "text" plugin's metadata.</summary>
        public static Tensor text(string name, Tensor tensor, IEnumerable<string>? collections = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            if (tensor.dtype.BaseType() != DType.String)
                throw new InvalidArgumentException($"tf.summary.text '{name}' expects a string tensor, got {tensor.dtype.PythonName()} ('{tensor.name}').");
            var metadata = new PSummaryMetadata { PluginData = new PSummaryMetadata.Types.PluginData { PluginName = "text" } };
            return tensor_summary(name, tensor, metadata, collections, file: file, line: line);
        }

        /// <summary>A tensor summary (TensorSummaryV2) carrying the whole tensor and the given metadata.</summary>
        public static Tensor tensor_summary(string name, Tensor tensor, PSummaryMetadata? summary_metadata = null,
            IEnumerable<string>? collections = null, string? family = null, string? summary_description = null, string? display_name = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            var metadata = summary_metadata?.Clone() ?? new PSummaryMetadata();
            if (summary_description != null) metadata.SummaryDescription = summary_description;
            if (display_name != null) metadata.DisplayName = display_name;
            byte[] serialized = metadata.ToByteArray();
            return Build(name, family, tensor, collections, (tag, scope) =>
                new OpBuilder(SummaryOps.TensorSummaryV2, scope).Input(tf.constant(tag, name: "tag")).Input(tensor)
                    .Input(tf.constant(HostTensor.FromStrings([serialized], []), name: "serialized_summary_metadata")).Build().outputs[0]);
        }

        /// <summary>Merges serialized summaries into one (MergeSummary under the "Merge" scope).</summary>
        public static Tensor merge(IEnumerable<Tensor> inputs, IEnumerable<string>? collections = null, string? name = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            var list = inputs.ToList();
            if (list.Count == 0) throw new InvalidArgumentException("tf.summary.merge needs at least one summary tensor.");
            using var scope = tf.name_scope(name, "Merge", list);
            var merged = new OpBuilder(SummaryOps.MergeSummary).InputList(list).Build().outputs[0];
            if (collections != null) merged.graph.add_to_collections(collections, merged);
            return merged;
        }

        /// <summary>Merges every summary in the collection <paramref name="key"/>; null when there is none (as TF returns None).</summary>
        public static Tensor? merge_all(string key = GraphKeys.SUMMARIES, string? scope = null, string? name = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            var ops = get_default_graph().get_collection(key, scope).OfType<Tensor>().ToList();
            return ops.Count == 0 ? null : merge(ops, name: name, file: file, line: line);
        }

        /// <summary>TF's clean_tag: characters outside [-/\w.] become '_', a leading '/' is dropped.</summary>
        public static string clean_tag(string name)
        {
            var cleaned = IllegalTagChars.Replace(name, "_").TrimStart('/');
            return cleaned;
        }

        /// <summary>summary_op_util.summary_scope + collect: the name scope gives both the op name and the tag.</summary>
        private static Tensor Build(string name, string? family, Tensor input, IEnumerable<string>? collections, Func<string, string, Tensor> make)
        {
            name = clean_tag(name);
            family = family == null ? null : clean_tag(family);
            string scopeBase = family == null ? name : family + "/" + name;
            using var scope = input.graph.as_default();
            using var ns = tf.name_scope(scopeBase);
            string s = ns.Name;
            string tag = family == null ? s.TrimEnd('/') : family + "/" + s.TrimEnd('/');
            var value = make(tag, s);
            value.graph.add_to_collections(collections ?? [GraphKeys.SUMMARIES], value);
            return value;
        }
    }
}

/// <summary>Summary ops have no gradient (TF: ops.NotDifferentiable in summary_ops / logging_ops).</summary>
internal static class SummaryGradients
{
    public static void Register(GradientRegistry g) => g.NoGradient(
        SummaryOps.ScalarSummary, SummaryOps.HistogramSummary, SummaryOps.ImageSummary, SummaryOps.TensorSummaryV2, SummaryOps.MergeSummary);
}
