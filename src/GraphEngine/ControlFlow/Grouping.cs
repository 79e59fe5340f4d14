using System.Runtime.CompilerServices;
using GraphEngine.Ops.ControlFlow;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>An op that does nothing; useful as a control-dependency target.</summary>
    public static Operation no_op(string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return new OpBuilder(ControlFlowOps.NoOp, name).Build();
    }

    /// <summary>An op that runs all <paramref name="inputs"/> (a NoOp named "group_deps" with control inputs).</summary>
    public static Operation group(params object[] inputs) => GroupImpl(inputs, null);

    public static Operation group(IEnumerable<object> inputs, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return GroupImpl(inputs, name);
    }

    private static Operation GroupImpl(IEnumerable<object> inputs, string? name)
    {
        var ops = inputs.Select(GraphEngine.Graph.ToControlOp).Distinct().ToList();
        var g = GraphFor(ops);
        using var __ = g.as_default();
        using var scope = name_scope(name ?? "group_deps");
        using (g.control_dependencies(ops)) return new OpBuilder(ControlFlowOps.NoOp, scope.Name).Build();
    }

    /// <summary>
    /// Groups tensors: each returned tensor is an Identity of its input that waits for all of them
    /// (TF's tf.tuple); <paramref name="control_inputs"/> are added to the gate.
    /// </summary>
    public static Tensor[] tuple(IEnumerable<Tensor> tensors, string? name = null, IEnumerable<object>? control_inputs = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        var list = tensors.ToList();
        using var __ = GraphFor(list).as_default();
        using var scope = name_scope(name ?? "tuple");
        var gating = list.Select(t => (object)t.op).Concat(control_inputs ?? []).ToList();
        var gate = GroupImpl(gating, null);
        return list.Select(t =>
        {
            using var dep = name_scope("control_dependency");
            using (control_dependencies([gate])) return identity(t, name: dep.Name);
        }).ToArray();
    }
}
