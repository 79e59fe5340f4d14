using System.IO.Compression;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.Tests.Interop;

/// <summary>The project's 2,000-image MNIST test set (shared/datasets/mnist-10k), pixels scaled to [0,1].</summary>
internal static class Mnist
{
    public static (float[,] Images, int[] Labels) Test()
    {
        var dir = FindDir();
        var images = ReadGz(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"));
        var labels = ReadGz(Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"));
        int n = BigEndian(images, 4), rows = BigEndian(images, 8), cols = BigEndian(images, 12);
        var x = new float[n, rows * cols];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < rows * cols; j++) x[i, j] = images[16 + i * rows * cols + j] / 255f;
        return (x, labels.Skip(8).Take(n).Select(b => (int)b).ToArray());
    }

    private static int BigEndian(byte[] b, int at) => System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(at));

    private static byte[] ReadGz(string path)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }

    private static string FindDir()
    {
        var root = GraphEngine.TestKit.TfData.Root;
        var dir = root == null ? null : Path.GetFullPath(Path.Combine(root, "..", "datasets", "mnist-10k"));
        if (dir == null || !File.Exists(Path.Combine(dir, "t10k-images-idx3-ubyte.gz")))
            Assert.Inconclusive("shared/datasets/mnist-10k was not found beside tfdata; this test did not run.");
        return dir!;
    }

    public static int ArgMax(float[] row, int offset, int n)
    {
        int best = 0;
        for (int j = 1; j < n; j++) if (row[offset + j] > row[offset + best]) best = j;
        return best;
    }
}
