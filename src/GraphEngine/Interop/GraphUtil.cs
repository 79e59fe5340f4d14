using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Model.Serialization;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>TF1's tf.graph_util: freezing and pruning GraphDefs.</summary>
    public static class graph_util
    {
        /// <summary>
        /// The nodes <paramref name="dest_nodes"/> need (through data and control inputs), in the
        /// original order, with the original versions and function library.
        /// </summary>
        public static GraphDef extract_sub_graph(GraphDef graph_def, IEnumerable<string> dest_nodes)
        {
            var keep = new HashSet<string>(StringComparer.Ordinal);
            var stack = new Stack<string>();
            foreach (var d in dest_nodes)
            {
                var name = TensorName.Parse(d).Node;
                if (graph_def.Find(name) == null) throw new InvalidArgumentException($"extract_sub_graph: '{d}' is not in the graph.");
                stack.Push(name);
            }
            while (stack.Count > 0)
            {
                var name = stack.Pop();
                if (!keep.Add(name)) continue;
                var node = graph_def.Find(name) ?? throw new InvalidArgumentException($"extract_sub_graph: input '{name}' is not in the graph.");
                foreach (var input in node.Input) stack.Push(TensorName.Parse(input).Node);
            }
            var result = Empty(graph_def);
            foreach (var n in graph_def.Nodes)
                if (keep.Contains(n.Name)) result.Add(n.Clone());
            return result;
        }

        /// <summary>
        /// Freezes a graph (TF1's convert_variables_to_constants): the subgraph the outputs need, with
        /// every TF1 variable node (VariableV2, Variable) replaced by a Const holding its value in
        /// <paramref name="sess"/>. Reads of the variables (Identity "v/read") stay; initializers and
        /// Assigns are not needed by the outputs and so drop out. Variables can be chosen by name.
        /// </summary>
        public static GraphDef convert_variables_to_constants(Session sess, GraphDef input_graph_def, IEnumerable<string> output_node_names,
            IEnumerable<string>? variable_names_whitelist = null, IEnumerable<string>? variable_names_blacklist = null)
        {
            var inference = extract_sub_graph(input_graph_def, output_node_names);
            var allow = variable_names_whitelist?.ToHashSet(StringComparer.Ordinal);
            var deny = variable_names_blacklist?.ToHashSet(StringComparer.Ordinal) ?? [];
            var variables = inference.Nodes
                .Where(n => n.Op is "VariableV2" or "Variable" && (allow == null || allow.Contains(n.Name)) && !deny.Contains(n.Name))
                .ToList();
            if (inference.Nodes.Any(n => n.Op is "VarHandleOp" && (allow == null || allow.Contains(n.Name)) && !deny.Contains(n.Name)))
                throw new UnimplementedException("convert_variables_to_constants: resource variables (VarHandleOp) are not supported; only TF1 ref variables.");
            var values = variables.Count == 0 ? []
                : sess.Runtime.Run([], variables.Select(v => v.Name + ":0").ToArray(), []);
            var constants = new Dictionary<string, HostTensor>(StringComparer.Ordinal);
            for (int i = 0; i < variables.Count; i++) constants[variables[i].Name] = values[i];

            var result = Empty(inference);
            foreach (var n in inference.Nodes)
            {
                if (!constants.TryGetValue(n.Name, out var value))
                {
                    result.Add(n.Clone());
                    continue;
                }
                var c = new NodeDef(n.Name, "Const") { Device = n.Device };
                c.Attr["dtype"] = AttrValue.Of(value.DType);
                c.Attr["value"] = AttrValue.Of(value);
                result.Add(c);
            }
            return result;
        }

        private static GraphDef Empty(GraphDef like)
        {
            var g = new GraphDef { Producer = like.Producer, MinConsumer = like.MinConsumer, LibraryBytes = like.LibraryBytes };
            g.BadConsumers.AddRange(like.BadConsumers);
            return g;
        }
    }

    public static partial class train
    {
        /// <summary>
        /// Writes a graph (a Graph or a GraphDef) to <paramref name="logdir"/>/<paramref name="name"/>,
        /// text by default as TF does, atomically (temp file + rename); creates the directory. Returns the path.
        /// </summary>
        public static string write_graph(object graph_or_graph_def, string logdir, string name, bool as_text = true)
        {
            var def = graph_or_graph_def switch
            {
                GraphEngine.Graph g => g.as_graph_def(),
                GraphDef d => d,
                _ => throw new InvalidArgumentException($"write_graph expects a Graph or a GraphDef, got {graph_or_graph_def.GetType().Name}."),
            };
            HostFunctionExport.EnsureExportable(def, $"'{Path.Combine(logdir, name)}'");
            Directory.CreateDirectory(logdir);
            var path = Path.Combine(logdir, name);
            if (as_text) GraphDefIO.WriteText(def, path);
            else GraphDefIO.WriteBinary(def, path);
            return path;
        }

        /// <summary>Reads a GraphDef file, binary or text (detected from the content; TF writes text named .pb too).</summary>
        public static GraphDef read_graph(string path) => GraphDefIO.Read(path);
    }
}
