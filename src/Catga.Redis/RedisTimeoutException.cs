namespace Catga.Redis;

/// <summary>A command's reply did not arrive within <see cref="RedisOptions.CommandTimeout"/>.</summary>
public sealed class RedisTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which wait timed out.</param>
    public RedisTimeoutException(string message)
        : base(message)
    {
    }
}
