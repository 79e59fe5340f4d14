using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;

namespace GraphEngine.Runtime.Planning;

/// <summary>
/// Drops nodes whose results nobody reads, as TF's grappler dependency optimizer turns them into NoOps
/// (dependency_optimizer.cc, SafeToConvertToNoOp): a side-effect-free node (not stateful, no ref inputs,
/// not Assert/CheckNumerics/Print/ControlTrigger/Identity/placeholders) that is in the plan only through control
/// edges, is not fetched, fed or a target, has no data reader left. Typical case: tf.gradients with
/// gate_gradients (Optimizer.minimize's GATE_OP) groups every op's input gradients with control edges,
/// so the gradient of the first MatMul with respect to the fed images would be computed and thrown away.
/// Its inputs' producers lose a reader too, so chains that only fed the dropped node go with it. Plans
/// with control flow are left alone. As in TF, a dropped node's errors are not raised either.
/// </summary>
internal static class DependencyPass
{
    private static readonly HashSet<string> Kept = new(StringComparer.Ordinal)
    {
        "Assert", "CheckNumerics", "ControlTrigger", "Print", "PrintV2", "NoOp",
        // A variable's read raises its not-initialised error; TF keeps Identity after a variable too.
        "Identity", "IdentityN",
        "Placeholder", "PlaceholderV2", "PlaceholderWithDefault",
    };

    public static List<NodeInfo> Apply(List<NodeInfo> order, IReadOnlyDictionary<TensorName, int> fed, IReadOnlyCollection<TensorName> fetched,
        IReadOnlyCollection<string> targets)
    {
        var readers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var info in order)
            foreach (var t in DataInputs(info, fed))
                readers[t.Node] = readers.GetValueOrDefault(t.Node) + 1;
        var pinned = fetched.Select(f => f.Node).Concat(targets).ToHashSet(StringComparer.Ordinal);
        HashSet<string>? dropped = null;
        // Readers come after their producers, so walking backwards settles each node's readers first.
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var info = order[i];
            var name = info.Node.Name;
            if (readers.GetValueOrDefault(name) > 0 || pinned.Contains(name) || !SideEffectFree(info)) continue;
            (dropped ??= new HashSet<string>(StringComparer.Ordinal)).Add(name);
            foreach (var t in DataInputs(info, fed)) readers[t.Node]--;
        }
        return dropped == null ? order : order.Where(i => !dropped.Contains(i.Node.Name)).ToList();
    }

    private static bool SideEffectFree(NodeInfo info) =>
        !info.Op.IsStateful && info.OutputTypes.Length > 0 && !Kept.Contains(info.Op.Name)
        && !info.InputTypes.Any(t => t.IsRef()) && !info.OutputTypes.Any(t => t.IsRef());

    private static IEnumerable<TensorName> DataInputs(NodeInfo info, IReadOnlyDictionary<TensorName, int> fed)
    {
        foreach (var input in info.Node.Input)
        {
            if (input.StartsWith('^')) continue;
            var t = TensorName.Parse(input);
            if (!fed.ContainsKey(t)) yield return t;
        }
    }
}
