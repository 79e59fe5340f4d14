using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.TestKit;

/// <summary>The repository's own data/mnist-10k (the bundled, shippable MNIST subset), found above the test's folder.</summary>
public static class BundledMnist
{
    /// <summary>data/mnist-10k beside GraphEngine.sln, or null when the tests do not run from a checkout.</summary>
    public static string? RepoDir()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
        {
            var inRepo = Path.Combine(d.FullName, "data", "mnist-10k");
            if (File.Exists(Path.Combine(d.FullName, "GraphEngine.sln")) && File.Exists(Path.Combine(inRepo, "train-images-idx3-ubyte.gz")))
                return inRepo;
        }
        return null;
    }

    /// <summary>As <see cref="RepoDir"/>, failing the test when absent: the data set is part of the repository.</summary>
    public static string Dir()
    {
        var dir = RepoDir();
        if (dir == null) Assert.Fail("data/mnist-10k is part of the repository and must be found above the test's folder");
        return dir!;
    }
}
