namespace Catga.Redis;

/// <summary>The server answered a command with an error reply (for example <c>ERR</c>, <c>WRONGTYPE</c>, <c>NOSCRIPT</c>).</summary>
public sealed class RedisServerException : Exception
{
    /// <summary>Creates the exception from the server's error text.</summary>
    /// <param name="message">The error text as sent by the server, starting with its error code.</param>
    public RedisServerException(string message)
        : base(message)
    {
        int space = message.IndexOf(' ', StringComparison.Ordinal);
        ErrorCode = space < 0 ? message : message[..space];
    }

    /// <summary>The first word of the error, such as ERR, WRONGTYPE, NOSCRIPT, BUSYGROUP or WRONGPASS.</summary>
    public string ErrorCode { get; }
}
