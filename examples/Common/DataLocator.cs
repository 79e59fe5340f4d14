namespace GraphEngine.Examples;

/// <summary>
/// Finds the bundled data/mnist-10k from the working directory or the program's folder, walking up.
/// One source file, compiled into each MNIST example (see their .csproj).
/// </summary>
internal static class DataLocator
{
    public static string? Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "data", "mnist-10k");
                if (File.Exists(Path.Combine(candidate, "train-images-idx3-ubyte.gz"))) return candidate;
            }
        return null;
    }
}
