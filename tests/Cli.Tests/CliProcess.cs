using System.Diagnostics;

namespace GraphEngine.Cli.Tests;

/// <summary>Runs the built tool as a separate process (stdout/stderr redirected, so it prints plain text).</summary>
internal static class CliProcess
{
    public static (int rc, string stdout, string stderr) Tool(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "GraphEngine.Cli.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEnd();
        if (!p.WaitForExit(120_000)) { p.Kill(true); Assert.Fail("graphengine did not finish within 120 s: " + string.Join(' ', args)); }
        return (p.ExitCode, o.Result, e);
    }

    /// <summary>Exit code 0, returning stdout; a failure message shows stderr.</summary>
    public static string Ok(params string[] args)
    {
        var (rc, stdout, stderr) = Tool(args);
        Assert.AreEqual(0, rc, $"graphengine {string.Join(' ', args)} failed: {stderr}");
        return stdout;
    }

    /// <summary>Exit code <paramref name="expected"/> with exactly one line on stderr, returned.</summary>
    public static string Fails(int expected, params string[] args)
    {
        var (rc, _, stderr) = Tool(args);
        Assert.AreEqual(expected, rc, $"graphengine {string.Join(' ', args)}: stderr {stderr}");
        var lines = stderr.Trim().Split('\n');
        Assert.AreEqual(1, lines.Length, "one error line expected, got: " + stderr);
        StringAssert.StartsWith(lines[0], "error: ");
        return lines[0];
    }

    public static string TempDir() => Directory.CreateTempSubdirectory("ge-cli-").FullName;
}
