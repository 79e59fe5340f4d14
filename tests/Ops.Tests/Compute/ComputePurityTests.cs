using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Ops.Tests.Compute;

/// <summary>Compute/ is graph-free (DESIGN R1): spans in, spans out; no NodeDef, AttrValue, OpDef or kernel framework.</summary>
[TestClass]
public sealed class ComputePurityTests
{
    [TestMethod]
    public void Compute_sources_do_not_use_graph_model_or_framework()
    {
        var dir = FindComputeDir();
        var files = Directory.GetFiles(dir, "*.cs", SearchOption.AllDirectories);
        Assert.IsTrue(files.Length >= 4, $"Expected the Compute sources under {dir}.");
        string[] banned = ["GraphEngine.Ops.Model", "GraphEngine.Ops.Framework", "NodeDef", "AttrValue", "OpDef", "OpKernelContext"];
        var offenders = files.SelectMany(f => banned.Where(b => File.ReadAllText(f).Contains(b, StringComparison.Ordinal))
            .Select(b => $"{Path.GetFileName(f)} uses {b}")).ToList();
        Assert.AreEqual(0, offenders.Count, string.Join("\n", offenders));
    }

    private static string FindComputeDir()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "src", "Ops", "Compute");
            if (File.Exists(Path.Combine(d.FullName, "GraphEngine.sln")) && Directory.Exists(candidate)) return candidate;
        }
        Assert.Inconclusive("Source tree (GraphEngine.sln with src/Ops/Compute) not found above the test binaries.");
        return "";
    }
}
