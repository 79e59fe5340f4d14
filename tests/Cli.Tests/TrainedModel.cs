using GraphEngine.Ops.Core;

namespace GraphEngine.Cli.Tests;

/// <summary>
/// A small linear regression y = x·W + b trained with gradient descent in the test and saved twice
/// (after 5 and after 10 steps), with its .meta, so the tool is checked on checkpoints it did not ship with.
/// </summary>
internal sealed class TrainedModel
{
    public required string Dir { get; init; }
    public required string Step5 { get; init; }
    public required string Step10 { get; init; }
    /// <summary>y for <see cref="Probe"/> after 10 steps, computed in-process.</summary>
    public required float[] Expected { get; init; }
    /// <summary>W after 5 and after 10 steps, for the diff's max abs difference.</summary>
    public required float[] W5 { get; init; }
    public required float[] W10 { get; init; }

    public const string ProbeLiteral = "[[1,2],[3,4],[0.5,-1]]";
    public static readonly float[,] Probe = { { 1, 2 }, { 3, 4 }, { 0.5f, -1 } };

    public static TrainedModel Create()
    {
        var dir = CliProcess.TempDir();
        var g = new Graph();
        using var _ = g.as_default();
        var x = tf.placeholder(tf.float32, new[] { -1, 2 }, name: "x");
        var t = tf.placeholder(tf.float32, new[] { -1, 1 }, name: "t");
        var w = tf.Variable(tf.constant(new float[,] { { 0.1f }, { -0.2f } }), name: "W");
        var b = tf.Variable(tf.constant(new float[] { 0.3f }), name: "b");
        var y = tf.add(tf.matmul(x, w), b, name: "y");
        var loss = tf.reduce_mean(tf.square(tf.subtract(y, t)), name: "loss");
        var train = tf.train.GradientDescentOptimizer(0.05).minimize(loss);
        var saver = tf.train.Saver();
        using var sess = new Session(g);
        sess.run(tf.global_variables_initializer());
        var xs = new float[,] { { 1, 0 }, { 0, 1 }, { 1, 1 }, { 2, 1 } };
        var ts = new float[,] { { 3 }, { -1 }, { 2 }, { 5 } };
        void Steps(int n) { for (int i = 0; i < n; i++) sess.run(train, (x, xs), (t, ts)); }
        float[] W() => NDArrayConversion.ToHostTensor(sess.run(w)).ToArray<float>();
        Steps(5);
        var w5 = W();
        var p5 = saver.save(sess, Path.Combine(dir, "model.ckpt"), global_step: 5);
        Steps(5);
        var w10 = W();
        var p10 = saver.save(sess, Path.Combine(dir, "model.ckpt"), global_step: 10);
        var expected = NDArrayConversion.ToHostTensor(sess.run(y, (x, Probe))).ToArray<float>();
        return new TrainedModel { Dir = dir, Step5 = p5, Step10 = p10, Expected = expected, W5 = w5, W10 = w10 };
    }

    static readonly Lazy<TrainedModel> Shared = new(Create);

    /// <summary>One model for all tests of a run (training is quick, but there is no need to repeat it).</summary>
    public static TrainedModel Instance => Shared.Value;
}
