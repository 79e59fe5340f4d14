using BenchmarkDotNet.Attributes;
using GraphEngine.Ops.Proto;

namespace GraphEngine.Bench;

/// <summary>
/// What RunOptions cost on the 1,000-node scalar chain: a plain run, a run with a deadline (the
/// instrumented loop without stats) and a FULL_TRACE run recording step stats. No peer: libtorch has
/// no equivalent of a traced graph run.
/// </summary>
[MemoryDiagnoser]
public class TracingBenchmarks
{
    private const int Length = 1000;
    private Session _session = null!;
    private Tensor _x = null!;
    private Tensor _y = null!;
    private FeedDict _feed = null!;
    private readonly RunOptions _traced = tf.RunOptions(trace_level: RunOptions.Types.TraceLevel.FullTrace);
    private readonly RunOptions _timed = tf.RunOptions(timeout_in_ms: 60_000);

    [GlobalSetup]
    public void Setup()
    {
        var g = new Graph();
        using (g.as_default())
        {
            _x = tf.placeholder(tf.float32, GraphEngine.Ops.Core.TensorShape.Scalar, name: "x");
            var one = tf.constant(1f, name: "one");
            var y = _x;
            for (int i = 0; i < Length; i++) y = tf.add(y, one);
            _y = y;
        }
        _session = new Session(g);
        _feed = new FeedDict { [_x] = NumSharp.NDArray.Scalar(0f) };
        _session.run(_y, _feed);
    }

    [Benchmark(Baseline = true, Description = "plain sess.run")]
    public float Plain() => _session.run(_y, _feed).GetSingle();

    [Benchmark(Description = "timeout_in_ms set")]
    public float WithDeadline() => _session.run(_y, _feed, _timed).GetSingle();

    [Benchmark(Description = "FULL_TRACE + RunMetadata")]
    public float Traced() => _session.run(_y, _feed, _traced, tf.RunMetadata()).GetSingle();

    [GlobalCleanup]
    public void Cleanup() => _session.Dispose();
}
