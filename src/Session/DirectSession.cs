using System.Collections.Concurrent;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;
using ConfigProto = GraphEngine.Ops.Proto.ConfigProto;
using RunMetadata = GraphEngine.Ops.Proto.RunMetadata;
using RunOptions = GraphEngine.Ops.Proto.RunOptions;
using GraphEngine.Runtime.Execution;
using GraphEngine.Runtime.Planning;
using GraphEngine.Runtime.State;

namespace GraphEngine.Runtime;

/// <summary>
/// Runs a graph (TF's DirectSession): compiles one plan per (feeds, fetches, targets, graph version),
/// caches it, and executes steps against this session's variables. Knows nothing of the front end,
/// so it runs imported GraphDefs as they are.
/// </summary>
public sealed class DirectSession : IDisposable
{
    private readonly GraphDef _graph;
    private readonly RuntimeLibrary _library;
    private readonly ConcurrentDictionary<string, ExecutionPlan> _plans = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IOpKernel> _statefulKernels = new(StringComparer.Ordinal);
    private readonly SessionLifetime _lifetime = new();
    private readonly ConfigProto _config;
    private readonly MemoryBudget? _budget;
    private long _stepId;

    public DirectSession(GraphDef graph, RuntimeLibrary? library = null, ConfigProto? config = null)
    {
        _graph = graph;
        _library = library ?? RuntimeLibrary.Default;
        _config = config?.Clone() ?? new ConfigProto();
        if (_config.OperationTimeoutInMs < 0)
            throw new InvalidArgumentException($"ConfigProto.operation_timeout_in_ms must be >= 0, got {_config.OperationTimeoutInMs}.");
        if (_config.MemoryLimitBytes < 0)
            throw new InvalidArgumentException($"ConfigProto.memory_limit_bytes must be >= 0, got {_config.MemoryLimitBytes}.");
        _budget = _config.MemoryLimitBytes > 0 ? new MemoryBudget(_config.MemoryLimitBytes) : null;
        _plainControl = RunSetup.Control(null, null, _config, _budget, _lifetime.Closing, () => _lifetime.IsClosed);
    }

    // What a run without options or caller token watches; built once so plain runs allocate none.
    private readonly RunControl _plainControl;

    /// <summary>The session's output-memory budget (null when unlimited).</summary>
    public MemoryBudget? Budget => _budget;

    public GraphDef Graph => _graph;

    public ResourceStore Resources { get; } = new();

    /// <summary>Whether plans fuse bias-add chains (FusionPass); ConfigProto.graph_options.rewrite_options.remapping = OFF turns it off.</summary>
    internal bool FusionEnabled => _config.GraphOptions?.RewriteOptions?.Remapping != Ops.Proto.RewriterConfig.Types.Toggle.Off;

    /// <summary>Whether plans drop side-effect-free nodes nobody reads (DependencyPass); rewrite_options.dependency_optimization = OFF turns it off.</summary>
    internal bool DependencyOptimizationEnabled => _config.GraphOptions?.RewriteOptions?.DependencyOptimization != Ops.Proto.RewriterConfig.Types.Toggle.Off;

    /// <summary>Number of plans compiled so far (tests check caching).</summary>
    public int PlanCount => _plans.Count;

    /// <summary>
    /// Runs one step. <paramref name="fetches"/> are tensor names ("y:0"), <paramref name="targets"/>
    /// node names run for their effect. Returns one tensor per fetch; the caller owns one reference
    /// on each (release it when converted, or let the GC collect it).
    /// </summary>
    public HostTensor[] Run(IReadOnlyList<(string Name, HostTensor Value)> feeds, IReadOnlyList<string> fetches,
        IReadOnlyList<string> targets, CancellationToken cancel = default) => Run(feeds, fetches, targets, null, null, cancel);

    /// <summary>
    /// Runs one step with TF's RunOptions (trace_level, timeout_in_ms, output_partition_graphs);
    /// what it records goes into <paramref name="metadata"/>. Safe to call from many threads at once.
    /// </summary>
    public HostTensor[] Run(IReadOnlyList<(string Name, HostTensor Value)> feeds, IReadOnlyList<string> fetches,
        IReadOnlyList<string> targets, RunOptions? options, RunMetadata? metadata, CancellationToken cancel = default)
    {
        var results = fetches.Count == 0 ? [] : new HostTensor[fetches.Count];
        Run(feeds, fetches, targets, options, metadata, results, cancel);
        return results;
    }

    /// <summary>
    /// <see cref="Run(IReadOnlyList{ValueTuple{string, HostTensor}}, IReadOnlyList{string}, IReadOnlyList{string}, RunOptions?, RunMetadata?, CancellationToken)"/>
    /// writing the fetched tensors into <paramref name="results"/> (one per fetch) instead of a new
    /// array, for callers that keep their own (a steady-state run then allocates nothing here).
    /// </summary>
    public void Run(IReadOnlyList<(string Name, HostTensor Value)> feeds, IReadOnlyList<string> fetches,
        IReadOnlyList<string> targets, RunOptions? options, RunMetadata? metadata, Span<HostTensor> results, CancellationToken cancel = default)
    {
        if (results.Length != fetches.Count)
            throw new InvalidArgumentException($"{results.Length} result places given for {fetches.Count} fetches.");
        if (!_lifetime.TryEnter()) throw Closed();
        CancellationTokenSource? linked = null;
        StepTracer? tracer = null;
        try
        {
            var plan = GetPlan(feeds, fetches, targets);
            if (cancel.CanBeCanceled) linked = CancellationTokenSource.CreateLinkedTokenSource(cancel, _lifetime.Closing);
            // A session-wide timeout needs a fresh deadline per run, so only untimed plain runs share one control.
            var control = options == null && linked == null && _config.OperationTimeoutInMs == 0
                ? _plainControl
                : RunSetup.Control(options, metadata, _config, _budget, linked?.Token ?? _lifetime.Closing, () => _lifetime.IsClosed);
            tracer = control.Tracer;
            if (options is { OutputPartitionGraphs: true } && metadata != null) metadata.PartitionGraphs.Add(RunSetup.PartitionGraph(_graph, plan));
            Executor.Run(plan, feeds, Resources, Interlocked.Increment(ref _stepId), control, results);
        }
        finally
        {
            // A failed traced run still reports the nodes it ran (the last one is where it failed).
            if (tracer != null) metadata!.StepStats = tracer.Finish();
            linked?.Dispose();
            _lifetime.Exit();
        }
    }

    private static FailedPreconditionException Closed() => new("Attempted to use a closed Session.");

    private ExecutionPlan GetPlan(IReadOnlyList<(string Name, HostTensor Value)> feeds, IReadOnlyList<string> fetches, IReadOnlyList<string> targets)
    {
        ExecutionPlan plan;
        int version = _graph.Version;
        // Steady state repeats one signature: compare it with the last one instead of building the cache key.
        if (_lastPlan is { } last && last.Plan.GraphVersion == version && last.Matches(feeds, fetches, targets))
        {
            CheckFeeds(last.Plan, feeds, null);
            return last.Plan;
        }
        plan = GetPlanByKey(feeds, fetches, targets, version);
        _lastPlan = new LastSignature(feeds.Select(f => f.Name).ToArray(), fetches.ToArray(), targets.ToArray(), plan);
        return plan;
    }

    private volatile LastSignature? _lastPlan;

    /// <summary>The signature of the most recent run and its plan.</summary>
    private sealed class LastSignature(string[] feeds, string[] fetches, string[] targets, ExecutionPlan plan)
    {
        public ExecutionPlan Plan => plan;

        public bool Matches(IReadOnlyList<(string Name, HostTensor Value)> f, IReadOnlyList<string> fe, IReadOnlyList<string> t)
        {
            if (f.Count != feeds.Length || fe.Count != fetches.Length || t.Count != targets.Length) return false;
            for (int i = 0; i < feeds.Length; i++)
                if (!string.Equals(f[i].Name, feeds[i], StringComparison.Ordinal)) return false;
            for (int i = 0; i < fetches.Length; i++)
                if (!string.Equals(fe[i], fetches[i], StringComparison.Ordinal)) return false;
            for (int i = 0; i < targets.Length; i++)
                if (!string.Equals(t[i], targets[i], StringComparison.Ordinal)) return false;
            return true;
        }
    }

    private ExecutionPlan GetPlanByKey(IReadOnlyList<(string Name, HostTensor Value)> feeds, IReadOnlyList<string> fetches,
        IReadOnlyList<string> targets, int version)
    {
        var key = string.Join('\u0001', feeds.Select(f => f.Name)) + '\u0002' + string.Join('\u0001', fetches) + '\u0002' + string.Join('\u0001', targets);
        if (_plans.TryGetValue(key, out var plan) && plan.GraphVersion == version)
        {
            CheckFeeds(plan, feeds, null);
            return plan;
        }
        // One compile per signature: threads that ask for the same new plan at once wait for the first.
        lock (_compiling.GetOrAdd(key, _ => new object()))
        {
            if (_plans.TryGetValue(key, out plan) && plan.GraphVersion == version)
            {
                CheckFeeds(plan, feeds, null);
                return plan;
            }
            var compiler = new PlanCompiler(_graph, _library, KernelFor, fuse: FusionEnabled, dropUnread: DependencyOptimizationEnabled);
            CheckFeeds(null, feeds, compiler);
            plan = compiler.Compile(feeds.Select(f => f.Name).ToArray(), fetches, targets);
            _plans[key] = plan;
            return plan;
        }
    }

    private readonly ConcurrentDictionary<string, object> _compiling = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, (DType Type, TensorShape? Shape)> _feedInfo = new(StringComparer.Ordinal);

    /// <summary>Fed values must have the tensor's dtype, and a placeholder's declared shape if it has one.</summary>
    private void CheckFeeds(ExecutionPlan? plan, IReadOnlyList<(string Name, HostTensor Value)> feeds, PlanCompiler? compiler)
    {
        for (int i = 0; i < feeds.Count; i++)
        {
            var (name, value) = feeds[i];
            if (!_feedInfo.TryGetValue(name, out var info))
            {
                compiler ??= new PlanCompiler(_graph, _library, KernelFor);
                var node = compiler.NodeOf(name);
                TensorShape? shape = node.Op == "Placeholder" && node.Attr.TryGetValue("shape", out var s) && s.Kind == AttrKind.Shape
                    && !(s.Shape.HasRank && s.Shape.Rank == 0 && _graph.Producer < 22) ? s.Shape : null;
                info = (compiler.TypeOf(name).BaseType(), shape);
                _feedInfo[name] = info;
            }
            if (value.DType != info.Type)
                throw new InvalidArgumentException($"Cannot feed value of type {value.DType.Name()} for Tensor '{name}' of type {info.Type.Name()}.");
            if (info.Shape != null && !info.Shape.IsCompatibleWith(value.Shape))
                throw new InvalidArgumentException($"Cannot feed value of shape {value.Shape} for Tensor '{name}', which has shape {info.Shape}");
        }
    }

    /// <summary>
    /// Stateful kernels (random generators, variables) are shared by all plans of the session, as TF
    /// shares them through its OpSegment, so a new fetch signature does not restart a random stream.
    /// </summary>
    private IOpKernel KernelFor(NodeDef node, OpDef op, DType[] inputTypes, DType[] outputTypes)
    {
        IOpKernel Create()
        {
            try
            {
                return _library.Kernels.Create(new OpKernelConstruction(node, op, inputTypes, outputTypes));
            }
            catch (GraphEngineException e)
            {
                throw e.WithNode(node.Name, node.Op, node.DefinedAt);
            }
        }
        return op.IsStateful ? _statefulKernels.GetOrAdd(node.Name + "\u0001" + node.Op, _ => Create()) : Create();
    }

    /// <summary>
    /// Closes the session: runs in flight fail with CancelledException at their next node, later runs
    /// with FailedPrecondition; variables are freed once every run has left.
    /// </summary>
    public void Dispose()
    {
        if (!_lifetime.Close()) return;
        _plans.Clear();
        Resources.Clear();
    }
}
