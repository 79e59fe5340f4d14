using System.Text.RegularExpressions;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Architecture;

/// <summary>The layer rules of DESIGN.md §1, checked on the source tree.</summary>
[TestClass]
public sealed class LayeringTests
{
    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GraphEngine.sln"))) return dir.FullName;
        Assert.Inconclusive("Repository root (GraphEngine.sln) not found above the test binaries; layering was not checked.");
        return "";
    }

    [TestMethod]
    public void Nothing_in_src_references_a_native_ml_library()
    {
        var src = Path.Combine(RepoRoot(), "src");
        var offenders = Directory.EnumerateFiles(src, "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".cs") || f.EndsWith(".csproj")) && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Where(f => Regex.IsMatch(File.ReadAllText(f), "TorchSharp|OnnxRuntime|libtensorflow|TensorFlow\\.NET|SciSharp\\.TensorFlow"))
            .ToList();
        Assert.AreEqual(0, offenders.Count, "native ML references in: " + string.Join(", ", offenders));
    }

    [TestMethod]
    public void Project_references_point_down_the_layers_only()
    {
        var root = RepoRoot();
        string Refs(string project) => string.Join(";", Regex.Matches(File.ReadAllText(Path.Combine(root, project)), "ProjectReference Include=\"([^\"]+)\"")
            .Select(m => Path.GetFileNameWithoutExtension(m.Groups[1].Value.Replace('\\', '/'))).OrderBy(s => s));
        Assert.AreEqual("", Refs("src/Ops/Ops.csproj"));
        Assert.AreEqual("Ops", Refs("src/Session/Session.csproj"));
        Assert.AreEqual("Ops;Session", Refs("src/GraphEngine/GraphEngine.csproj"));
    }
}
