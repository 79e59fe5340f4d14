namespace GraphEngine;

public static partial class tf
{
    /// <summary>Standard collection names (TF1's tf.GraphKeys), with TF's string values so meta graphs match.</summary>
    public static class GraphKeys
    {
        public const string GLOBAL_VARIABLES = "variables";
        public const string LOCAL_VARIABLES = "local_variables";
        public const string MODEL_VARIABLES = "model_variables";
        public const string TRAINABLE_VARIABLES = "trainable_variables";
        public const string SUMMARIES = "summaries";
        public const string QUEUE_RUNNERS = "queue_runners";
        public const string TABLE_INITIALIZERS = "table_initializer";
        public const string ASSET_FILEPATHS = "asset_filepaths";
        public const string MOVING_AVERAGE_VARIABLES = "moving_average_variables";
        public const string REGULARIZATION_LOSSES = "regularization_losses";
        public const string SAVERS = "savers";
        public const string WEIGHTS = "weights";
        public const string BIASES = "biases";
        public const string ACTIVATIONS = "activations";
        public const string UPDATE_OPS = "update_ops";
        public const string LOSSES = "losses";
        public const string INIT_OP = "init_op";
        public const string LOCAL_INIT_OP = "local_init_op";
        public const string READY_OP = "ready_op";
        public const string SUMMARY_OP = "summary_op";
        public const string GLOBAL_STEP = "global_step";
        public const string TRAIN_OP = "train_op";
        public const string COND_CONTEXT = "cond_context";
        public const string WHILE_CONTEXT = "while_context";
    }
}
