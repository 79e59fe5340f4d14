using System.Collections;
using System.Globalization;
using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Logging;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>
    /// Fails the step with InvalidArgument "assertion failed: [d0] [d1] …" when <paramref name="condition"/> (a bool
    /// scalar) is false; each data item (tensor, string or number) is summarized to <paramref name="summarize"/> elements.
    /// Run it through tf.control_dependencies or as a fetch. (TF guards non-string/int32 data with a cond; here the data
    /// is always computed.)
    /// </summary>
    public static Operation Assert(object condition, IEnumerable<object> data, int? summarize = null, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        using var scope = name_scope(name ?? "Assert");
        var cond = condition as Tensor ?? convert_to_tensor(condition, DType.Bool, name: "Condition");
        var xs = data.Select((d, i) => AsTensor(d, $"data_{i}")).ToList();
        if (xs.Count == 0) throw new InvalidArgumentException("tf.Assert needs at least one data item (attr T has minimum 1).");
        return new OpBuilder(LoggingOps.Assert, "Assert").Input(cond).InputList(xs).Attr("summarize", (long)(summarize ?? 3)).Build();
    }

    /// <summary>
    /// TF1's tf.Print: an identity of <paramref name="input_"/> that writes <paramref name="message"/> followed by
    /// [d] for each data tensor to stderr each time it runs (only the first <paramref name="first_n"/> times when given).
    /// </summary>
    public static Tensor Print(Tensor input_, IEnumerable<object> data, string? message = null, int? first_n = null, int? summarize = null,
        string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        var xs = data.Select((d, i) => AsTensor(d, $"data_{i}")).ToList();
        return new OpBuilder(LoggingOps.Print, name ?? "Print").Input(input_).InputList(xs).Attr("message", message ?? "")
            .Attr("first_n", (long)(first_n ?? -1)).Attr("summarize", (long)(summarize ?? 3)).Build().outputs[0];
    }

    /// <summary>tf.print(*inputs): strings print as they are, tensors as NumPy-like summaries, joined by " ", to stderr.</summary>
    public static Operation print(params object[] inputs) => PrintImpl(inputs, "stderr", 3, " ", "\n", null);

    /// <summary>
    /// tf.print with options: <paramref name="output_stream"/> is "stderr", "stdout", "log(info)", "log(warning)",
    /// "log(error)" or "file://path"; builds StringFormat (with a "{}" placeholder) and PrintV2 as TF does.
    /// </summary>
    public static Operation print(object[] inputs, string output_stream = "stderr", int summarize = 3, string sep = " ", string end = "\n",
        string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return PrintImpl(inputs, output_stream, summarize, sep, end, name);
    }

    private static Operation PrintImpl(object[] inputs, string outputStream, int summarize, string sep, string end, string? name)
    {
        if (!outputStream.StartsWith("file://", StringComparison.Ordinal) && !LoggingOps.OutputStreams.Contains(outputStream))
            throw new InvalidArgumentException(
                $"Unsupported output stream '{outputStream}' for tf.print; expected one of {string.Join(", ", LoggingOps.OutputStreams)} or file://<path>.");
        Tensor formatted;
        if (inputs.Length == 1 && inputs[0] is Tensor { dtype: DType.String } only && only.shape.HasRank && only.shape.Rank == 0)
        {
            formatted = only;
        }
        else
        {
            var tensorFree = string.Join(" ", inputs.Select(i => Template(i, "", [])));
            var placeholder = "{}";
            var rng = new System.Random(5);
            while (tensorFree.Contains(placeholder, StringComparison.Ordinal)) placeholder += rng.Next(10).ToString(CultureInfo.InvariantCulture);
            var tensors = new List<Tensor>();
            var template = string.Join(sep, inputs.Select(i => Template(i, placeholder, tensors)));
            formatted = new OpBuilder(LoggingOps.StringFormat, name == null ? "StringFormat" : name + "_format").InputList(tensors)
                .Attr("template", template).Attr("placeholder", placeholder).Attr("summarize", (long)summarize).Build().outputs[0];
        }
        return new OpBuilder(LoggingOps.PrintV2, name ?? "PrintV2").Input(formatted).Attr("output_stream", outputStream).Attr("end", end).Build();
    }

    /// <summary>One tf.print input as template text: a string as is, a tensor as the placeholder, a list as Python prints it.</summary>
    private static string Template(object? input, string placeholder, List<Tensor> tensors, bool nested = false)
    {
        switch (input)
        {
            case Tensor t:
                tensors.Add(t);
                return placeholder;
            case Variable v:
                return Template(v.value(), placeholder, tensors, nested);
            case string s:
                return nested ? "'" + s + "'" : s;
            case bool b:
                return b ? "True" : "False";
            case null:
                return "None";
            case IEnumerable e:
                return "[" + string.Join(", ", e.Cast<object?>().Select(x => Template(x, placeholder, tensors, nested: true))) + "]";
            case IFormattable f:
                return f.ToString(null, CultureInfo.InvariantCulture);
            default:
                return input.ToString() ?? "";
        }
    }

    /// <summary>Passes <paramref name="tensor"/> through, failing with InvalidArgument "message : Tensor had NaN values" (or Inf) when it has any.</summary>
    public static Tensor check_numerics(object tensor, string message, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        var t = tensor as Tensor ?? convert_to_tensor(tensor, name: "tensor");
        return new OpBuilder(LoggingOps.CheckNumerics, name ?? "CheckNumerics").Input(t).Attr("message", message).Build().outputs[0];
    }

    /// <summary>
    /// TF1's add_check_numerics_ops: a CheckNumerics (message "op:index") for every float16/32/64 output in the default
    /// graph (not ref outputs), each waiting for the previous one, and a group of the last. Run it with the train step.
    /// </summary>
    public static Operation add_check_numerics_ops([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        var graph = get_default_graph();
        List<object> previous = [];
        foreach (var op in graph.get_operations())
            foreach (var output in op.outputs)
            {
                if (output.dtype is not (DType.Half or DType.Float or DType.Double)) continue;
                using (control_dependencies(previous))
                    previous = [check_numerics(output, $"{op.name}:{output.value_index}")];
            }
        return group(previous, name: null);
    }

    /// <summary>Builds a tensor from a data item (tensor, variable, string, number or array).</summary>
    private static Tensor AsTensor(object item, string name) => item switch
    {
        Tensor t => t,
        _ => convert_to_tensor(item, name: name),
    };
}

/// <summary>TF's logging gradients: Print passes the gradient through, CheckNumerics checks it too (array_grad.py).</summary>
internal static class LoggingGradients
{
    public static void Register(GradientRegistry g)
    {
        g.Add(LoggingOps.Print, static (op, grads) => [grads[0], .. Enumerable.Repeat<Tensor?>(null, op.inputs.Length - 1)]);
        g.Add(LoggingOps.CheckNumerics, static (op, grads) =>
            [tf.check_numerics(grads[0]!, "Not a number (NaN) or infinity (Inf) values detected in gradient. " + op.get_attr("message").S)]);
        g.NoGradient(LoggingOps.Assert, LoggingOps.PrintV2, LoggingOps.StringFormat);
    }
}
