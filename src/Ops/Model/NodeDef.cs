using GraphEngine.Ops.Core;

namespace GraphEngine.Ops.Model;

/// <summary>
/// One node of a graph, as TF's NodeDef: name, op type, inputs ("x", "x:1", "^ctrl"), device and
/// attrs. <see cref="DefinedAt"/> is ours: where user code created the node, for error messages.
/// </summary>
public sealed class NodeDef
{
    public NodeDef(string name, string op)
    {
        Name = name;
        Op = op;
    }

    public string Name { get; set; }
    public string Op { get; set; }
    public List<string> Input { get; } = [];
    public string Device { get; set; } = "";
    public SortedDictionary<string, AttrValue> Attr { get; } = new(StringComparer.Ordinal);

    /// <summary>"File.cs:12" of the C# call that built the node; not serialized.</summary>
    public string? DefinedAt { get; set; }

    public NodeDef Clone()
    {
        var n = new NodeDef(Name, Op) { Device = Device, DefinedAt = DefinedAt };
        n.Input.AddRange(Input);
        foreach (var kv in Attr) n.Attr[kv.Key] = kv.Value;
        return n;
    }

    public AttrValue GetAttr(string name) => Attr.TryGetValue(name, out var v) ? v
        : throw new InvalidArgumentException($"No attr named '{name}' in NodeDef '{Name}' (op: {Op})");

    public override string ToString() => $"{Name} = {Op}({string.Join(", ", Input)})";
}

/// <summary>A reference to an output ("node:index") or a control input ("^node") in NodeDef.input syntax.</summary>
public readonly record struct TensorName(string Node, int Index)
{
    public const int ControlIndex = -1;

    public bool IsControl => Index == ControlIndex;

    /// <summary>Parses "x", "x:1" or "^x"; a malformed index is an InvalidArgument naming the text.</summary>
    public static TensorName Parse(string text)
    {
        if (text.StartsWith('^')) return new TensorName(text[1..], ControlIndex);
        int colon = text.LastIndexOf(':');
        if (colon > 0 && colon < text.Length - 1 && text.AsSpan(colon + 1).IndexOfAnyExceptInRange('0', '9') < 0)
        {
            if (!int.TryParse(text.AsSpan(colon + 1), out int index))
                throw new InvalidArgumentException($"Output index too large in tensor name '{text}'.");
            return new TensorName(text[..colon], index);
        }
        return new TensorName(text, 0);
    }

    /// <summary>The tensor's full name "node:index" (TF's Tensor.name).</summary>
    public override string ToString() => IsControl ? "^" + Node : $"{Node}:{Index}";

    /// <summary>How NodeDef.input writes it: the ":0" is omitted.</summary>
    public string ToInputString() => IsControl ? "^" + Node : Index == 0 ? Node : $"{Node}:{Index}";
}
