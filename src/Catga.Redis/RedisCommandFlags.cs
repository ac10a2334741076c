namespace Catga.Redis;

/// <summary>How a command is treated when the connection fails under it.</summary>
[Flags]
public enum RedisCommandFlags
{
    /// <summary>A command lost with its connection fails with <see cref="RedisConnectionException"/>.</summary>
    None = 0,

    /// <summary>
    /// The command is safe to execute twice (a read, or an idempotent write): when its connection is lost before the
    /// reply arrives, it is sent once more on the re-established connection instead of failing.
    /// </summary>
    RetryOnReconnect = 1,
}
