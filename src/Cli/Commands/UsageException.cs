namespace GraphEngine.Cli.Commands;

/// <summary>A malformed command line detected after parsing (e.g. a NAME=VALUE pair without '='): exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
