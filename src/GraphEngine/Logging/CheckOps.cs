using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Logging;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>
    /// tf.debugging (TF: python/ops/check_ops.py): assertions built from comparisons and tf.Assert. When both operands
    /// are constants the condition is checked while building (InvalidArgument with the data lines, as TF's
    /// _assert_static); otherwise the returned Assert op checks it when run (use it in tf.control_dependencies).
    /// </summary>
    public static class debugging
    {
        public static Operation assert_equal(object x, object y, IEnumerable<object>? data = null, int? summarize = null, string? message = null,
            string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
            BinaryAssert(x, y, "==", (a, b) => a == b, data, summarize, message, name ?? "assert_equal", file, line);

        public static Operation assert_none_equal(object x, object y, IEnumerable<object>? data = null, int? summarize = null, string? message = null,
            string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
            BinaryAssert(x, y, "!=", (a, b) => a != b, data, summarize, message, name ?? "assert_none_equal", file, line);

        public static Operation assert_less(object x, object y, IEnumerable<object>? data = null, int? summarize = null, string? message = null,
            string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
            BinaryAssert(x, y, "<", (a, b) => a < b, data, summarize, message, name ?? "assert_less", file, line);

        public static Operation assert_less_equal(object x, object y, IEnumerable<object>? data = null, int? summarize = null, string? message = null,
            string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
            BinaryAssert(x, y, "<=", (a, b) => a <= b, data, summarize, message, name ?? "assert_less_equal", file, line);

        public static Operation assert_greater(object x, object y, IEnumerable<object>? data = null, int? summarize = null, string? message = null,
            string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
            BinaryAssert(x, y, ">", (a, b) => a > b, data, summarize, message, name ?? "assert_greater", file, line);

        public static Operation assert_greater_equal(object x, object y, IEnumerable<object>? data = null, int? summarize = null, string? message = null,
            string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
            BinaryAssert(x, y, ">=", (a, b) => a >= b, data, summarize, message, name ?? "assert_greater_equal", file, line);

        /// <summary>x &gt; 0 everywhere (TF: assert_less(0, x) with its own data).</summary>
        public static Operation assert_positive(object x, IEnumerable<object>? data = null, int? summarize = null, string? message = null,
            string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
            SignAssert(x, "x > 0", zeroFirst: true, strict: true, data, summarize, message, name ?? "assert_positive", file, line);

        public static Operation assert_negative(object x, IEnumerable<object>? data = null, int? summarize = null, string? message = null,
            string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
            SignAssert(x, "x < 0", zeroFirst: false, strict: true, data, summarize, message, name ?? "assert_negative", file, line);

        public static Operation assert_non_negative(object x, IEnumerable<object>? data = null, int? summarize = null, string? message = null,
            string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
            SignAssert(x, "x >= 0", zeroFirst: true, strict: false, data, summarize, message, name ?? "assert_non_negative", file, line);

        public static Operation assert_non_positive(object x, IEnumerable<object>? data = null, int? summarize = null, string? message = null,
            string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
            SignAssert(x, "x <= 0", zeroFirst: false, strict: false, data, summarize, message, name ?? "assert_non_positive", file, line);

        /// <summary>
        /// x has rank <paramref name="rank"/>: checked now when both are known (InvalidArgument, TF's ValueError
        /// "… Tensor x must have rank r.  Received rank k, shape s"; a no_op on success), else an Assert on tf.rank(x).
        /// </summary>
        public static Operation assert_rank(object x, object rank, IEnumerable<object>? data = null, int? summarize = null, string? message = null,
            string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            using var scope = name_scope(name ?? "assert_rank");
            var xt = ToTensor(x, "x");
            var r = rank as Tensor ?? convert_to_tensor(rank, DType.Int32, name: "rank");
            if (r.dtype.BaseType() != DType.Int32)
                throw new InvalidArgumentException($"{message ?? ""}  {r.name} must be of type int32 (assert_rank's rank), got {r.dtype.PythonName()}.");
            message ??= "";
            data ??= [message, $"Tensor {xt.name} must have rank", r, "Received shape: ", shape(xt)];
            if (OpBuilder.ConstantValue(r) is { } rc)
            {
                if (rc.Rank != 0) throw new InvalidArgumentException($"Rank must be a scalar. Received rank: {TensorSummary.Summarize(rc, -1, true)}");
                long want = rc.ToInt64Array()[0];
                if (xt.shape.HasRank)
                {
                    if (xt.shape.Rank != want)
                        throw new InvalidArgumentException(
                            $"{message}.  Tensor {xt.name} must have rank {want}.  Received rank {xt.shape.Rank}, shape {xt.shape}");
                    return no_op("static_checks_determined_all_ok");
                }
            }
            return Assert(equal(tf.rank(xt), r), data, summarize);
        }

        /// <summary>The tensor's dtype is <paramref name="tf_type"/> (a build-time check; a no_op on success).</summary>
        public static Operation assert_type(object tensor, DType tf_type, string? message = null, string? name = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            using var scope = name_scope(name ?? "assert_type");
            var t = ToTensor(tensor, "tensor");
            if (t.dtype.BaseType() != tf_type.BaseType())
                throw new InvalidArgumentException($"{message ?? ""}  {t.name} must be of type {tf_type.PythonName()}; got {t.dtype.PythonName()}");
            return no_op("statically_determined_correct_type");
        }

        /// <summary>TF1's verify_tensor_all_finite: <paramref name="t"/> (an identity) after a CheckNumerics with <paramref name="msg"/>.</summary>
        public static Tensor assert_all_finite(object t, string msg, string? name = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        {
            using var _ = CallSite.Enter(file, line);
            using var scope = name_scope(name ?? "VerifyFinite");
            var x = ToTensor(t, "t");
            var verify = tf.check_numerics(x, msg);
            using (control_dependencies([verify])) return identity(x);
        }

        public static Tensor check_numerics(object tensor, string message, string? name = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => tf.check_numerics(tensor, message, name, file, line);

        public static Operation Assert(object condition, IEnumerable<object> data, int? summarize = null, string? name = null,
            [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => tf.Assert(condition, data, summarize, name, file, line);

        private static Operation BinaryAssert(object x, object y, string opname, Func<double, double, bool> holds, IEnumerable<object>? data,
            int? summarize, string? message, string name, string file, int line)
        {
            using var _ = CallSite.Enter(file, line);
            using var scope = name_scope(name);
            var xt = ToTensor(x, "x");
            var yt = ToTensor(y, "y", xt.dtype);
            message ??= "";
            var items = (data ?? [message, $"Condition x {opname} y did not hold element-wise:", $"x ({xt.name}) = ", xt, $"y ({yt.name}) = ", yt]).ToList();
            Tensor compare = opname switch
            {
                "==" => equal(xt, yt),
                "!=" => not_equal(xt, yt),
                "<" => less(xt, yt),
                "<=" => less_equal(xt, yt),
                ">" => greater(xt, yt),
                _ => greater_equal(xt, yt),
            };
            var condition = reduce_all(compare);
            if (StaticAll(xt, yt, holds) == false)
                throw new InvalidArgumentException(string.Join("\n", items.Select(StaticText)));
            return tf.Assert(condition, items, summarize);
        }

        private static Operation SignAssert(object x, string what, bool zeroFirst, bool strict, IEnumerable<object>? data, int? summarize,
            string? message, string name, string file, int line)
        {
            using var _ = CallSite.Enter(file, line);
            using var scope = name_scope(name);
            var xt = ToTensor(x, "x");
            var zero = convert_to_tensor(0, xt.dtype.BaseType(), name: "Const");
            message ??= "";
            var items = (data ?? [message, $"Condition {what} did not hold element-wise:", $"x ({xt.name}) = ", xt]).ToList();
            var (a, b) = zeroFirst ? (zero, xt) : (xt, zero);
            return strict ? assert_less(a, b, items, summarize, file: file, line: line) : assert_less_equal(a, b, items, summarize, file: file, line: line);
        }

        private static Tensor ToTensor(object value, string name, DType? like = null) => value switch
        {
            Tensor t => t,
            Variable v => v.value(),
            _ => convert_to_tensor(value, like?.BaseType(), name: name),
        };

        /// <summary>True/false when both are constants of the same shape (or one a scalar); null when unknown until run time.</summary>
        private static bool? StaticAll(Tensor x, Tensor y, Func<double, double, bool> holds)
        {
            if (OpBuilder.ConstantValue(x) is not { } xc || OpBuilder.ConstantValue(y) is not { } yc) return null;
            if (!xc.SameShape(yc) && xc.NumElements != 1 && yc.NumElements != 1) return null;
            var (xs, ys) = (AsDoubles(xc), AsDoubles(yc));
            if (xs == null || ys == null) return null;
            long n = System.Math.Max(xs.Length, ys.Length);
            for (long i = 0; i < n; i++)
                if (!holds(xs[xs.Length == 1 ? 0 : i], ys[ys.Length == 1 ? 0 : i])) return false;
            return true;
        }

        private static double[]? AsDoubles(HostTensor t) => t.DType switch
        {
            DType.Float => t.ToArray<float>().Select(v => (double)v).ToArray(),
            DType.Double => t.ToArray<double>(),
            DType.Int32 => t.ToArray<int>().Select(v => (double)v).ToArray(),
            DType.Int64 => t.ToArray<long>().Select(v => (double)v).ToArray(),
            DType.Bool => t.ToArray<bool>().Select(v => v ? 1.0 : 0.0).ToArray(),
            _ => null,
        };

        /// <summary>TF's _maybe_constant_value_string: a constant's value, else the tensor's name; strings as they are.</summary>
        private static string StaticText(object item) => item switch
        {
            Tensor t when OpBuilder.ConstantValue(t) is { } c => TensorSummary.Summarize(c, -1, v2: true),
            Tensor t => $"Tensor(\"{t.name}\", shape={t.shape}, dtype={t.dtype.PythonName()})",
            _ => item.ToString() ?? "",
        };
    }

    public static Operation assert_equal(object x, object y, IEnumerable<object>? data = null, int? summarize = null, string? message = null,
        string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => debugging.assert_equal(x, y, data, summarize, message, name, file, line);

    public static Operation assert_none_equal(object x, object y, IEnumerable<object>? data = null, int? summarize = null, string? message = null,
        string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => debugging.assert_none_equal(x, y, data, summarize, message, name, file, line);

    public static Operation assert_less(object x, object y, IEnumerable<object>? data = null, int? summarize = null, string? message = null,
        string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => debugging.assert_less(x, y, data, summarize, message, name, file, line);

    public static Operation assert_less_equal(object x, object y, IEnumerable<object>? data = null, int? summarize = null, string? message = null,
        string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => debugging.assert_less_equal(x, y, data, summarize, message, name, file, line);

    public static Operation assert_greater(object x, object y, IEnumerable<object>? data = null, int? summarize = null, string? message = null,
        string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => debugging.assert_greater(x, y, data, summarize, message, name, file, line);

    public static Operation assert_greater_equal(object x, object y, IEnumerable<object>? data = null, int? summarize = null, string? message = null,
        string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => debugging.assert_greater_equal(x, y, data, summarize, message, name, file, line);

    public static Operation assert_positive(object x, IEnumerable<object>? data = null, int? summarize = null, string? message = null,
        string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => debugging.assert_positive(x, data, summarize, message, name, file, line);

    public static Operation assert_negative(object x, IEnumerable<object>? data = null, int? summarize = null, string? message = null,
        string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => debugging.assert_negative(x, data, summarize, message, name, file, line);

    public static Operation assert_non_negative(object x, IEnumerable<object>? data = null, int? summarize = null, string? message = null,
        string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => debugging.assert_non_negative(x, data, summarize, message, name, file, line);

    public static Operation assert_non_positive(object x, IEnumerable<object>? data = null, int? summarize = null, string? message = null,
        string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => debugging.assert_non_positive(x, data, summarize, message, name, file, line);

    public static Operation assert_rank(object x, object rank, IEnumerable<object>? data = null, int? summarize = null, string? message = null,
        string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => debugging.assert_rank(x, rank, data, summarize, message, name, file, line);

    public static Operation assert_type(object tensor, DType tf_type, string? message = null, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => debugging.assert_type(tensor, tf_type, message, name, file, line);

    /// <summary>TF1's tf.verify_tensor_all_finite (tf.debugging.assert_all_finite).</summary>
    public static Tensor verify_tensor_all_finite(object t, string msg, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => debugging.assert_all_finite(t, msg, name, file, line);
}
