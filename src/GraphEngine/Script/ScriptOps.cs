using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Script;
using NumSharp;
using DType = GraphEngine.Ops.Core.DType;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>
    /// The C# counterpart of tf.py_func: runs <paramref name="f"/> on the inputs' values (NDArrays) as an op whose
    /// outputs have the dtypes <paramref name="Tout"/> (values are converted as NumPy's asarray(value, dtype)).
    /// The node is TF's PyFunc (or PyFuncStateless when <paramref name="stateful"/> is false) with a "token" attr that
    /// finds the delegate in this process's registry, so the graph exports (as_graph_def, meta graphs, freeze) like a
    /// TF py_func graph, but it runs only in this process: elsewhere the node fails with NotFound naming the token.
    /// Gradients stop at it (TF's NotDifferentiable). Outputs have unknown shapes.
    /// </summary>
    public static Tensor[] host_func(Func<NDArray[], NDArray[]> f, Tensor[] inp, DType[] Tout, bool stateful = true, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        ArgumentNullException.ThrowIfNull(f);
        var outTypes = Tout.Select(t => t.BaseType()).ToArray();
        var token = HostFunctionRegistry.Register(inputs =>
        {
            var results = f(inputs.Select(NDArrayConversion.ToNDArray).ToArray());
            if (results == null || results.Length != outTypes.Length)
                throw new InvalidArgumentException(
                    $"The host function returned {results?.Length ?? 0} value(s), but Tout declares {outTypes.Length}.");
            return results.Select((r, i) => NDArrayConversion.ToHostTensor(r, outTypes[i], $"host_func output {i}")).ToArray();
        });
        var def = stateful ? ScriptOps.PyFunc : ScriptOps.PyFuncStateless;
        return new OpBuilder(def, name ?? "PyFunc").InputList(inp).Attr("token", token).Attr("Tout", AttrValue.Of(outTypes)).Build().outputs;
    }

    /// <summary>host_func with a single output.</summary>
    public static Tensor host_func(Func<NDArray[], NDArray> f, Tensor[] inp, DType Tout, bool stateful = true, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        host_func(xs => [f(xs)], inp, [Tout], stateful, name, file, line)[0];
}

/// <summary>
/// No gradient through host functions: TF declares PyFunc and PyFuncStateless NotDifferentiable
/// (script_ops.py), so gradients stop there and inputs reached only through one get none.
/// </summary>
internal static class ScriptGradients
{
    public static void Register(GradientRegistry g) => g.NoGradient(ScriptOps.PyFunc, ScriptOps.PyFuncStateless);
}
