using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Runtime.Onnx;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>Export to ONNX, for serving with ONNX Runtime and the servers built on it.</summary>
    public static class onnx
    {
        /// <summary>
        /// Writes the part of a graph between <paramref name="inputs"/> and <paramref name="outputs"/>
        /// (tensor names, "x:0") as an ONNX model at <paramref name="path"/>, atomically. The source is a
        /// Session (the current values of the variables the outputs need are frozen in), a Graph or
        /// GraphDef without variables, or a GraphDef with <paramref name="checkpoint"/> (a checkpoint
        /// prefix holding its variables). Constant subexpressions are folded; graph inputs and outputs keep
        /// the tensor names; unknown dimensions (the batch) stay symbolic. An op with no ONNX mapping is an
        /// UnimplementedException naming the op and node. Returns the path.
        /// </summary>
        public static string export(object graph_def_or_session, IEnumerable<string> inputs, IEnumerable<string> outputs, string path,
            int opset = 17, string? checkpoint = null)
        {
            var outputList = outputs.ToList();
            var inputList = inputs.ToList();
            if (checkpoint != null && graph_def_or_session is not GraphDef)
                throw new InvalidArgumentException("tf.onnx.export: a checkpoint is only read for a GraphDef source; a Session already holds its variables.");
            var graph = graph_def_or_session switch
            {
                Session s => Freeze(s, inputList, outputList),
                GraphDef g => g,
                Graph g => g.as_graph_def(),
                null => throw new InvalidArgumentException("tf.onnx.export: the source graph is null."),
                _ => throw new InvalidArgumentException($"tf.onnx.export expects a Session, Graph or GraphDef, got {graph_def_or_session.GetType().Name}."),
            };
            return OnnxExport.Export(graph, inputList, outputList, path, opset, checkpoint);
        }

        private static GraphDef Freeze(Session sess, List<string> inputs, List<string> outputs)
        {
            var def = sess.graph.as_graph_def();
            // Named before freezing so that a typo is NotFound here, as it is for a GraphDef source.
            foreach (var name in inputs.Concat(outputs))
                if (def.Find(TensorName.Parse(name).Node) == null)
                    throw new NotFoundException($"ONNX export: tensor '{name}' is not in the graph (no node '{TensorName.Parse(name).Node}').");
            return graph_util.convert_variables_to_constants(sess, def, outputs.Select(o => TensorName.Parse(o).Node));
        }

        /// <summary>Reads a model file (binary or text GraphDef, or a MetaGraphDef ".meta") as a GraphDef, e.g. to export it with a checkpoint.</summary>
        public static GraphDef read_model(string path) => OnnxExport.ReadModel(path);
    }
}
