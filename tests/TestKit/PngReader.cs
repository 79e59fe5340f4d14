using System.Buffers.Binary;
using System.IO.Compression;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace GraphEngine.TestKit;

/// <summary>
/// An independent minimal PNG decoder for tests (8-bit, non-interlaced): checks the signature and
/// every chunk CRC, inflates IDAT and undoes the row filters, so a test sees the pixels a viewer would.
/// </summary>
public static class PngReader
{
    public sealed record Image(int Width, int Height, int Channels, byte[] Pixels);

    /// <summary>Width and height from the IHDR chunk (no pixel decoding).</summary>
    public static (int Width, int Height) Size(byte[] png)
    {
        CheckSignature(png);
        Assert.AreEqual("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4), "first chunk must be IHDR");
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    public static Image Decode(byte[] png)
    {
        CheckSignature(png);
        int pos = 8, width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        bool end = false;
        while (!end)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(png, pos + 4, 4);
            var data = png.AsSpan(pos + 8, length);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + length));
            Assert.AreEqual(Crc(png.AsSpan(pos + 4, length + 4)), crc, $"CRC of chunk {type}");
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    Assert.AreEqual(8, data[8], "bit depth");
                    channels = data[9] switch { 0 => 1, 4 => 2, 2 => 3, 6 => 4, _ => throw new AssertFailedException($"colour type {data[9]}") };
                    Assert.AreEqual(0, data[12], "interlace");
                    break;
                case "IDAT": idat.Write(data); break;
                case "IEND": end = true; break;
            }
            pos += 12 + length;
        }
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        z.CopyTo(raw);
        var bytes = raw.ToArray();
        int stride = width * channels;
        Assert.AreEqual((stride + 1) * height, bytes.Length, "inflated size");
        var pixels = new byte[stride * height];
        for (int y = 0; y < height; y++)
        {
            byte filter = bytes[y * (stride + 1)];
            for (int x = 0; x < stride; x++)
            {
                int a = x >= channels ? pixels[y * stride + x - channels] : 0;
                int b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
                int c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
                int p = a + b - c;
                int pred = filter switch
                {
                    0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2,
                    4 => Math.Abs(p - a) <= Math.Abs(p - b) && Math.Abs(p - a) <= Math.Abs(p - c) ? a : Math.Abs(p - b) <= Math.Abs(p - c) ? b : c,
                    _ => throw new AssertFailedException($"filter {filter}"),
                };
                pixels[y * stride + x] = (byte)(bytes[y * (stride + 1) + 1 + x] + pred);
            }
        }
        return new Image(width, height, channels, pixels);
    }

    private static void CheckSignature(byte[] png) =>
        CollectionAssert.AreEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png.Take(8).ToArray(), "PNG signature");

    private static uint Crc(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
