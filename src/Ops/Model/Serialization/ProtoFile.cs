using System.Text;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Model.TextFormat;
using Google.Protobuf;

namespace GraphEngine.Ops.Model.Serialization;

/// <summary>
/// Reading and writing any of our TF protos as files, binary or text, with typed errors naming the
/// file, and atomic writes (temp file + rename) so a crash never leaves a half-written file.
/// </summary>
public static class ProtoFile
{
    /// <summary>Parses binary protobuf; corrupt data is a DataLossException naming <paramref name="source"/>.</summary>
    public static T ParseBinary<T>(byte[] data, string source) where T : IMessage<T>, new()
    {
        try
        {
            var msg = new T();
            msg.MergeFrom(data);
            return msg;
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new DataLossException($"{source}: not a valid binary {new T().Descriptor.FullName} ({data.Length} bytes): {e.Message}", e);
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or InvalidCastException or OverflowException)
        {
            // Google.Protobuf reports nearly all damage as InvalidProtocolBufferException; anything else is damage too.
            throw new DataLossException($"{source}: not a valid binary {new T().Descriptor.FullName} ({data.Length} bytes): {e.Message}", e);
        }
        catch (OutOfMemoryException e)
        {
            throw new ResourceExhaustedException($"{source}: out of memory while parsing {data.Length} bytes as {new T().Descriptor.FullName}.", e);
        }
    }

    public static T ReadBinary<T>(string path) where T : IMessage<T>, new() => ParseBinary<T>(ReadAll(path), path);

    public static T ReadText<T>(string path) where T : IMessage<T>, new() => ProtoText.Parse<T>(ReadAll(path), path);

    /// <summary>Reads binary or text, whatever the file name says (TF writes text GraphDefs named .pb too).</summary>
    public static T Read<T>(string path) where T : IMessage<T>, new()
    {
        var data = ReadAll(path);
        return LooksLikeText(data) ? ProtoText.Parse<T>(data, path) : ParseBinary<T>(data, path);
    }

    /// <summary>
    /// Text when the first meaningful byte is a letter or '#' and the head has no control bytes
    /// other than whitespace. Binary messages start with a field tag; a letter there would be a
    /// field number with wire type 1/3/4/5/6/7 at field ≥ 8, which TF's top-level messages never start with.
    /// </summary>
    public static bool LooksLikeText(ReadOnlySpan<byte> data)
    {
        var head = data[..System.Math.Min(data.Length, 4096)];
        int i = 0;
        while (i < head.Length && head[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') i++;
        if (i == head.Length) return data.Length > 0;
        byte first = head[i];
        bool letter = (first | 0x20) >= 'a' && (first | 0x20) <= 'z' || first == '#' || first == '_';
        if (!letter) return false;
        foreach (byte b in head)
            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r')) return false;
        return true;
    }

    public static void WriteBinary(IMessage message, string path) => WriteAtomic(path, message.ToByteArray());

    public static void WriteText(IMessage message, string path, TextFloatStyle floats = TextFloatStyle.Cpp) =>
        WriteAtomic(path, Encoding.UTF8.GetBytes(ProtoText.Print(message, floats)));

    /// <summary>Writes to a temporary file beside <paramref name="path"/>, then renames it over the target.</summary>
    public static void WriteAtomic(string path, ReadOnlySpan<byte> data)
    {
        var full = Path.GetFullPath(path);
        var tmp = Path.Combine(Path.GetDirectoryName(full) ?? ".", $".{Path.GetFileName(full)}.tmp{Environment.ProcessId}.{Guid.NewGuid():N}");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write))
            {
                fs.Write(data);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(tmp);
            throw new FailedPreconditionException($"{path}: could not write file: {e.Message}", e);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { /* best effort: the target file is untouched either way */ }
        catch (UnauthorizedAccessException) { }
    }

    private static byte[] ReadAll(string path)
    {
        try { return File.ReadAllBytes(path); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new NotFoundException($"{path}: file not found.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FailedPreconditionException($"{path}: could not read file: {e.Message}", e);
        }
    }
}
