using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;
using GraphEngine.Ops.Model.Serialization;
using GraphEngine.Ops.Model.TextFormat;
using GraphEngine.TestKit;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using POpDef = GraphEngine.Ops.Proto.OpDef;

namespace GraphEngine.Ops.Tests;

/// <summary>
/// Every op we register must be defined exactly as TensorFlow 2.21 defines it (ops.pbtxt), so that
/// GraphDefs move both ways. Covers whatever OpLibrary.RegisterAll registers, now and later.
/// </summary>
[TestClass]
public sealed class OpDefCompatibilityTests
{
    private static Dictionary<string, POpDef> LoadTfOps()
    {
        var path = TfData.Path("op-registry-tf2.21", "ops.pbtxt");
        var list = ProtoText.Parse<Proto.OpList>(File.ReadAllBytes(path), path);
        return list.Op.ToDictionary(o => o.Name, StringComparer.Ordinal);
    }

    [TestMethod]
    public void EveryRegisteredOpMatchesTensorFlow()
    {
        var tf = LoadTfOps();
        Assert.AreEqual(1563, tf.Count, "ops.pbtxt op count (PROVENANCE.md)");
        var ops = new OpRegistry();
        OpLibrary.RegisterAll(ops, new KernelRegistry());
        var registered = ops.All.ToList();
        Assert.IsTrue(registered.Count > 0, "OpLibrary registered no ops");

        var diffs = new List<string>();
        foreach (var ours in registered)
        {
            if (!tf.TryGetValue(ours.Name, out var theirs))
            {
                diffs.Add($"{ours.Name}: not an op in TensorFlow 2.21's registry");
                continue;
            }
            diffs.AddRange(Compare(ours, theirs));
        }
        if (diffs.Count > 0)
            Assert.Fail($"{diffs.Count} difference(s) from TensorFlow's op definitions:\n" + string.Join("\n", diffs));
    }

    [TestMethod]
    public void ComparisonCatchesDifferences()
    {
        // The checker itself must notice a wrong definition; otherwise the test above proves nothing.
        var tf = LoadTfOps();
        var wrong = OpDef.Define("Assign")
            .Input("ref: Ref(T)")
            .Input("val: T")
            .Output("output_ref: T")
            .Attr("T: {float, int32}")
            .Attr("validate_shape: bool = false")
            .Attr("use_locking: bool = true")
            .Attr("extra: int >= 2")
            .SetIsStateful();
        new OpRegistry().Add(wrong);
        var diffs = Compare(wrong, tf["Assign"]);
        string all = string.Join("\n", diffs);
        foreach (var expected in new[] { "input 1 name", "is_ref: ours False, TF True", "attr 'T' allowed_values", "attr 'validate_shape' default", "attr 'extra'", "is_stateful", "allows_uninitialized_input" })
            StringAssert.Contains(all, expected);
    }

    [TestMethod]
    public void OpDefProtoRoundTripsThroughOurModel()
    {
        // Reading TF's definitions into our OpDef and writing them back keeps every compared field.
        var tf = LoadTfOps();
        var diffs = new List<string>();
        foreach (var p in tf.Values)
            diffs.AddRange(Compare(OpDefConverter.ToOpDef(p), p).Select(d => "read: " + d));
        foreach (var p in tf.Values.Take(200))
            diffs.AddRange(Compare(OpDefConverter.ToOpDef(OpDefConverter.ToProto(OpDefConverter.ToOpDef(p))), p).Select(d => "re-written: " + d));
        if (diffs.Count > 0) Assert.Fail(string.Join("\n", diffs.Take(50)));
    }

    internal static List<string> Compare(OpDef ours, POpDef theirs)
    {
        var d = new List<string>();
        string op = ours.Name;
        CompareArgs(d, op, "input", ours.InputArgs, theirs.InputArg);
        CompareArgs(d, op, "output", ours.OutputArgs, theirs.OutputArg);

        var theirAttrs = theirs.Attr.ToDictionary(a => a.Name, StringComparer.Ordinal);
        foreach (var a in ours.Attrs)
        {
            if (!theirAttrs.TryGetValue(a.Name, out var t))
            {
                d.Add($"{op}: attr '{a.Name}' is ours only");
                continue;
            }
            string at = $"{op}: attr '{a.Name}'";
            if (a.Type != t.Type) d.Add($"{at} type: ours '{a.Type}', TF '{t.Type}'");
            var theirDefault = t.DefaultValue == null ? null : AttrValueConverter.ToAttrValue(t.DefaultValue);
            if (!SameValue(a.DefaultValue, theirDefault)) d.Add($"{at} default: ours {Show(a.DefaultValue)}, TF {Show(theirDefault)}");
            var theirAllowed = t.AllowedValues == null ? null : AttrValueConverter.ToAttrValue(t.AllowedValues);
            if (!SameSet(a.AllowedValues, theirAllowed)) d.Add($"{at} allowed_values: ours {Show(a.AllowedValues)}, TF {Show(theirAllowed)}");
            if (a.HasMinimum != t.HasMinimum || a.Minimum != t.Minimum)
                d.Add($"{at} minimum: ours {(a.HasMinimum ? ">= " + a.Minimum : "none")}, TF {(t.HasMinimum ? ">= " + t.Minimum : "none")}");
        }
        foreach (var t in theirs.Attr)
            if (ours.FindAttr(t.Name) == null) d.Add($"{op}: attr '{t.Name}' ({t.Type}) is missing from ours");
        var attrOrder = ours.Attrs.Select(a => a.Name).ToList();
        var theirOrder = theirs.Attr.Select(a => a.Name).ToList();
        if (attrOrder.Count == theirOrder.Count && !attrOrder.SequenceEqual(theirOrder))
            d.Add($"{op}: attr order: ours [{string.Join(", ", attrOrder)}], TF [{string.Join(", ", theirOrder)}]");

        Flag(d, op, "is_stateful", ours.IsStateful, theirs.IsStateful);
        Flag(d, op, "is_commutative", ours.IsCommutative, theirs.IsCommutative);
        Flag(d, op, "is_aggregate", ours.IsAggregate, theirs.IsAggregate);
        Flag(d, op, "allows_uninitialized_input", ours.AllowsUninitializedInput, theirs.AllowsUninitializedInput);
        int theirDep = theirs.Deprecation?.Version ?? 0;
        if ((ours.Deprecation?.Version ?? 0) != theirDep)
            d.Add($"{op}: deprecation version: ours {ours.Deprecation?.Version.ToString() ?? "none"}, TF {(theirs.Deprecation == null ? "none" : theirDep.ToString())}");
        return d;
    }

    private static void CompareArgs(List<string> d, string op, string kind, IReadOnlyList<ArgDef> ours, IList<POpDef.Types.ArgDef> theirs)
    {
        if (ours.Count != theirs.Count)
            d.Add($"{op}: {kind} count: ours {ours.Count} [{string.Join(", ", ours.Select(a => a.Name))}], TF {theirs.Count} [{string.Join(", ", theirs.Select(a => a.Name))}]");
        for (int i = 0; i < System.Math.Min(ours.Count, theirs.Count); i++)
        {
            var o = ours[i];
            var t = theirs[i];
            string at = $"{op}: {kind} {i}";
            if (o.Name != t.Name) d.Add($"{at} name: ours '{o.Name}', TF '{t.Name}'");
            var theirType = ShapeTypeConverter.ToDType(t.Type);
            if (o.Type != theirType) d.Add($"{at} ('{t.Name}') type: ours {o.Type.EnumName()}, TF {theirType.EnumName()}");
            if (o.TypeAttr != t.TypeAttr) d.Add($"{at} ('{t.Name}') type_attr: ours '{o.TypeAttr}', TF '{t.TypeAttr}'");
            if (o.NumberAttr != t.NumberAttr) d.Add($"{at} ('{t.Name}') number_attr: ours '{o.NumberAttr}', TF '{t.NumberAttr}'");
            if (o.TypeListAttr != t.TypeListAttr) d.Add($"{at} ('{t.Name}') type_list_attr: ours '{o.TypeListAttr}', TF '{t.TypeListAttr}'");
            if (o.IsRef != t.IsRef) d.Add($"{at} ('{t.Name}') is_ref: ours {o.IsRef}, TF {t.IsRef}");
        }
    }

    private static void Flag(List<string> d, string op, string name, bool ours, bool theirs)
    {
        if (ours != theirs) d.Add($"{op}: {name}: ours {ours}, TF {theirs}");
    }

    private static bool SameValue(AttrValue? a, AttrValue? b) => a == null ? b == null : b != null && a.Equals(b);

    private static bool SameSet(AttrValue? a, AttrValue? b)
    {
        if (a == null || b == null) return a == null && b == null;
        if (a.Kind == AttrKind.ListType || b.Kind == AttrKind.ListType)
            return a.IsList && b.IsList && a.ListType.ToHashSet().SetEquals(b.ListType);
        if (a.Kind == AttrKind.ListString || b.Kind == AttrKind.ListString)
            return a.IsList && b.IsList && a.ListS.ToHashSet().SetEquals(b.ListS);
        return a.Equals(b);
    }

    private static string Show(AttrValue? v) => v == null ? "none" : v.ToString();
}
