using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace GraphEngine;

/// <summary>
/// Where user code built a node ("Train.cs:12"), kept on the node for error messages. Facade methods
/// pass [CallerFilePath]/[CallerLineNumber] (free at run time); the outermost facade call wins, so
/// helper ops built inside tf.random_normal point at the user's line, not ours. Code without caller
/// info (C# operators) falls back to the first stack frame outside this assembly.
/// </summary>
internal static class CallSite
{
    [ThreadStatic] private static string? _current;
    [ThreadStatic] private static int _depth;

    public readonly struct Scope : IDisposable
    {
        private readonly bool _owner;

        internal Scope(bool owner) => _owner = owner;

        public void Dispose()
        {
            _depth--;
            if (_owner) _current = null;
        }
    }

    public static Scope Enter(string file, int line)
    {
        _depth++;
        if (_current != null || string.IsNullOrEmpty(file) || file.StartsWith(OwnSourceDir, StringComparison.Ordinal)) return new Scope(false);
        _current = $"{Path.GetFileName(file)}:{line}";
        return new Scope(true);
    }

    public static string? Current => _current ?? FromStack();

    // Facade methods called from inside the library pass our own source paths; those are never the user's line.
    private static readonly string OwnSourceDir = Path.GetDirectoryName(Path.GetDirectoryName(ThisFile())!)! + Path.DirectorySeparatorChar;

    private static string ThisFile([CallerFilePath] string file = "") => file;

    private static readonly System.Reflection.Assembly Self = typeof(CallSite).Assembly;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string? FromStack()
    {
        var trace = new StackTrace(2, fNeedFileInfo: true);
        foreach (var frame in trace.GetFrames())
        {
            var method = frame.GetMethod();
            if (method?.DeclaringType?.Assembly == Self) continue;
            var file = frame.GetFileName();
            return file == null ? method?.DeclaringType?.Name + "." + method?.Name : $"{Path.GetFileName(file)}:{frame.GetFileLineNumber()}";
        }
        return null;
    }
}
