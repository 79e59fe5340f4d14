using System.Buffers.Binary;
using System.IO.Compression;

namespace GraphEngine.Ops.Summaries;

/// <summary>
/// A minimal PNG encoder (8-bit grayscale, gray+alpha, RGB or RGBA; no interlace) for image
/// summaries and plots. Each row gets the filter that minimises the sum of absolute differences
/// (the usual libpng heuristic), and the filtered rows go through zlib.
/// </summary>
public static class PngEncoder
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>Encodes row-major interleaved 8-bit pixels with <paramref name="channels"/> (1-4) per pixel.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, int channels)
    {
        if (width <= 0 || height <= 0) throw new Core.InvalidArgumentException($"PNG image must be at least 1x1, got {width}x{height}.");
        if (channels is < 1 or > 4) throw new Core.InvalidArgumentException($"PNG image must have 1-4 channels, got {channels}.");
        long stride = (long)width * channels;
        if (pixels.Length != stride * height)
            throw new Core.InvalidArgumentException($"PNG image of {width}x{height}x{channels} needs {stride * height} bytes, got {pixels.Length}.");
        using var output = new MemoryStream();
        output.Write(Signature);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = channels switch { 1 => 0, 2 => 4, 3 => 2, _ => 6 }; // colour type
        ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0; // deflate, adaptive filtering, no interlace
        WriteChunk(output, "IHDR", ihdr);
        WriteChunk(output, "IDAT", Compress(pixels, (int)stride, height, channels));
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    private static byte[] Compress(ReadOnlySpan<byte> pixels, int stride, int height, int bpp)
    {
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            var line = new byte[stride + 1];
            var best = new byte[stride + 1];
            ReadOnlySpan<byte> previous = default;
            for (int y = 0; y < height; y++)
            {
                var row = pixels.Slice(y * stride, stride);
                long bestScore = long.MaxValue;
                for (byte filter = 0; filter <= 4; filter++)
                {
                    long score = Filter(filter, row, previous, bpp, line);
                    if (score < bestScore)
                    {
                        bestScore = score;
                        (best, line) = (line, best);
                    }
                }
                z.Write(best);
                previous = row;
            }
        }
        return compressed.ToArray();
    }

    /// <summary>Writes the filtered row (filter byte first) into <paramref name="into"/>; returns the sum of |signed bytes|.</summary>
    private static long Filter(byte filter, ReadOnlySpan<byte> row, ReadOnlySpan<byte> up, int bpp, byte[] into)
    {
        into[0] = filter;
        long score = 0;
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0;
            int b = up.IsEmpty ? 0 : up[i];
            int c = i >= bpp && !up.IsEmpty ? up[i - bpp] : 0;
            int predicted = filter switch
            {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) >> 1,
                _ => Paeth(a, b, c),
            };
            byte v = (byte)(row[i] - predicted);
            into[i + 1] = v;
            score += v < 128 ? v : 256 - v; // |v| read as a signed byte
        }
        return score;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = System.Math.Abs(p - a), pb = System.Math.Abs(p - b), pc = System.Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static void WriteChunk(Stream s, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        for (int i = 0; i < 4; i++) header[4 + i] = (byte)type[i];
        s.Write(header);
        s.Write(data);
        uint crc = UpdateCrc(0xFFFFFFFFu, header[4..]);
        crc = UpdateCrc(crc, data) ^ 0xFFFFFFFFu;
        Span<byte> trailer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(trailer, crc);
        s.Write(trailer);
    }

    /// <summary>PNG's CRC-32 (ISO 3309 polynomial), not the CRC32C of TF records.</summary>
    internal static uint UpdateCrc(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var t = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }
}
