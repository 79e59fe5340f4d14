using System.Collections.Concurrent;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;
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
    private readonly ReaderWriterLockSlim _closeLock = new(LockRecursionPolicy.SupportsRecursion);
    private long _stepId;
    private bool _closed;

    public DirectSession(GraphDef graph, RuntimeLibrary? library = null)
    {
        _graph = graph;
        _library = library ?? RuntimeLibrary.Default;
    }

    public GraphDef Graph => _graph;

    public ResourceStore Resources { get; } = new();

    /// <summary>Number of plans compiled so far (tests check caching).</summary>
    public int PlanCount => _plans.Count;

    /// <summary>
    /// Runs one step. <paramref name="fetches"/> are tensor names ("y:0"), <paramref name="targets"/>
    /// node names run for their effect. Returns one tensor per fetch; the caller owns one reference
    /// on each (release it when converted, or let the GC collect it).
    /// </summary>
    public HostTensor[] Run(IReadOnlyList<(string Name, HostTensor Value)> feeds, IReadOnlyList<string> fetches,
        IReadOnlyList<string> targets, CancellationToken cancel = default)
    {
        if (!_closeLock.TryEnterReadLock(0)) throw Closed();
        try
        {
            if (_closed) throw Closed();
            var plan = GetPlan(feeds, fetches, targets);
            var values = new HostTensor[feeds.Count];
            for (int i = 0; i < feeds.Count; i++) values[i] = feeds[i].Value;
            return Executor.Run(plan, values, Resources, Interlocked.Increment(ref _stepId), cancel);
        }
        finally
        {
            _closeLock.ExitReadLock();
        }
    }

    private static FailedPreconditionException Closed() => new("Attempted to use a closed Session.");

    private ExecutionPlan GetPlan(IReadOnlyList<(string Name, HostTensor Value)> feeds, IReadOnlyList<string> fetches, IReadOnlyList<string> targets)
    {
        int version = _graph.Version;
        var key = string.Join('\u0001', feeds.Select(f => f.Name)) + '\u0002' + string.Join('\u0001', fetches) + '\u0002' + string.Join('\u0001', targets);
        if (_plans.TryGetValue(key, out var plan) && plan.GraphVersion == version)
        {
            CheckFeeds(plan, feeds, null);
            return plan;
        }
        var compiler = new PlanCompiler(_graph, _library, KernelFor);
        CheckFeeds(null, feeds, compiler);
        plan = compiler.Compile(feeds.Select(f => f.Name).ToArray(), fetches, targets);
        _plans[key] = plan;
        return plan;
    }

    private readonly ConcurrentDictionary<string, (DType Type, TensorShape? Shape)> _feedInfo = new(StringComparer.Ordinal);

    /// <summary>Fed values must have the tensor's dtype, and a placeholder's declared shape if it has one.</summary>
    private void CheckFeeds(ExecutionPlan? plan, IReadOnlyList<(string Name, HostTensor Value)> feeds, PlanCompiler? compiler)
    {
        foreach (var (name, value) in feeds)
        {
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

    public void Dispose()
    {
        _closeLock.EnterWriteLock();
        try
        {
            if (_closed) return;
            _closed = true;
            _plans.Clear();
            Resources.Clear();
        }
        finally
        {
            _closeLock.ExitWriteLock();
        }
    }
}
