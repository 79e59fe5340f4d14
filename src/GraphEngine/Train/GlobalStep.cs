using GraphEngine.Ops.Core;

namespace GraphEngine;

public static partial class tf
{
    public static partial class train
    {
        /// <summary>
        /// The graph's global step (TF1 training_util.get_global_step): the single entry of the
        /// GLOBAL_STEP collection, else a variable named "global_step"; null when there is none.
        /// It must be an integer scalar.
        /// </summary>
        public static Variable? get_global_step(Graph? graph = null)
        {
            graph ??= get_default_graph();
            var items = graph.get_collection(GraphKeys.GLOBAL_STEP);
            Variable? step = null;
            if (items.Count > 1) throw new InvalidArgumentException("Multiple tensors in global_step collection.");
            if (items.Count == 1)
                step = items[0] as Variable
                    ?? throw new InvalidArgumentException($"Existing \"global_step\" is not a variable: {items[0]}");
            else
                step = graph.get_collection<Variable>(GraphKeys.GLOBAL_VARIABLES).FirstOrDefault(v => v.name == "global_step:0");
            if (step == null) return null;
            if (!step.dtype.BaseType().IsInteger())
                throw new InvalidArgumentException($"Existing \"global_step\" does not have integer type: {step.dtype.PythonName()}");
            if (step.shape.Rank != 0)
                throw new InvalidArgumentException($"Existing \"global_step\" is not scalar: {step.shape}");
            return step;
        }

        /// <summary>
        /// Creates the int64 scalar "global_step" (zeros initializer, not trainable, in
        /// GLOBAL_VARIABLES and GLOBAL_STEP) at the graph's root scope; AlreadyExists when the graph has one.
        /// </summary>
        public static Variable create_global_step(Graph? graph = null)
        {
            graph ??= get_default_graph();
            if (get_global_step(graph) != null) throw new AlreadyExistsException("\"global_step\" already exists.");
            using (graph.as_default())
            using (control_dependencies((IEnumerable<object>?)null))
            using (graph.name_scope(null))
            {
                return new Variable((Func<Tensor>)(() => zeros(TensorShape.Scalar, DType.Int64, name: "zeros")), trainable: false,
                    name: GraphKeys.GLOBAL_STEP, dtype: null, validate_shape: true,
                    collections: [GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP]);
            }
        }

        /// <summary>The graph's global step, created when missing.</summary>
        public static Variable get_or_create_global_step(Graph? graph = null) => get_global_step(graph) ?? create_global_step(graph);

        /// <summary>The global step's value in a session as a number (TF1 tf.train.global_step).</summary>
        public static long global_step(Session sess, Variable global_step_tensor) => AsLong(sess.run(global_step_tensor, new FeedDict()));

        public static long global_step(Session sess, Tensor global_step_tensor) => AsLong(sess.run(global_step_tensor, new FeedDict()));

        private static long AsLong(NumSharp.NDArray value) => value.typecode switch
        {
            NumSharp.NPTypeCode.Int64 => value.GetInt64(),
            NumSharp.NPTypeCode.Int32 => value.GetInt32(),
            _ => throw new InvalidArgumentException($"global_step must be an integer scalar, got {value.typecode}"),
        };
    }
}
