namespace GraphEngine;

public sealed partial class Graph
{
    /// <summary>
    /// Records an imported node's name, and every scope above it, as used, so that ops and scopes
    /// built later get fresh names ("import/x" taken makes a later name_scope("import") "import_1").
    /// </summary>
    internal void MarkImportedName(string fullName)
    {
        lock (BuildLock)
        {
            var key = fullName.ToLowerInvariant();
            for (int slash = key.IndexOf('/'); slash >= 0; slash = key.IndexOf('/', slash + 1))
                _namesInUse.TryAdd(key[..slash], 1);
            _namesInUse.TryGetValue(key, out int n);
            _namesInUse[key] = System.Math.Max(n, 1);
        }
    }

    /// <summary>The OpDef of the first operation of this type (for stripped_op_list: imported ops may carry the producer's OpDef).</summary>
    internal Ops.Model.OpDef? TryGetOperationOfType(string type)
    {
        lock (BuildLock) return _ops.Find(o => o.type == type)?.OpDef;
    }
}
