using GraphEngine.Ops.Core;

namespace GraphEngine;

/// <summary>
/// TF1's _VariableStore.get_variable: the sharing rules and creation of variables by full name.
/// Variable names depend only on the variable scope, so the name scope is reset to the root while
/// a variable is created (as VariableScope.get_variable does), and control dependencies are
/// cleared (TF's init_scope).
/// </summary>
internal static class VariableStoreOps
{
    public static Variable GetVariable(Graph g, string name, TensorShape? shape, DType? dtype, object? initializer,
        Func<Tensor, Tensor?>? regularizer, bool? trainable, IEnumerable<string>? collections, bool validateShape)
    {
        // One lock over look-up and creation: two threads asking for the same new name must not both create it.
        lock (g.VariableScopes.Lock)
            return GetOrCreate(g, name, shape, dtype, initializer, regularizer, trainable, collections, validateShape);
    }

    private static Variable GetOrCreate(Graph g, string name, TensorShape? shape, DType? dtype, object? initializer,
        Func<Tensor, Tensor?>? regularizer, bool? trainable, IEnumerable<string>? collections, bool validateShape)
    {
        var store = g.VariableScopes;
        var scope = store.Current;
        if (string.IsNullOrEmpty(name)) throw new InvalidArgumentException("get_variable: the variable name must not be empty.");
        var fullName = scope.name.Length > 0 ? scope.name + "/" + name : name;
        var dt = (dtype ?? scope.dtype).BaseType();
        lock (store.Lock)
        {
            if (store.Variables.TryGetValue(fullName, out var found))
            {
                if (scope.reuse == VariableReuse.False)
                    throw new InvalidArgumentException(
                        $"Variable {fullName} already exists, disallowed. Did you mean to set reuse=True or reuse=tf.AUTO_REUSE in VarScope?");
                if (shape is { } s && !s.IsCompatibleWith(found.shape))
                    throw new InvalidArgumentException($"Trying to share variable {fullName}, but specified shape {s} and found shape {found.shape}.");
                if (dtype != null && found.dtype.BaseType() != dt)
                    throw new InvalidArgumentException(
                        $"Trying to share variable {fullName}, but specified dtype {dt.PythonName()} and found dtype {found.dtype.BaseType().PythonName()}.");
                return found;
            }
            if (scope.reuse == VariableReuse.True)
                throw new InvalidArgumentException(
                    $"Variable {fullName} does not exist, or was not created with tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in VarScope?");
        }

        object initialValue = InitialValue(fullName, shape, dt, initializer ?? scope.initializer);
        Variable v;
        using (g.as_default())
        using (g.control_dependencies(null))
        using (g.name_scope(null))
        {
            var valueDtype = initialValue is Tensor ? (DType?)null : dt;
            v = new Variable(initialValue, trainable ?? true, fullName, valueDtype, validateShape, collections);
            lock (store.Lock) store.Variables[fullName] = v;
            regularizer ??= scope.regularizer;
            if (regularizer != null)
            {
                Tensor? loss;
                using (g.name_scope(fullName + "/Regularizer/")) loss = regularizer(v.value());
                if (loss != null) g.add_to_collection(tf.GraphKeys.REGULARIZATION_LOSSES, loss);
            }
        }
        return v;
    }

    /// <summary>What the new variable starts from: a tensor or host value as is, else a function running the initializer.</summary>
    private static object InitialValue(string fullName, TensorShape? shape, DType dtype, object? initializer)
    {
        switch (initializer)
        {
            case Tensor or Array or NumSharp.NDArray or float or double or int or long or bool:
                if (shape != null)
                    throw new InvalidArgumentException($"Variable {fullName}: if initializer is a constant, do not specify shape.");
                return initializer; // a host value becomes "<name>/initial_value" inside the Variable
        }
        if (shape is not { } s || !s.IsFullyDefined)
            throw new InvalidArgumentException($"Shape of a new variable ({fullName}) must be fully defined, but instead was {shape?.ToString() ?? "<unknown>"}.");
        switch (initializer)
        {
            case Initializer init:
                return (Func<Tensor>)(() => init.Call(s, dtype));
            case Func<TensorShape, DType, Tensor> f:
                return (Func<Tensor>)(() => f(s, dtype));
            case null:
                if (dtype.IsFloating()) return (Func<Tensor>)(() => tf.glorot_uniform_initializer().Call(s, dtype));
                if (dtype.IsInteger() || dtype == DType.Bool) return (Func<Tensor>)(() => tf.zeros_initializer().Call(s, dtype));
                throw new InvalidArgumentException($"An initializer for variable {fullName} of {dtype.PythonName()} is required.");
            default:
                throw new InvalidArgumentException(
                    $"Variable {fullName}: initializer must be an Initializer, a Func<TensorShape, DType, Tensor>, a Tensor or a host value, got {initializer.GetType().Name}.");
        }
    }
}
