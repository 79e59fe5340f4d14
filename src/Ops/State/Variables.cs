using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;

namespace GraphEngine.Ops.State;

/// <summary>
/// TF1 ref-variable ops (TF: core/ops/state_ops.cc). Their kernels need the session's variable
/// store, so they are registered by the runtime (GraphEngine.Runtime), not here.
/// </summary>
public static class StateOps
{
    public static readonly OpDef VariableV2 = OpDef.Define("VariableV2")
        .Output("ref: Ref(dtype)")
        .Attr("shape: shape")
        .Attr("dtype: type")
        .Attr("container: string = ''")
        .Attr("shared_name: string = ''")
        .SetIsStateful()
        .Shape(c => c.SetOutput(0, c.Attr("shape").Shape));

    /// <summary>The pre-1.0 variable op, still found in old GraphDefs.</summary>
    public static readonly OpDef Variable = OpDef.Define("Variable")
        .Output("ref: Ref(dtype)")
        .Attr("shape: shape")
        .Attr("dtype: type")
        .Attr("container: string = ''")
        .Attr("shared_name: string = ''")
        .SetIsStateful()
        .Shape(VariableShape);

    public static readonly OpDef IsVariableInitialized = OpDef.Define("IsVariableInitialized")
        .Input("ref: Ref(dtype)")
        .Output("is_initialized: bool")
        .Attr("dtype: type")
        .SetAllowsUninitializedInput()
        .Shape(CommonShapes.Scalar);

    public static readonly OpDef Assign = OpDef.Define("Assign")
        .Input("ref: Ref(T)")
        .Input("value: T")
        .Output("output_ref: Ref(T)")
        .Attr("T: type")
        .Attr("validate_shape: bool = true")
        .Attr("use_locking: bool = true")
        .SetAllowsUninitializedInput()
        .Shape(AssignShape);

    public static readonly OpDef AssignAdd = OpDef.Define("AssignAdd")
        .Input("ref: Ref(T)")
        .Input("value: T")
        .Output("output_ref: Ref(T)")
        .Attr("T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, qint16, quint16, uint16, complex128, half, uint32, uint64}")
        .Attr("use_locking: bool = false")
        .Shape(CommonShapes.MergeBothInputs);

    public static readonly OpDef AssignSub = OpDef.Define("AssignSub")
        .Input("ref: Ref(T)")
        .Input("value: T")
        .Output("output_ref: Ref(T)")
        .Attr("T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, qint16, quint16, uint16, complex128, half, uint32, uint64}")
        .Attr("use_locking: bool = false")
        .Shape(CommonShapes.MergeBothInputs);

    private static void VariableShape(InferenceContext c)
    {
        // TF: a Variable whose shape attr is fully unknown-as-scalar in old graphs means "unknown".
        var s = c.Attr("shape").Shape;
        c.SetOutput(0, s.HasRank && s.Rank == 0 ? TensorShape.Unknown : s);
    }

    private static void AssignShape(InferenceContext c)
    {
        bool validate = c.Attr("validate_shape").B;
        c.SetOutput(0, validate ? c.Input(0).MergeWith(c.Input(1)) : c.Input(1));
    }

    public static void Register(OpRegistry ops) =>
        ops.Add(VariableV2, Variable, IsVariableInitialized, Assign, AssignAdd, AssignSub);
}
