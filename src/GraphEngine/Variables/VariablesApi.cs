using System.Runtime.CompilerServices;
using GraphEngine.Ops.Core;

namespace GraphEngine;

public static partial class tf
{
    /// <summary>
    /// A TF1 variable. <paramref name="initial_value"/> is a host value, a tensor, or a function that
    /// builds one. Added to GLOBAL_VARIABLES (and TRAINABLE_VARIABLES when trainable).
    /// </summary>
    public static Variable Variable(object initial_value, bool trainable = true, string? name = null, DType? dtype = null,
        bool validate_shape = true, IEnumerable<string>? collections = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return new Variable(initial_value, trainable, name, dtype, validate_shape, collections);
    }

    public static List<Variable> global_variables(string? scope = null) =>
        get_default_graph().get_collection<Variable>(GraphKeys.GLOBAL_VARIABLES, scope);

    public static List<Variable> trainable_variables(string? scope = null) =>
        get_default_graph().get_collection<Variable>(GraphKeys.TRAINABLE_VARIABLES, scope);

    public static List<Variable> local_variables(string? scope = null) =>
        get_default_graph().get_collection<Variable>(GraphKeys.LOCAL_VARIABLES, scope);

    /// <summary>One op running every listed variable's initializer (a NoOp "init" with control inputs).</summary>
    public static Operation variables_initializer(IEnumerable<Variable> var_list, string name = "init",
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        var list = var_list.ToList();
        return list.Count == 0 ? no_op(name) : group(list.Select(v => (object)v.initializer), name);
    }

    public static Operation global_variables_initializer([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return variables_initializer(global_variables());
    }

    public static Operation local_variables_initializer([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        return variables_initializer(local_variables(), name: "init_1");
    }

    /// <summary>A bool scalar: whether the variable has a value in the session that runs it.</summary>
    public static Tensor is_variable_initialized(Variable variable, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        using var __ = variable.graph.as_default();
        return new OpBuilder(Ops.State.StateOps.IsVariableInitialized).Input(variable.AsRefTensor).Build().outputs[0];
    }
}

public static partial class tf
{
    /// <summary>
    /// A string tensor with the names of the variables not yet initialised in the session that runs it
    /// (TF1: a boolean mask over the names by IsVariableInitialized).
    /// </summary>
    public static Tensor report_uninitialized_variables(IEnumerable<Variable>? var_list = null, string name = "report_uninitialized_variables",
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        using var _ = CallSite.Enter(file, line);
        var vars = (var_list ?? global_variables().Concat(local_variables())).ToList();
        using var scope = name_scope(name);
        if (vars.Count == 0) return constant(Array.Empty<string>(), name: "Const");
        var initialized = vars.Select(v => is_variable_initialized(v)).ToList();
        var mask = logical_not(stack(initialized));
        var names = constant(vars.Select(v => v.op.name).ToArray());
        return boolean_mask(names, mask);
    }
}
