using GraphEngine.Ops.Core;
using NumSharp;
using DType = GraphEngine.Ops.Core.DType;

namespace GraphEngine.TestKit;

/// <summary>
/// Numeric gradient check (TF's gradient_checker): builds the symbolic Jacobian by back-propagating a
/// one-hot dy for every output element, and the numeric Jacobian by central differences, both in
/// float64, and returns the largest absolute difference.
/// </summary>
public static class GradientChecker
{
    /// <summary>
    /// Max |symbolic − numeric| over every (input element, output element) pair of
    /// <paramref name="f"/> applied to float64 placeholders of <paramref name="shapes"/>.
    /// Inputs are <paramref name="inits"/> or seeded uniforms in [-2, 2] kept at least 0.1 away from 0
    /// (so kinks like Relu's are not straddled).
    /// </summary>
    public static double ComputeGradientError(Func<Tensor[], Tensor> f, long[][] shapes, double[][]? inits = null, double delta = 1e-6, int seed = 1)
    {
        var g = new Graph();
        using var _ = g.as_default();
        var xs = shapes.Select((s, i) => tf.placeholder(tf.float64, new TensorShape(s), name: $"x{i}")).ToArray();
        var y = f(xs);
        if (y.dtype.BaseType() != DType.Double)
            throw new InvalidArgumentException($"The checked function must return float64, got {y.dtype.PythonName()}.");
        var rnd = new System.Random(seed);
        var values = shapes.Select((s, i) => inits?[i] ?? RandomInit(rnd, Count(s))).ToArray();
        using var sess = new Session(g);
        var yShape = sess.run(y, Feeds(xs, values, shapes)).shape;
        long ny = yShape.Aggregate(1L, (a, b) => a * b);
        var dy = tf.placeholder(tf.float64, new TensorShape(yShape), name: "dy");
        var grads = tf.gradients([y], xs.Cast<object>(), [dy]);
        double maxError = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            long nx = Count(shapes[i]);
            var symbolic = new double[ny, nx];
            if (grads[i] != null)
                for (long j = 0; j < ny; j++)
                {
                    var onehot = new double[ny];
                    onehot[j] = 1;
                    var feeds = Feeds(xs, values, shapes).Append((dy, (object)new NDArray(onehot, new Shape(yShape)))).ToArray();
                    var row = sess.run(grads[i]!, feeds).ToArray<double>();
                    for (long k = 0; k < nx; k++) symbolic[j, k] = row[k];
                }
            for (long k = 0; k < nx; k++)
            {
                var original = values[i][k];
                values[i][k] = original + delta;
                var plus = sess.run(y, Feeds(xs, values, shapes)).ToArray<double>();
                values[i][k] = original - delta;
                var minus = sess.run(y, Feeds(xs, values, shapes)).ToArray<double>();
                values[i][k] = original;
                for (long j = 0; j < ny; j++)
                {
                    double numeric = (plus[j] - minus[j]) / (2 * delta);
                    maxError = Math.Max(maxError, Math.Abs(numeric - symbolic[j, k]));
                }
            }
        }
        return maxError;
    }

    /// <summary>The same check on the gradient of a single-input function: second derivatives.</summary>
    public static double ComputeSecondOrderError(Func<Tensor, Tensor> f, long[] shape, double[]? init = null, int seed = 1) =>
        ComputeGradientError(xs => tf.gradients(f(xs[0]), xs[0])[0]
            ?? throw new InvalidArgumentException("The first derivative is not connected to x."), [shape], init == null ? null : [init], 1e-5, seed);

    private static long Count(long[] shape) => shape.Aggregate(1L, (a, b) => a * b);

    private static double[] RandomInit(System.Random rnd, long n) => Enumerable.Range(0, (int)n).Select(_ =>
    {
        double v = rnd.NextDouble() * 3.8 - 1.9;
        return v >= 0 ? v + 0.1 : v - 0.1;
    }).ToArray();

    private static (Tensor, object)[] Feeds(Tensor[] xs, double[][] values, long[][] shapes) =>
        xs.Select((x, i) => (x, (object)new NDArray((double[])values[i].Clone(), new Shape(shapes[i])))).ToArray();
}
