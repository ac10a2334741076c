namespace Catga.Redis;

/// <summary>
/// The server sent bytes that are not valid RESP, or that exceed a configured <see cref="RedisProtocolLimits"/>.
/// The connection that received them is closed and re-established.
/// </summary>
public sealed class RedisProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong with the input.</param>
    public RedisProtocolException(string message)
        : base(message)
    {
    }
}
