using GraphEngine.Ops.Core;
using PArgDef = GraphEngine.Ops.Proto.OpDef.Types.ArgDef;
using PAttrDef = GraphEngine.Ops.Proto.OpDef.Types.AttrDef;
using POpDef = GraphEngine.Ops.Proto.OpDef;

namespace GraphEngine.Ops.Model.Serialization;

/// <summary>
/// Our OpDef ↔ TF's OpDef proto (name, args, attrs with defaults, allowed values and minimums,
/// flags, deprecation). Not carried: summary/description text, full-type annotations,
/// control outputs; an OpDef read from a proto has no shape function.
/// </summary>
public static class OpDefConverter
{
    public static OpDef ToOpDef(POpDef p)
    {
        var op = OpDef.Define(p.Name);
        foreach (var a in p.InputArg) op.AddInput(ToArgDef(a));
        foreach (var a in p.OutputArg) op.AddOutput(ToArgDef(a));
        foreach (var a in p.Attr)
        {
            string where = $"op {p.Name} attr '{a.Name}'";
            op.AddAttr(new AttrDef(a.Name, a.Type,
                a.DefaultValue == null ? null : AttrValueConverter.ToAttrValue(a.DefaultValue, where + " default_value"),
                a.AllowedValues == null ? null : AttrValueConverter.ToAttrValue(a.AllowedValues, where + " allowed_values"),
                a.HasMinimum, a.Minimum));
        }
        if (p.IsStateful) op.SetIsStateful();
        if (p.IsCommutative) op.SetIsCommutative();
        if (p.IsAggregate) op.SetIsAggregate();
        if (p.AllowsUninitializedInput) op.SetAllowsUninitializedInput();
        if (p.Deprecation != null) op.Deprecated(p.Deprecation.Version, p.Deprecation.Explanation);
        return op;
    }

    private static ArgDef ToArgDef(PArgDef a) =>
        new(a.Name, ShapeTypeConverter.ToDType(a.Type), a.TypeAttr, a.NumberAttr, a.TypeListAttr, a.IsRef);

    public static POpDef ToProto(OpDef op)
    {
        var p = new POpDef
        {
            Name = op.Name,
            IsStateful = op.IsStateful,
            IsCommutative = op.IsCommutative,
            IsAggregate = op.IsAggregate,
            AllowsUninitializedInput = op.AllowsUninitializedInput,
        };
        p.InputArg.AddRange(op.InputArgs.Select(ToProto));
        p.OutputArg.AddRange(op.OutputArgs.Select(ToProto));
        foreach (var a in op.Attrs)
        {
            var pa = new PAttrDef { Name = a.Name, Type = a.Type, HasMinimum = a.HasMinimum, Minimum = a.Minimum };
            if (a.DefaultValue != null) pa.DefaultValue = AttrValueConverter.ToProto(a.DefaultValue);
            if (a.AllowedValues != null) pa.AllowedValues = AttrValueConverter.ToProto(a.AllowedValues);
            p.Attr.Add(pa);
        }
        if (op.Deprecation != null) p.Deprecation = new Proto.OpDeprecation { Version = op.Deprecation.Version, Explanation = op.Deprecation.Explanation };
        return p;
    }

    private static PArgDef ToProto(ArgDef a) => new()
    {
        Name = a.Name,
        Type = a.TypeAttr.Length == 0 && a.TypeListAttr.Length == 0 ? ShapeTypeConverter.ToProto(a.Type) : Proto.DataType.DtInvalid,
        TypeAttr = a.TypeAttr,
        NumberAttr = a.NumberAttr,
        TypeListAttr = a.TypeListAttr,
        IsRef = a.IsRef,
    };
}
