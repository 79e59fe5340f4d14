using GraphEngine.Ops.Core;
using GraphEngine.Runtime;
using NumSharp;
using ConfigProto = GraphEngine.Ops.Proto.ConfigProto;
using RunMetadata = GraphEngine.Ops.Proto.RunMetadata;
using RunOptions = GraphEngine.Ops.Proto.RunOptions;

namespace GraphEngine;

/// <summary>Feeds for <see cref="Session.run(Tensor, FeedDict)"/>: <c>new FeedDict { [x] = xs, ["y:0"] = ys }</c>.</summary>
public sealed class FeedDict : Dictionary<object, object>
{
    public object this[Tensor key] { get => base[key]; set => base[key] = value; }
    public object this[string key] { get => base[key]; set => base[key] = value; }
    public object this[Variable key] { get => base[key]; set => base[key] = value; }
}

/// <summary>
/// A TF1 session over a <see cref="Graph"/>: runs fetch structures with feeds and returns NDArrays in
/// the same structure. Variables live in the session; two sessions over one graph have separate values.
/// </summary>
public sealed partial class Session : IDisposable
{
    private static Session? _interactive;
    [ThreadStatic] private static Stack<Session>? _defaults;
    private readonly DirectSession _runtime;
    private bool _closed;

    /// <param name="config">TF's ConfigProto: operation_timeout_in_ms (default run deadline) and our memory_limit_bytes are honoured.</param>
    public Session(Graph? graph = null, ConfigProto? config = null)
    {
        this.graph = graph ?? Graph.Default;
        _runtime = new DirectSession(this.graph.Def, this.graph.Library, config);
    }

    public Graph graph { get; }

    internal DirectSession Runtime => _runtime;

    /// <summary>The session t.eval() and op.run() use when none is passed: the innermost as_default(), else the interactive one.</summary>
    public static Session? Default => _defaults is { Count: > 0 } s ? s.Peek() : _interactive;

    internal static Session DefaultOrThrow() => Default ?? throw new FailedPreconditionException(
        "Cannot evaluate tensor using `eval()`: No default session is registered. Use `using (sess.as_default())` or pass an explicit session to `eval(session=sess)`.");

    internal static void SetInteractive(Session s) => _interactive = s;

    public IDisposable as_default()
    {
        (_defaults ??= new Stack<Session>()).Push(this);
        return new Graph.Scope(() => _defaults!.Pop());
    }

    // ---- single fetches ----

    // Feeds are ReadOnlySpan params, so `sess.run(y, (x, value))` allocates no array for them.
    public NDArray run(Tensor fetch, params ReadOnlySpan<(Tensor, object)> feeds) => RunOne(fetch, Feeds(feeds));
    public NDArray run(Tensor fetch, FeedDict feed_dict) => RunOne(fetch, Feeds(feed_dict));
    public NDArray run(Variable fetch, params ReadOnlySpan<(Tensor, object)> feeds) => RunOne(fetch.AsRefTensor, Feeds(feeds));
    public NDArray run(Variable fetch, FeedDict feed_dict) => RunOne(fetch.AsRefTensor, Feeds(feed_dict));
    public void run(Operation fetch, params ReadOnlySpan<(Tensor, object)> feeds) => Execute([fetch], Feeds(feeds), []);
    public void run(Operation fetch, FeedDict feed_dict) => Execute([fetch], Feeds(feed_dict), []);

    /// <summary>By name: "y:0" fetches a tensor; a bare op name runs the operation and returns null (as TF returns None).</summary>
    public NDArray? run(string fetch, params (string, object)[] feeds) =>
        Execute([graph.as_graph_element(fetch)], Feeds(feeds.Select(f => ((object)f.Item1, f.Item2))))[0];

    public NDArray? run(string fetch, FeedDict feed_dict) => Execute([graph.as_graph_element(fetch)], Feeds(feed_dict))[0];

    // ---- lists ----

    public NDArray[] run(Tensor[] fetches, params ReadOnlySpan<(Tensor, object)> feeds) => Execute(fetches, Feeds(feeds))!;
    public NDArray[] run(Tensor[] fetches, FeedDict feed_dict) => Execute(fetches, Feeds(feed_dict))!;

    /// <summary>Mixed tensors and operations; operations give null.</summary>
    public NDArray?[] run(ITensorOrOperation[] fetches, params ReadOnlySpan<(Tensor, object)> feeds) => Execute(fetches, Feeds(feeds));
    public NDArray?[] run(ITensorOrOperation[] fetches, FeedDict feed_dict) => Execute(fetches, Feeds(feed_dict));

    public NDArray?[] run(IEnumerable<ITensorOrOperation> fetches, FeedDict? feed_dict = null) =>
        Execute(fetches.ToArray(), Feeds(feed_dict));

    // ---- tuples: come back as tuples ----

    public (NDArray, NDArray) run((ITensorOrOperation, ITensorOrOperation) f, params ReadOnlySpan<(Tensor, object)> feeds) => Two(Execute([f.Item1, f.Item2], Feeds(feeds)));
    public (NDArray, NDArray) run((ITensorOrOperation, ITensorOrOperation) f, FeedDict feed_dict) => Two(Execute([f.Item1, f.Item2], Feeds(feed_dict)));
    public (NDArray, NDArray, NDArray) run((ITensorOrOperation, ITensorOrOperation, ITensorOrOperation) f, params ReadOnlySpan<(Tensor, object)> feeds) => Three(Execute([f.Item1, f.Item2, f.Item3], Feeds(feeds)));
    public (NDArray, NDArray, NDArray) run((ITensorOrOperation, ITensorOrOperation, ITensorOrOperation) f, FeedDict feed_dict) => Three(Execute([f.Item1, f.Item2, f.Item3], Feeds(feed_dict)));
    public (NDArray, NDArray, NDArray, NDArray) run((ITensorOrOperation, ITensorOrOperation, ITensorOrOperation, ITensorOrOperation) f, params ReadOnlySpan<(Tensor, object)> feeds) => Four(Execute([f.Item1, f.Item2, f.Item3, f.Item4], Feeds(feeds)));
    public (NDArray, NDArray, NDArray, NDArray) run((ITensorOrOperation, ITensorOrOperation, ITensorOrOperation, ITensorOrOperation) f, FeedDict feed_dict) => Four(Execute([f.Item1, f.Item2, f.Item3, f.Item4], Feeds(feed_dict)));

    private static (NDArray, NDArray) Two(NDArray?[] r) => (r[0]!, r[1]!);
    private static (NDArray, NDArray, NDArray) Three(NDArray?[] r) => (r[0]!, r[1]!, r[2]!);
    private static (NDArray, NDArray, NDArray, NDArray) Four(NDArray?[] r) => (r[0]!, r[1]!, r[2]!, r[3]!);

    // ---- dictionaries ----

    public Dictionary<string, NDArray?> run(IReadOnlyDictionary<string, ITensorOrOperation> fetches, FeedDict? feed_dict = null)
    {
        var keys = fetches.Keys.ToArray();
        var values = Execute(keys.Select(k => fetches[k]).ToArray(), Feeds(feed_dict));
        return keys.Select((k, i) => (k, values[i])).ToDictionary(p => p.k, p => p.Item2);
    }

    public Dictionary<string, NDArray?> run(IReadOnlyDictionary<string, Tensor> fetches, FeedDict? feed_dict = null) =>
        run(fetches.ToDictionary(kv => kv.Key, kv => (ITensorOrOperation)kv.Value), feed_dict);

    // ---- strings ----

    /// <summary>Fetches a DT_STRING tensor (NumSharp has no string arrays): the elements, row-major, as byte strings.</summary>
    public byte[][] run_strings(Tensor fetch, FeedDict? feed_dict = null)
    {
        var t = RunTensors([fetch], Feeds(feed_dict))[0]!;
        return t.Strings ?? throw new InvalidArgumentException($"Tensor '{fetch.name}' is {t.DType.Name()}, not string.");
    }

    // ---- core ----

    private NDArray RunOne(Tensor fetch, FeedList feeds, RunOptions? options = null, RunMetadata? runMetadata = null)
    {
        NDArray? result = null;
        Execute([fetch], feeds, new Span<NDArray?>(ref result), options, runMetadata);
        return result!;
    }

    private NDArray?[] Execute(ReadOnlySpan<ITensorOrOperation> fetches, FeedList feeds,
        RunOptions? options = null, RunMetadata? runMetadata = null)
    {
        var result = new NDArray?[fetches.Length];
        Execute(fetches, feeds, result, options, runMetadata);
        return result;
    }

    /// <summary>Runs the step and converts each fetched tensor into <paramref name="results"/> (operations leave null there).</summary>
    private void Execute(ReadOnlySpan<ITensorOrOperation> fetches, FeedList feeds, Span<NDArray?> results,
        RunOptions? options = null, RunMetadata? runMetadata = null)
    {
        try
        {
            var tensors = RunCore(fetches, feeds, options, runMetadata);
            for (int i = 0; i < tensors.Length; i++)
            {
                if (tensors[i] is not { } t) continue;
                results[i] = NDArrayConversion.ToNDArray(t);
                t.Buffer?.Release();
            }
        }
        finally
        {
            feeds.Return();
        }
    }

    /// <summary>The fetched tensors themselves, one hold each for the caller (string fetches, summaries).</summary>
    private HostTensor?[] RunTensors(ReadOnlySpan<ITensorOrOperation> fetches, FeedList feeds,
        RunOptions? options = null, RunMetadata? runMetadata = null)
    {
        try
        {
            return RunCore(fetches, feeds, options, runMetadata).ToArray();
        }
        finally
        {
            feeds.Return();
        }
    }

    /// <summary>
    /// Runs one step; the fetched tensors (null for operations) come back in the feed list's scratch,
    /// valid until it is returned. Everything per run lives in that scratch, so a steady-state run of
    /// the same fetches allocates nothing here.
    /// </summary>
    private ReadOnlySpan<HostTensor?> RunCore(ReadOnlySpan<ITensorOrOperation> fetches, FeedList feeds,
        RunOptions? options, RunMetadata? runMetadata)
    {
        if (_closed) throw new FailedPreconditionException("Attempted to use a closed Session.");
        var fetchNames = feeds.FetchNames;
        var targets = feeds.Targets;
        var positions = feeds.Positions(fetches.Length);
        for (int i = 0; i < fetches.Length; i++)
        {
            switch (fetches[i])
            {
                case Tensor t:
                    CheckGraph(t.graph, t.name);
                    CheckFetchable(t.op);
                    positions[i] = fetchNames.Count;
                    fetchNames.Add(t.name);
                    break;
                case Operation op:
                    CheckGraph(op.graph, op.name);
                    CheckFetchable(op);
                    positions[i] = -1;
                    if (!targets.Contains(op.name)) targets.Add(op.name);
                    break;
                case null:
                    throw new InvalidArgumentException($"Fetch argument {i} is null: None is not a valid fetch.");
                default:
                    throw new InvalidArgumentException($"Fetch argument of type {fetches[i].GetType().Name} is not a Tensor or Operation.");
            }
        }
        var named = feeds.Named;
        foreach (var (tensor, host) in feeds) named.Add((tensor.name, host));
        var values = feeds.Values(fetchNames.Count);
        try
        {
            _runtime.Run(named, fetchNames, targets, options, runMetadata, values);
        }
        finally
        {
            // The feeds converted for this run go back to the buffer pool (a fetched feed keeps the run's own hold).
            feeds.ReleaseConverted();
        }
        var outputs = feeds.Outputs(fetches.Length);
        for (int i = 0; i < outputs.Length; i++) outputs[i] = positions[i] < 0 ? null : values[positions[i]];
        return outputs;
    }

    /// <summary>
    /// TF1's prevent_fetching/prevent_feeding for while loops: an op built in a loop (but a top-level
    /// loop's Exit) has one value per iteration. The executor refuses the same for graphs without contexts.
    /// </summary>
    private static bool InsideLoop(Operation op)
    {
        var context = ControlFlowContext.ContextOf(op);
        if (context?.GetWhileContext() == null) return false;
        return !(WhileOps.IsLoopExit(op) && context is WhileContext { Outer: null });
    }

    private static void CheckFetchable(Operation op)
    {
        if (InsideLoop(op))
            throw new InvalidArgumentException(
                $"Operation '{op.name}' has been marked as not fetchable. (It is built inside while loop "
                + $"'{ControlFlowContext.ContextOf(op)!.GetWhileContext()!.Name}', where it has one value per iteration; fetch the loop's outputs (its Exit tensors) instead.)");
    }

    private void CheckGraph(Graph g, string name)
    {
        if (g != graph) throw new InvalidArgumentException($"Tensor or Operation '{name}' is not an element of this session's graph.");
    }

    private FeedList Feeds(ReadOnlySpan<(Tensor, object)> feeds)
    {
        var list = FeedList.Rent();
        try
        {
            foreach (var (tensor, value) in feeds) AddFeed(list, tensor, value);
        }
        catch
        {
            list.Return();
            throw;
        }
        return list;
    }

    private FeedList Feeds(FeedDict? feeds)
    {
        var list = FeedList.Rent();
        if (feeds == null) return list;
        try
        {
            foreach (var (key, value) in feeds) AddFeed(list, FeedKey(key), value);
        }
        catch
        {
            list.Return();
            throw;
        }
        return list;
    }

    private FeedList Feeds(IEnumerable<(object Key, object Value)> feeds)
    {
        var list = FeedList.Rent();
        try
        {
            foreach (var (key, value) in feeds) AddFeed(list, FeedKey(key), value);
        }
        catch
        {
            list.Return();
            throw;
        }
        return list;
    }

    private Tensor FeedKey(object key) => key switch
    {
        Tensor t => t,
        Variable v => v.AsRefTensor,
        string s => graph.get_tensor_by_name(s.Contains(':') ? s : s + ":0"),
        _ => throw new InvalidArgumentException($"Cannot interpret feed_dict key of type {key?.GetType().Name ?? "null"} as Tensor."),
    };

    /// <summary>
    /// Feeds of one run, with the buffers this session converted them into and holds until the run
    /// ends, and the run's other per-run lists. One is kept per thread and reused run after run (a
    /// run inside a run, e.g. from a py_func, finds none kept and makes its own).
    /// </summary>
    private sealed class FeedList : List<(Tensor, HostTensor)>
    {
        [ThreadStatic] private static FeedList? _kept;

        public List<TensorBuffer>? Converted;
        public readonly List<(string, HostTensor)> Named = [];
        public readonly List<string> FetchNames = [];
        public readonly List<string> Targets = [];
        private int[] _positions = [];
        private HostTensor[] _values = [];
        private HostTensor?[] _outputs = [];

        public static FeedList Rent()
        {
            var list = _kept ?? new FeedList();
            _kept = null;
            return list;
        }

        public Span<int> Positions(int n) => Scratch(ref _positions, n);

        public Span<HostTensor> Values(int n) => Scratch(ref _values, n);

        public Span<HostTensor?> Outputs(int n) => Scratch(ref _outputs, n);

        private static Span<T> Scratch<T>(ref T[] array, int n)
        {
            if (array.Length < n) array = new T[n];
            return array.AsSpan(0, n);
        }

        public void ReleaseConverted()
        {
            if (Converted == null) return;
            foreach (var buffer in Converted) buffer.Release();
            Converted.Clear();
        }

        /// <summary>Ends the run: releases what it still holds, forgets its tensors, and keeps the list for the thread's next run.</summary>
        public void Return()
        {
            ReleaseConverted();
            Clear();
            Named.Clear();
            FetchNames.Clear();
            Targets.Clear();
            System.Array.Clear(_values);
            System.Array.Clear(_outputs);
            _kept = this;
        }
    }

    private void AddFeed(FeedList list, Tensor tensor, object value)
    {
        CheckGraph(tensor.graph, tensor.name);
        if (InsideLoop(tensor.op))
            throw new InvalidArgumentException(
                $"Tensor Tensor(\"{tensor.name}\", shape={WhileShapes.Python(tensor.shape)}, dtype={tensor.dtype.PythonName()}) may not be fed. "
                + "(It is built inside a while loop, where it has one value per iteration; feed the loop's inputs instead.)");
        // Steady state feeds the same NDArray run after run: its wrapping from the last run is reused.
        if (value is NDArray nd && NDArrayConversion.CachedWrap(nd) is { } wrapped && wrapped.DType == tensor.dtype.BaseType())
        {
            CheckFeed(list, tensor, wrapped);
            return;
        }
        var host = NDArrayConversion.ToHostTensor(value, tensor.dtype.BaseType(), $"Tensor '{tensor.name}'");
        // A tensor made here is held here, so the run's release does not keep it from the pool; a caller's own
        // HostTensor is left unheld (the executor then never pools it).
        if (!ReferenceEquals(host, value) && host.Buffer is { IsPooled: true } converted)
        {
            converted.Retain();
            (list.Converted ??= []).Add(converted);
        }
        CheckFeed(list, tensor, host);
    }

    private static void CheckFeed(FeedList list, Tensor tensor, HostTensor host)
    {
        if (!tensor.shape.IsCompatibleWith(host.Shape))
            throw new InvalidArgumentException($"Cannot feed value of shape {host.Shape} for Tensor '{tensor.name}', which has shape {tensor.shape}");
        list.Add((tensor, host));
    }

    public void close() => Dispose();

    public void Dispose()
    {
        if (_closed) return;
        _closed = true;
        if (_interactive == this) _interactive = null;
        _runtime.Dispose();
    }
}
