using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Script;

namespace GraphEngine;

/// <summary>
/// A tf.host_func node runs a C# delegate that exists only in the process that built it, so a file
/// holding it would load elsewhere (here or in TensorFlow) and then fail. Writing graphs for other
/// processes (meta graphs, .meta beside checkpoints, SavedModels, write_graph) is refused instead,
/// naming the nodes; in-memory GraphDefs (as_graph_def, freezing, import) keep working.
/// </summary>
internal static class HostFunctionExport
{
    public static void EnsureExportable(GraphDef def, string what) =>
        Ensure(def.Nodes.Where(n => IsHostFunction(n.Op)).Select(n => n.Name).ToList(), what);

    /// <summary>The same check over a live graph, without serializing it first.</summary>
    public static void EnsureExportable(Graph graph, string what) =>
        Ensure(graph.get_operations().Where(o => IsHostFunction(o.type)).Select(o => o.name).ToList(), what);

    private static bool IsHostFunction(string opType) => opType == ScriptOps.PyFunc.Name || opType == ScriptOps.PyFuncStateless.Name;

    private static void Ensure(List<string> hosts, string what)
    {
        if (hosts.Count == 0) return;
        throw new FailedPreconditionException(
            $"Cannot export the graph as {what}: node{(hosts.Count > 1 ? "s" : "")} {string.Join(", ", hosts.Select(h => $"'{h}'"))} " +
            "(op PyFunc) run a C# delegate registered with tf.host_func, which exists only in this process. " +
            "Replace the host function with graph ops before exporting (or save checkpoints with write_meta_graph: false).");
    }
}
