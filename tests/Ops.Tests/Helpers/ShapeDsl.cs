using GraphEngine.Ops.Core;
using GraphEngine.Ops.Framework;
using GraphEngine.Ops.Model;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Helpers;

/// <summary>
/// TF's shape-function test DSL (INFER_OK / INFER_ERROR): <c>Infer(op, "[1,?];[?,2]").Is("[?,2]")</c>.
/// Shapes are "[d,...]" with ? for unknown dims, "?" for unknown rank, ";" between inputs/outputs.
/// </summary>
internal static class ShapeDsl
{
    public static ShapeCase Infer(OpDef op, string inputs, params (string Name, AttrValue Value)[] attrs) => new(op, inputs, attrs);

    public static TensorShape Parse(string s)
    {
        s = s.Trim();
        if (s == "?") return TensorShape.Unknown;
        var body = s.TrimStart('[').TrimEnd(']');
        if (body.Length == 0) return TensorShape.Scalar;
        return new TensorShape(body.Split(',').Select(d => d.Trim() == "?" ? -1L : long.Parse(d)).ToArray());
    }
}

internal sealed class ShapeCase(OpDef op, string inputs, (string Name, AttrValue Value)[] attrs)
{
    private readonly Dictionary<int, HostTensor> _constants = [];
    private readonly Dictionary<int, TensorShape> _partial = [];

    /// <summary>Input i's value is known at build time (a Const).</summary>
    public ShapeCase Const(int i, HostTensor value) { _constants[i] = value; return this; }

    /// <summary>Input i, read as a shape, is partially known (e.g. built from a Shape op).</summary>
    public ShapeCase AsShape(int i, string shape) { _partial[i] = ShapeDsl.Parse(shape); return this; }

    private TensorShape[] Run()
    {
        var shapes = inputs.Length == 0 ? [] : inputs.Split(';').Select(ShapeDsl.Parse).ToArray();
        var node = new NodeDef("n", op.Name);
        foreach (var (k, v) in attrs) node.Attr[k] = v;
        foreach (var a in op.Attrs)
            if (a.Type == "type" && !node.Attr.ContainsKey(a.Name) && a.DefaultValue == null)
                node.Attr[a.Name] = a.AllowedValues?.ListType.Contains(DType.Float) == false ? a.AllowedValues.ListType[0] : DType.Float;
        op.AddDefaults(node);
        var types = op.ResolveTypes(op.InputArgs, node.Attr, node.Name);
        int outputs = op.ResolveTypes(op.OutputArgs, node.Attr, node.Name).Length;
        var c = new InferenceContext(op, node, shapes, types, outputs,
            i => _constants.GetValueOrDefault(i), i => _partial.GetValueOrDefault(i));
        return ShapeInference.Run(c);
    }

    public void Is(string expected)
    {
        var got = string.Join(";", Run().Select(s => s.ToString()));
        var want = expected.Length == 0 ? "" : string.Join(";", expected.Split(';').Select(s => ShapeDsl.Parse(s).ToString()));
        Assert.AreEqual(want, got, $"{op.Name} with inputs {inputs}");
    }

    public void Fails(string text)
    {
        var e = Assert.ThrowsExactly<InvalidArgumentException>(() => Run());
        StringAssert.Contains(e.Message, text);
    }
}
