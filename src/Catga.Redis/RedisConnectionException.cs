namespace Catga.Redis;

/// <summary>
/// The connection could not be established, or was lost before the reply to a command arrived. A command failed with
/// this exception after it was written may or may not have been executed by the server.
/// </summary>
public sealed class RedisConnectionException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What happened to the connection.</param>
    /// <param name="innerException">The underlying socket, TLS or protocol error, if any.</param>
    public RedisConnectionException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
