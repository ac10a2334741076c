namespace Catga.Nats.JetStream;

/// <summary>The JetStream API answered with an error, or a fetch ended with an error status.</summary>
public sealed class NatsJetStreamException : NatsException
{
    /// <summary>Creates the error from the server's answer.</summary>
    /// <param name="code">The HTTP-like status code, e.g. 404.</param>
    /// <param name="errorCode">The JetStream error code, e.g. 10059 for "stream not found"; 0 when absent.</param>
    /// <param name="description">The server's description.</param>
    public NatsJetStreamException(int code, int errorCode, string description)
        : base($"JetStream error {code} ({errorCode}): {description}")
    {
        Code = code;
        ErrorCode = errorCode;
        Description = description;
    }

    /// <summary>The HTTP-like status code, e.g. 404.</summary>
    public int Code { get; }

    /// <summary>The JetStream error code, e.g. 10059 for "stream not found"; 0 when absent.</summary>
    public int ErrorCode { get; }

    /// <summary>The server's description.</summary>
    public string Description { get; }
}
