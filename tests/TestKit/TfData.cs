using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.TestKit;

/// <summary>
/// Locates the real TensorFlow files in ../shared/tfdata (beside the repository). A test that
/// needs them and cannot find them is marked Inconclusive with the reason, never passed.
/// Set GRAPHENGINE_TFDATA to point elsewhere.
/// </summary>
public static class TfData
{
    private static readonly Lazy<string?> RootDir = new(FindRoot);

    public static string? Root => RootDir.Value;

    private static string? FindRoot()
    {
        var env = Environment.GetEnvironmentVariable("GRAPHENGINE_TFDATA");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return System.IO.Path.GetFullPath(env);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "tfdata");
            if (Directory.Exists(candidate)) return candidate;
            candidate = System.IO.Path.Combine(dir.FullName, "..", "shared", "tfdata");
            if (Directory.Exists(candidate) && File.Exists(System.IO.Path.Combine(dir.FullName, "GraphEngine.sln")))
                return System.IO.Path.GetFullPath(candidate);
        }
        return null;
    }

    /// <summary>The full path of a file or folder under tfdata; Inconclusive when tfdata or the entry is absent.</summary>
    public static string Path(params string[] parts) => Require(System.IO.Path.Combine([Root ?? RequireRoot(), .. parts]));

    private static string RequireRoot()
    {
        Assert.Inconclusive("shared/tfdata (real TensorFlow files) was not found beside the repository; set GRAPHENGINE_TFDATA. This test needs it and did not run.");
        return "";
    }

    private static string Require(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
            Assert.Inconclusive($"Expected TensorFlow test file '{path}' is missing; this test did not run.");
        return path;
    }
}
