using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Model.Serialization;
using GraphEngine.Ops.Proto.Onnx;
using Google.Protobuf;

namespace GraphEngine.Runtime.Onnx
{
    /// <summary>
    /// Export of a GraphDef to ONNX, for serving with ONNX Runtime and the servers built on it. The
    /// front end's tf.onnx.export freezes a live Session first; the CLI freezes from a checkpoint.
    /// </summary>
    public static class OnnxExport
    {
        /// <summary>
        /// Writes the part of <paramref name="graph"/> between <paramref name="inputs"/> and
        /// <paramref name="outputs"/> (tensor names, "x:0") as an ONNX model at <paramref name="path"/>
        /// (atomically: temp file + rename). Variables it needs come from <paramref name="checkpoint"/> (a
        /// checkpoint prefix) or must already be constants. Graph inputs and outputs keep the tensor names;
        /// unknown dimensions (the batch) stay symbolic. An op with no ONNX mapping is an
        /// UnimplementedException naming the op and node. Returns the path.
        /// </summary>
        public static string Export(GraphDef graph, IEnumerable<string> inputs, IEnumerable<string> outputs, string path,
            int opset = 17, string? checkpoint = null)
        {
            var model = OnnxExporter.Build(graph, inputs, outputs, opset, checkpoint);
            var full = Path.GetFullPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            ProtoFile.WriteAtomic(full, model.ToByteArray());
            return path;
        }

        /// <summary>Reads a model file (a binary GraphDef, its text form, or a MetaGraphDef ".meta") as a GraphDef.</summary>
        public static GraphDef ReadModel(string path) =>
            path.EndsWith(".meta", StringComparison.OrdinalIgnoreCase)
                ? GraphDefConverter.ToGraphDef(ProtoFile.Read<GraphEngine.Ops.Proto.MetaGraphDef>(path).GraphDef, path)
                : GraphDefIO.Read(path);
    }
}

namespace GraphEngine.Runtime.Onnx
{
    /// <summary>The export pipeline: freeze → fold constants → map ops → assemble the ModelProto.</summary>
    internal static class OnnxExporter
    {
        public const int MinOpset = 13;
        public const int MaxOpset = 21;

        private static readonly Dictionary<string, OnnxOpMapper> Mappers = CreateMappers();

        private static Dictionary<string, OnnxOpMapper> CreateMappers()
        {
            var m = new Dictionary<string, OnnxOpMapper>(StringComparer.Ordinal);
            OnnxMathOps.Register(m);
            OnnxNnOps.Register(m);
            OnnxArrayOps.Register(m);
            return m;
        }

        public static ModelProto Build(GraphDef source, IEnumerable<string> inputNames, IEnumerable<string> outputNames, int opset, string? checkpoint)
        {
            if (opset is < MinOpset or > MaxOpset)
                throw new InvalidArgumentException($"ONNX export: opset {opset} is not supported; use {MinOpset} to {MaxOpset}.");
            var inputs = inputNames.Select(OnnxFreezer.TensorNameOf).ToList();
            var outputs = outputNames.Select(OnnxFreezer.TensorNameOf).ToList();
            if (outputs.Count == 0) throw new InvalidArgumentException("ONNX export: no outputs were named.");
            foreach (var dup in inputs.Concat(outputs).GroupBy(n => n).Where(d => d.Count() > 1))
                throw new InvalidArgumentException($"ONNX export: tensor '{dup.Key}' is named more than once among the inputs and outputs.");
            var graph = checkpoint != null ? OnnxFreezer.FreezeFromCheckpoint(source, checkpoint, inputs, outputs) : source;
            var frozen = OnnxFreezer.Prepare(graph, inputs, outputs);
            var builder = new OnnxGraphBuilder(opset);
            var c = new OnnxConversion(frozen, builder);
            foreach (var input in inputs) c.DefineInput(input);

            foreach (var node in frozen.Order)
            {
                if (frozen.ConstantNodes.Contains(node.Name) || c.IsHandled(node)) continue;
                if (!Mappers.TryGetValue(node.Op, out var mapper))
                    throw new UnimplementedException($"ONNX export: op '{node.Op}' (node '{node.Name}') has no ONNX mapping.");
                mapper(c, node);
            }

            var onnxGraph = new GraphProto { Name = "graphengine" };
            foreach (var input in inputs) onnxGraph.Input.Add(InputInfo(c, input));
            foreach (var output in outputs)
            {
                var value = c.Native(output);
                if (value != output)
                {
                    var name = builder.Fresh(output);
                    if (name != output) throw new InternalException($"ONNX export: output name '{output}' was taken by another value.");
                    builder.Add("Identity", [value], [output]);
                }
                onnxGraph.Output.Add(ValueInfo(output, c.TypeOf(TensorName.Parse(output)), null));
            }
            onnxGraph.Node.AddRange(builder.Nodes);
            onnxGraph.Initializer.AddRange(builder.Initializers);

            var model = new ModelProto
            {
                IrVersion = IrVersionFor(opset),
                ProducerName = "GraphEngine",
                ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0",
                Graph = onnxGraph,
            };
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
            return model;
        }

        /// <summary>The IR version that introduced each opset (ONNX's versioning table), so older runtimes still load the model.</summary>
        private static long IrVersionFor(int opset) => opset switch { <= 18 => 8, <= 20 => 9, _ => 10 };

        private static ValueInfoProto InputInfo(OnnxConversion c, string input)
        {
            var node = c.Model.Graph.Find(TensorName.Parse(input).Node)!;
            TensorShape? shape = node.Op is "Placeholder" or "PlaceholderWithDefault" && node.Attr.TryGetValue("shape", out var s) ? s.Shape : null;
            // Before GraphDef version 22 an empty placeholder shape meant "unknown", not a scalar.
            if (shape is { Rank: 0 } && c.Model.Graph.Producer < 22) shape = null;
            return ValueInfo(input, c.TypeOf(TensorName.Parse(input)), shape);
        }

        private static ValueInfoProto ValueInfo(string name, DType dtype, TensorShape? shape)
        {
            var tensorType = new TypeProto.Types.Tensor { ElemType = OnnxTypes.ElemType(dtype, name) };
            if (shape is { HasRank: true })
            {
                var proto = new TensorShapeProto();
                for (int i = 0; i < shape.Rank; i++)
                    proto.Dim.Add(shape[i] >= 0
                        ? new TensorShapeProto.Types.Dimension { DimValue = shape[i] }
                        // Unknown dims stay symbolic: dim 0 is the batch, shared by name across inputs.
                        : new TensorShapeProto.Types.Dimension { DimParam = i == 0 ? "batch" : $"{name}_dim{i}" });
                tensorType.Shape = proto;
            }
            return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } };
        }
    }
}
