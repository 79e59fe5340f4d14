using System.Globalization;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Model.TextFormat;
using GraphEngine.TestKit;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using PAttr = GraphEngine.Ops.Proto.AttrValue;
using POpDef = GraphEngine.Ops.Proto.OpDef;

namespace GraphEngine.Ops.Tests;

/// <summary>
/// Can our REGISTER_OP mini-language (OpSpecParser) express every op TF 2.21 has? Each TF OpDef is
/// written back as spec strings, parsed, and compared with OpDefCompatibilityTests' checker, so
/// engineers adding ops find the parser ready.
/// </summary>
[TestClass]
public sealed class OpSpecCoverageTests
{
    [TestMethod]
    public void EveryTfOpCanBeWrittenAsSpecStrings()
    {
        var path = TfData.Path("op-registry-tf2.21", "ops.pbtxt");
        var list = ProtoText.Parse<Proto.OpList>(File.ReadAllBytes(path), path);
        var failures = new List<string>();
        foreach (var p in list.Op)
        {
            try
            {
                var op = OpDef.Define(p.Name);
                foreach (var a in p.InputArg) op.Input(ArgSpec(a));
                foreach (var a in p.OutputArg) op.Output(ArgSpec(a));
                foreach (var a in p.Attr) op.Attr(AttrSpec(a));
                if (p.IsStateful) op.SetIsStateful();
                if (p.IsCommutative) op.SetIsCommutative();
                if (p.IsAggregate) op.SetIsAggregate();
                if (p.AllowsUninitializedInput) op.SetAllowsUninitializedInput();
                if (p.Deprecation != null) op.Deprecated(p.Deprecation.Version, p.Deprecation.Explanation);
                new OpRegistry().Add(op);
                failures.AddRange(OpDefCompatibilityTests.Compare(op, p));
            }
            catch (Exception e)
            {
                failures.Add($"{p.Name}: {e.GetType().Name}: {e.Message}");
            }
        }
        if (failures.Count > 0)
            Assert.Fail($"{failures.Count} problem(s):\n" + string.Join("\n", failures.Take(60)));
    }

    private static string ArgSpec(POpDef.Types.ArgDef a)
    {
        string type = a.TypeAttr.Length > 0 ? a.TypeAttr : a.TypeListAttr.Length > 0 ? a.TypeListAttr : ((DType)(int)a.Type).Name();
        if (a.NumberAttr.Length > 0) type = a.NumberAttr + " * " + type;
        if (a.IsRef) type = "Ref(" + type + ")";
        return a.Name + ": " + type;
    }

    private static string AttrSpec(POpDef.Types.AttrDef a)
    {
        string type = a.Type;
        if (a.AllowedValues != null)
        {
            var l = a.AllowedValues.List;
            string set = l.Type.Count > 0
                ? "{" + string.Join(", ", l.Type.Select(t => ((DType)(int)t).Name())) + "}"
                : "{" + string.Join(", ", l.S.Select(s => "'" + s.ToStringUtf8() + "'")) + "}";
            type = a.Type.StartsWith("list(", StringComparison.Ordinal) ? "list(" + set + ")" : set;
        }
        string spec = a.Name + ": " + type;
        if (a.HasMinimum) spec += " >= " + a.Minimum.ToString(CultureInfo.InvariantCulture);
        if (a.DefaultValue != null) spec += " = " + DefaultSpec(a.DefaultValue);
        return spec;
    }

    /// <summary>Defaults as TF's REGISTER_OP strings write them.</summary>
    private static string DefaultSpec(PAttr v) => v.ValueCase switch
    {
        PAttr.ValueOneofCase.S => "'" + v.S.ToStringUtf8() + "'",
        PAttr.ValueOneofCase.I => v.I.ToString(CultureInfo.InvariantCulture),
        PAttr.ValueOneofCase.F => v.F.ToString("R", CultureInfo.InvariantCulture),
        PAttr.ValueOneofCase.B => v.B ? "true" : "false",
        PAttr.ValueOneofCase.Type => "DT_" + ((DType)(int)v.Type).Name().ToUpperInvariant(),
        PAttr.ValueOneofCase.List when v.List.Type.Count > 0 => "[" + string.Join(", ", v.List.Type.Select(t => "DT_" + ((DType)(int)t).Name().ToUpperInvariant())) + "]",
        PAttr.ValueOneofCase.List when v.List.S.Count > 0 => "[" + string.Join(", ", v.List.S.Select(s => "'" + s.ToStringUtf8() + "'")) + "]",
        PAttr.ValueOneofCase.List when v.List.I.Count > 0 => "[" + string.Join(", ", v.List.I) + "]",
        PAttr.ValueOneofCase.List when v.List.F.Count > 0 => "[" + string.Join(", ", v.List.F.Select(f => f.ToString("R", CultureInfo.InvariantCulture))) + "]",
        PAttr.ValueOneofCase.List when v.List.B.Count > 0 => "[" + string.Join(", ", v.List.B.Select(b => b ? "true" : "false")) + "]",
        PAttr.ValueOneofCase.List => "[]",
        _ => "{ " + ProtoText.Print(v.ValueCase == PAttr.ValueOneofCase.Shape ? v.Shape : v.Tensor).Replace('\n', ' ').Trim() + " }",
    };
}
