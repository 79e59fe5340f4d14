using GraphEngine.Ops.Training;

namespace GraphEngine;

/// <summary>Plain gradient descent through TF's fused ApplyGradientDescent kernel: var -= lr · grad.</summary>
public sealed class GradientDescentOptimizer(object learning_rate, bool use_locking = false, string name = "GradientDescent")
    : Optimizer(use_locking, name)
{
    private Tensor _learningRate = null!;

    protected override void Prepare() => _learningRate = HyperParameter(learning_rate, "learning_rate");

    protected override ITensorOrOperation ApplyDense(Tensor grad, Variable var) =>
        new OpBuilder(TrainingOps.ApplyGradientDescent).Input(var.AsRefTensor).Input(tf.cast(_learningRate, var.dtype)).Input(grad)
            .Attr("use_locking", use_locking).Build();
}

public static partial class tf
{
    public static partial class train
    {
        public static GradientDescentOptimizer GradientDescentOptimizer(object learning_rate, bool use_locking = false, string name = "GradientDescent") =>
            new(learning_rate, use_locking, name);
    }
}
