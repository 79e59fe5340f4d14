using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;

namespace GraphEngine.Bench;

/// <summary>
/// Forward pass of the 784-512-256-10 MLP at batch 1 and 128: our `sess.run(logits)` (the result is
/// copied into the fetched NDArray) against libtorch's forward under no_grad with the logits copied
/// out to a managed array, so both sides hand the caller the same data, and against ONNX Runtime
/// running the same weights (Gemm+Relu model written by <see cref="OnnxMlp"/>; its logits are checked
/// against ours in setup).
/// </summary>
[MemoryDiagnoser]
public class MlpInferenceBenchmarks
{
    [Params(1, 128)]
    public int Batch;

    private Session _session = null!;
    private Tensor _x = null!, _logits = null!;
    private NumSharp.NDArray _feed = null!;
    private torch.nn.Module<torch.Tensor, torch.Tensor> _model = null!;
    private torch.Tensor _tx = null!;
    private InferenceSession _ort = null!;
    private OrtValue _ortInput = null!;
    private RunOptions _ortRun = null!;
    private string[] _ortInputs = ["x"], _ortOutputs = null!;

    [GlobalSetup]
    public void Setup()
    {
        var g = new Graph();
        using (g.as_default())
        {
            var (x, _, logits, _, _) = Models.MlpGraph();
            _x = x;
            _logits = logits;
            _session = new Session(g);
            _session.run(tf.global_variables_initializer());
            _feed = Models.RandomImages(Batch, 784);
            SetupOnnxRuntime(tf.trainable_variables());
        }
        var ours = _session.run(_logits, (_x, _feed)).ToArray<float>();
        var theirs = OnnxRuntimeForward();
        float maxDiff = ours.Zip(theirs, (a, b) => Math.Abs(a - b)).Max();
        if (maxDiff > 1e-3f) throw new InvalidOperationException($"ONNX Runtime logits differ from ours by {maxDiff}.");

        torch.set_num_threads(Models.ThreadCount);
        torch.manual_seed(1);
        _model = Models.MlpTorch();
        _model.eval();
        _tx = torch.rand(Batch, 784);
        LibTorchForward();
    }

    [Benchmark(Description = "GraphEngine: sess.run(logits)")]
    public object GraphEngineForward() => _session.run(_logits, (_x, _feed));

    [Benchmark(Baseline = true, Description = "libtorch: forward under no_grad, logits to managed array")]
    public float[] LibTorchForward()
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        return _model.forward(_tx).data<float>().ToArray();
    }

    [Benchmark(Description = "ONNX Runtime: same weights, logits to managed array")]
    public float[] OnnxRuntimeForward()
    {
        using var results = _ort.Run(_ortRun, _ortInputs, [_ortInput], _ortOutputs);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private void SetupOnnxRuntime(List<Variable> vars)
    {
        var layers = new List<(float[], int, int, float[])>();
        for (int i = 0; i < vars.Count; i += 2)
        {
            var kernel = _session.run(vars[i]);
            var bias = _session.run(vars[i + 1]);
            layers.Add((kernel.ToArray<float>(), (int)kernel.shape[0], (int)kernel.shape[1], bias.ToArray<float>()));
        }
        var model = OnnxMlp.Build(layers);
        var options = new SessionOptions
        {
            IntraOpNumThreads = Models.ThreadCount,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _ort = new InferenceSession(model, options);
        _ortInput = OrtValue.CreateTensorValueFromMemory(_feed.ToArray<float>(), [Batch, 784]);
        _ortRun = new RunOptions();
        _ortOutputs = [OnnxMlp.OutputName];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _session.Dispose();
        _ort.Dispose();
        _ortInput.Dispose();
        _ortRun.Dispose();
    }
}
