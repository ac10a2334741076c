namespace Catga.Nats;

/// <summary>A request or a flush received no answer within its timeout.</summary>
public sealed class NatsTimeoutException : NatsException
{
    /// <summary>Creates the error for an operation and its timeout.</summary>
    /// <param name="operation">What timed out, e.g. the request subject.</param>
    /// <param name="timeout">The timeout that elapsed.</param>
    public NatsTimeoutException(string operation, TimeSpan timeout)
        : base($"{operation} received no answer within {timeout.TotalMilliseconds:0} ms.")
    {
        Timeout = timeout;
    }

    /// <summary>The timeout that elapsed.</summary>
    public TimeSpan Timeout { get; }
}
