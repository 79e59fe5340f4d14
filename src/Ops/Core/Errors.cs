namespace GraphEngine.Ops.Core;

/// <summary>TensorFlow's canonical error codes (error_codes.proto), numbered as TF numbers them.</summary>
public enum ErrorCode
{
    Cancelled = 1,
    Unknown = 2,
    InvalidArgument = 3,
    DeadlineExceeded = 4,
    NotFound = 5,
    AlreadyExists = 6,
    PermissionDenied = 7,
    ResourceExhausted = 8,
    FailedPrecondition = 9,
    Aborted = 10,
    OutOfRange = 11,
    Unimplemented = 12,
    Internal = 13,
    Unavailable = 14,
    DataLoss = 15,
}

/// <summary>Base of every error the engine raises on purpose. The subclass names follow TF's error codes.</summary>
public abstract class GraphEngineException : Exception
{
    protected GraphEngineException(ErrorCode code, string message, Exception? inner = null) : base(message, inner)
    {
        Code = code;
    }

    public ErrorCode Code { get; }

    /// <summary>The node the error was raised for, when it comes from an op (TF's OpError.node_def.name).</summary>
    public string? NodeName { get; private set; }

    /// <summary>The op type of that node.</summary>
    public string? OpType { get; private set; }

    /// <summary>Where the node was created in user code ("File.cs:12"), when known.</summary>
    public string? DefinedAt { get; private set; }

    /// <summary>The message without the node annotation.</summary>
    public string BaseMessage => _baseMessage ?? base.Message;

    private string? _baseMessage;
    private string? _annotated;

    public override string Message => _annotated ?? base.Message;

    /// <summary>Attaches the node context TF prints after op errors: <c>[[node x (defined at File.cs:12) ]]</c>.</summary>
    public GraphEngineException WithNode(string nodeName, string opType, string? definedAt)
    {
        if (NodeName != null) return this;
        NodeName = nodeName;
        OpType = opType;
        DefinedAt = definedAt;
        _baseMessage = base.Message;
        var where = string.IsNullOrEmpty(definedAt) ? "" : $" (defined at {definedAt})";
        _annotated = $"{base.Message}\n\t [[node {nodeName} (op: {opType}){where} ]]";
        return this;
    }

    public static GraphEngineException Create(ErrorCode code, string message, Exception? inner = null) => code switch
    {
        ErrorCode.InvalidArgument => new InvalidArgumentException(message, inner),
        ErrorCode.NotFound => new NotFoundException(message, inner),
        ErrorCode.AlreadyExists => new AlreadyExistsException(message, inner),
        ErrorCode.FailedPrecondition => new FailedPreconditionException(message, inner),
        ErrorCode.OutOfRange => new OutOfRangeException(message, inner),
        ErrorCode.Unimplemented => new UnimplementedException(message, inner),
        ErrorCode.DataLoss => new DataLossException(message, inner),
        ErrorCode.ResourceExhausted => new ResourceExhaustedException(message, inner),
        ErrorCode.DeadlineExceeded => new DeadlineExceededException(message, inner),
        ErrorCode.Cancelled => new CancelledException(message, inner),
        ErrorCode.Aborted => new AbortedException(message, inner),
        _ => new InternalException(message, inner),
    };
}

public sealed class InvalidArgumentException(string message, Exception? inner = null)
    : GraphEngineException(ErrorCode.InvalidArgument, message, inner);

public sealed class NotFoundException(string message, Exception? inner = null)
    : GraphEngineException(ErrorCode.NotFound, message, inner);

public sealed class AlreadyExistsException(string message, Exception? inner = null)
    : GraphEngineException(ErrorCode.AlreadyExists, message, inner);

public sealed class FailedPreconditionException(string message, Exception? inner = null)
    : GraphEngineException(ErrorCode.FailedPrecondition, message, inner);

public sealed class OutOfRangeException(string message, Exception? inner = null)
    : GraphEngineException(ErrorCode.OutOfRange, message, inner);

public sealed class UnimplementedException(string message, Exception? inner = null)
    : GraphEngineException(ErrorCode.Unimplemented, message, inner);

public sealed class DataLossException(string message, Exception? inner = null)
    : GraphEngineException(ErrorCode.DataLoss, message, inner);

public sealed class ResourceExhaustedException(string message, Exception? inner = null)
    : GraphEngineException(ErrorCode.ResourceExhausted, message, inner);

public sealed class DeadlineExceededException(string message, Exception? inner = null)
    : GraphEngineException(ErrorCode.DeadlineExceeded, message, inner);

public sealed class CancelledException(string message, Exception? inner = null)
    : GraphEngineException(ErrorCode.Cancelled, message, inner);

public sealed class AbortedException(string message, Exception? inner = null)
    : GraphEngineException(ErrorCode.Aborted, message, inner);

public sealed class InternalException(string message, Exception? inner = null)
    : GraphEngineException(ErrorCode.Internal, message, inner);
