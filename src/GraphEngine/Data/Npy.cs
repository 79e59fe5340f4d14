using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using GraphEngine.Ops.Core;
using NumSharp;
using DType = GraphEngine.Ops.Core.DType;

namespace GraphEngine.Data;

/// <summary>
/// NumPy's .npy files (format versions 1.0, 2.0 and 3.0): magic "\x93NUMPY", version, header
/// length (2 bytes in v1, 4 in v2/v3), a Python-dict header {'descr', 'fortran_order', 'shape'}
/// padded with spaces to a multiple of 64 bytes and ended by '\n', then the raw C-order data.
/// float32/float64/int32/int64/uint8/bool, little- or big-endian on read; always little-endian on write.
/// </summary>
public static class Npy
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a .npy file into an engine tensor; DataLoss naming the file for anything malformed.</summary>
    public static HostTensor LoadTensor(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return Parse(bytes, path);
    }

    /// <summary>Reads a .npy file into an NDArray.</summary>
    public static NDArray load(string path) => NDArrayConversion.ToNDArray(LoadTensor(path));

    /// <summary>Writes a host value (NDArray, C# array, scalar) as a .npy v1 file (v2 when the header needs it), atomically.</summary>
    public static void save(string path, object value) => SaveTensor(path, NDArrayConversion.ToHostTensor(value, what: $"npy file {path}"));

    public static HostTensor Parse(ReadOnlySpan<byte> bytes, string file)
    {
        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(Magic))
            throw new DataLossException($"{file}: not a .npy file (the magic string \\x93NUMPY is missing)");
        int major = bytes[6], minor = bytes[7];
        int headerLen, offset;
        switch (major)
        {
            case 1:
                headerLen = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]);
                offset = 10;
                break;
            case 2 or 3:
                if (bytes.Length < 12) throw new DataLossException($"{file}: .npy header is truncated");
                headerLen = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]));
                offset = 12;
                break;
            default:
                throw new DataLossException($"{file}: unsupported .npy format version {major}.{minor} (expected 1.0, 2.0 or 3.0)");
        }
        if (offset + headerLen > bytes.Length)
            throw new DataLossException($"{file}: .npy header claims {headerLen} bytes but the file has {bytes.Length - offset} after the preamble");
        // v1/v2 headers are latin-1, v3 UTF-8; the fields we read are ASCII either way.
        var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(bytes.Slice(offset, headerLen));
        var (descr, fortran, shape) = ParseHeader(header, file);
        if (fortran)
            throw new UnimplementedException($"{file}: Fortran-order .npy arrays are not supported; save it in C order (np.ascontiguousarray)");
        var (dtype, bigEndian) = DescrToDType(descr, file);
        long count = 1;
        foreach (var d in shape) count = checked(count * d);
        long expected = count * dtype.Size();
        var data = bytes[(offset + headerLen)..];
        if (data.Length != expected)
            throw new DataLossException($"{file}: .npy data is {data.Length} bytes, expected {expected} for shape ({string.Join(", ", shape)}) of {descr}");
        var t = HostTensor.Allocate(dtype, shape);
        var dst = t.Buffer is { } buffer ? buffer.Bytes : Span<byte>.Empty;
        data.CopyTo(dst);
        if (bigEndian && dtype.Size() > 1) SwapBytes(dst, dtype.Size());
        if (dtype == DType.Bool)
            foreach (var b in dst)
                if (b > 1) throw new DataLossException($"{file}: bool .npy data holds byte {b}, expected 0 or 1");
        return t;
    }

    /// <summary>Writes a tensor to <paramref name="path"/> via a temporary file in the same folder, renamed over the target when complete.</summary>
    public static void SaveTensor(string path, HostTensor t)
    {
        var bytes = Serialize(t);
        var full = Path.GetFullPath(path);
        var tmp = full + ".tmp" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write))
            {
                fs.Write(bytes);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            if (File.Exists(tmp)) File.Delete(tmp);
            throw;
        }
    }

    public static byte[] Serialize(HostTensor t)
    {
        var descr = t.DType switch
        {
            DType.Float => "<f4",
            DType.Double => "<f8",
            DType.Int32 => "<i4",
            DType.Int64 => "<i8",
            DType.UInt8 => "|u1",
            DType.Bool => "|b1",
            _ => throw new UnimplementedException($".npy writing supports float32, float64, int32, int64, uint8 and bool, not {t.DType.PythonName()}"),
        };
        var dims = t.Dims.ToArray();
        var shape = dims.Length switch
        {
            0 => "()",
            1 => $"({dims[0]},)",
            _ => "(" + string.Join(", ", dims.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")",
        };
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        // NumPy pads with spaces so that preamble + header + '\n' is a multiple of 64, adding a full
        // 64 when it already is (its padlen = 64 − (len % 64)); doing the same keeps our bytes identical.
        int version = 1, pre = 10;
        int total = Padded(pre + dict.Length + 1);
        if (total - pre > ushort.MaxValue)
        {
            version = 2;
            pre = 12;
            total = Padded(pre + dict.Length + 1);
        }
        var header = dict.PadRight(total - pre - 1) + "\n";
        var data = t.Buffer is { } buffer ? buffer.Bytes : Span<byte>.Empty;
        var output = new byte[total + data.Length];
        Magic.CopyTo(output, 0);
        output[6] = (byte)version;
        output[7] = 0;
        if (version == 1) BinaryPrimitives.WriteUInt16LittleEndian(output.AsSpan(8), (ushort)header.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(8), (uint)header.Length);
        Encoding.Latin1.GetBytes(header, output.AsSpan(pre));
        data.CopyTo(output.AsSpan(total));
        return output;
    }

    private static int Padded(int n) => n + 64 - n % 64;

    /// <summary>Reads the three keys of the header dict; the order of keys is free, as in NumPy.</summary>
    private static (string Descr, bool Fortran, long[] Shape) ParseHeader(string header, string file)
    {
        var h = header.Trim().TrimEnd('\0').Trim();
        if (!h.StartsWith('{') || !h.EndsWith('}'))
            throw new DataLossException($"{file}: .npy header is not a dict: {Quote(h)}");
        string? descr = null;
        bool? fortran = null;
        long[]? shape = null;
        int i = 1;
        while (true)
        {
            SkipSpace(h, ref i);
            if (i < h.Length && h[i] == ',') { i++; SkipSpace(h, ref i); }
            if (i >= h.Length || h[i] == '}') break;
            var key = ReadString(h, ref i, file);
            SkipSpace(h, ref i);
            if (i >= h.Length || h[i] != ':') throw new DataLossException($"{file}: .npy header: expected ':' after '{key}'");
            i++;
            SkipSpace(h, ref i);
            switch (key)
            {
                case "descr": descr = ReadString(h, ref i, file); break;
                case "fortran_order":
                    if (string.CompareOrdinal(h, i, "True", 0, 4) == 0) { fortran = true; i += 4; }
                    else if (string.CompareOrdinal(h, i, "False", 0, 5) == 0) { fortran = false; i += 5; }
                    else throw new DataLossException($"{file}: .npy header: fortran_order is not True or False");
                    break;
                case "shape": shape = ReadTuple(h, ref i, file); break;
                default: throw new DataLossException($"{file}: .npy header has an unexpected key '{key}'");
            }
        }
        if (descr == null || fortran == null || shape == null)
            throw new DataLossException($"{file}: .npy header lacks {(descr == null ? "'descr'" : fortran == null ? "'fortran_order'" : "'shape'")}: {Quote(h)}");
        return (descr, fortran.Value, shape);
    }

    private static void SkipSpace(string s, ref int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
    }

    private static string ReadString(string s, ref int i, string file)
    {
        if (i >= s.Length || (s[i] != '\'' && s[i] != '"')) throw new DataLossException($"{file}: .npy header: expected a quoted string at {i}");
        char q = s[i++];
        int end = s.IndexOf(q, i);
        if (end < 0) throw new DataLossException($"{file}: .npy header: unterminated string");
        var v = s[i..end];
        i = end + 1;
        return v;
    }

    private static long[] ReadTuple(string s, ref int i, string file)
    {
        if (i >= s.Length || s[i] != '(') throw new DataLossException($"{file}: .npy header: shape is not a tuple");
        int end = s.IndexOf(')', i);
        if (end < 0) throw new DataLossException($"{file}: .npy header: unterminated shape tuple");
        var parts = s[(i + 1)..end].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        i = end + 1;
        return parts.Select(p => long.TryParse(p.TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d
            : throw new DataLossException($"{file}: .npy header: shape entry '{p}' is not a non-negative integer")).ToArray();
    }

    private static (DType Type, bool BigEndian) DescrToDType(string descr, string file)
    {
        if (descr.Length < 2) throw new DataLossException($"{file}: .npy descr '{descr}' is not a type");
        char order = descr[0];
        var code = order is '<' or '>' or '|' or '=' ? descr[1..] : descr;
        bool big = order == '>';
        DType t = code switch
        {
            "f4" => DType.Float,
            "f8" => DType.Double,
            "i4" => DType.Int32,
            "i8" => DType.Int64,
            "u1" => DType.UInt8,
            "b1" => DType.Bool,
            _ => throw new UnimplementedException($"{file}: .npy dtype '{descr}' is not supported (float32, float64, int32, int64, uint8, bool)"),
        };
        return (t, big);
    }

    private static void SwapBytes(Span<byte> data, int size)
    {
        for (int i = 0; i < data.Length; i += size) data.Slice(i, size).Reverse();
    }

    private static string Quote(string s) => s.Length > 80 ? s[..80] + "…" : s;
}
