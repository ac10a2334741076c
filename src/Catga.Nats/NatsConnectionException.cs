namespace Catga.Nats;

/// <summary>
/// The connection cannot carry the operation: the server could not be reached or refused the client, the link was
/// lost while the operation was in flight, the reconnect buffer is full, or the connection is closed.
/// </summary>
public sealed class NatsConnectionException : NatsException
{
    /// <summary>Creates an error with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public NatsConnectionException(string message) : base(message)
    {
    }

    /// <summary>Creates an error with a message and the error that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public NatsConnectionException(string message, Exception? innerException) : base(message, innerException)
    {
    }
}
