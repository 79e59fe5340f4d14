using GraphEngine.Ops.Core;

namespace GraphEngine;

/// <summary>One tf.control_dependencies block: its control inputs and the ops created inside it.</summary>
internal sealed class ControlDependencyScope(IReadOnlyList<Operation> controlInputs, bool clearsOuter)
{
    private readonly HashSet<Operation> _seen = [];

    public IReadOnlyList<Operation> ControlInputs { get; } = controlInputs;

    /// <summary>True for control_dependencies(null): ops inside ignore every outer block.</summary>
    public bool ClearsOuter { get; } = clearsOuter;

    public void Seen(Operation op) => _seen.Add(op);

    public bool Contains(Operation op) => _seen.Contains(op);
}

public sealed partial class Graph
{
    /// <summary>
    /// Ops created inside the block run after <paramref name="control_inputs"/> (Operations, Tensors or
    /// Variables). Blocks nest and accumulate; null clears the outer ones (TF1 semantics).
    /// </summary>
    public IDisposable control_dependencies(IEnumerable<object>? control_inputs)
    {
        var ops = control_inputs?.Select(ToControlOp).Distinct().ToList();
        var scope = new ControlDependencyScope(ops ?? [], ops == null);
        var list = Controllers;
        list.Add(scope);
        return new Scope(() => list.Remove(scope));
    }

    internal static Operation ToControlOp(object o) => o switch
    {
        Operation op => op,
        Tensor t => t.op,
        Variable v => v.op,
        ITensorOrOperation x => x.Op,
        _ => throw new InvalidArgumentException($"Can not convert a {o?.GetType().Name ?? "null"} into an Operation or a Tensor for a control dependency."),
    };

    /// <summary>TF's _control_dependencies_for_inputs: control inputs the active blocks add to a new op.</summary>
    internal List<Operation> ControlInputsFor(IReadOnlyList<Operation> inputOps)
    {
        var result = new List<Operation>();
        var controllers = Controllers;
        int start = controllers.FindLastIndex(c => c.ClearsOuter);
        for (int i = Math.Max(start, 0); i < controllers.Count; i++)
        {
            var c = controllers[i];
            // A data input created inside the block already orders this op after the block's controls.
            if (inputOps.Any(c.Contains)) continue;
            foreach (var op in c.ControlInputs)
                if (!inputOps.Contains(op) && !result.Contains(op)) result.Add(op);
        }
        return result;
    }
}
