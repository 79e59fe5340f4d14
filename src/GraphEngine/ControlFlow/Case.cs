using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>
    /// TF1's tf.case: the function of the first pair whose predicate is true, else
    /// <paramref name="default"/>; built as nested tf.conds (the first predicate outermost), so
    /// predicates are tested in order and only the chosen function's ops run. With
    /// <paramref name="exclusive"/>, a run where more than one predicate is true fails with
    /// InvalidArgument. Without a default, the last pair is the default and a run where no predicate
    /// is true fails.
    /// </summary>
    public static Tensor @case(IEnumerable<(Tensor pred, Func<Tensor> fn)> pred_fn_pairs, Func<Tensor>? @default = null,
        bool exclusive = false, string name = "case", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        var pairs = pred_fn_pairs?.ToList() ?? throw new InvalidArgumentException("tf.case: pred_fn_pairs is null.");
        if (pairs.Count == 0 && @default == null) throw new InvalidArgumentException("tf.case: pred_fn_pairs is empty and no default is given.");
        for (int i = 0; i < pairs.Count; i++)
        {
            var (p, fn) = pairs[i];
            if (p == null || fn == null) throw new InvalidArgumentException($"tf.case: pair {i} has a null predicate or function.");
            if (p.dtype.BaseType() != DType.Bool)
                throw new InvalidArgumentException($"tf.case: pred {i} ({p.name}) must be a bool tensor, got {p.dtype.PythonName()}.");
        }
        var graph = pairs.Count > 0 ? pairs[0].pred.graph : get_default_graph();
        using var __ = graph.as_default();
        using var scope = name_scope(name);
        var predicates = pairs.Select(p => p.pred).ToList();
        var actions = pairs.Select(p => p.fn).ToList();
        var fallback = @default ?? DefaultFromLastPair(predicates, actions);

        // cond(c[0], a[0], () => cond(c[1], a[1], … default)).
        Func<Tensor> chain = fallback;
        for (int i = predicates.Count - 1; i >= 0; i--)
        {
            var (p, action, next) = (predicates[i], actions[i], chain);
            chain = () => Cond.Build(p, () => [action()], () => [next()], null)[0];
        }
        if (!exclusive || predicates.Count < 2) return chain();
        using (control_dependencies([AssertAtMostNTrue(predicates, 1, "Input error: exclusive=True")])) return chain();
    }

    /// <summary>TF's _case_create_default_action: the last pair's function, checked to be chosen only when its predicate holds.</summary>
    private static Func<Tensor> DefaultFromLastPair(List<Tensor> predicates, List<Func<Tensor>> actions)
    {
        int k = predicates.Count - 1;
        var (predicate, action) = (predicates[k], actions[k]);
        var others = predicates.Take(k).ToList();
        var all = predicates.ToList();
        predicates.RemoveAt(k);
        actions.RemoveAt(k);
        return () =>
        {
            var checks = new List<object>
            {
                Assert(predicate, ["Input error: None of conditions evaluated as True:", stack(all, name: "preds_c")], summarize: all.Count),
            };
            if (others.Count > 0)
                checks.Insert(0, AssertAtMostNTrue(others, 0,
                    $"Implementation error: selected default action #{k} was called, but some of other predicates are True"));
            using (control_dependencies(checks)) return action();
        };
    }

    /// <summary>TF's _assert_at_most_n_true: fails the run when more than n predicates are true, naming them.</summary>
    private static Operation AssertAtMostNTrue(List<Tensor> predicates, int n, string message)
    {
        var predsC = stack(predicates, name: "preds_c");
        var numTrue = reduce_sum(cast(predsC, int32), name: "num_true_conds");
        var condition = less_equal(numTrue, constant(n, name: "n_true_conds"));
        var names = string.Join(", ", predicates.Select(p => p.name));
        return Assert(condition, [$"{message}: more than {n} conditions ({names}) evaluated as True:", predsC], summarize: predicates.Count);
    }
}
