namespace Catga.Redis;

/// <summary>Where and how to connect.</summary>
public sealed class RedisOptions
{
    /// <summary>The server host name or address. Default 127.0.0.1.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The server port. Default 6379.</summary>
    public int Port { get; init; } = 6379;

    /// <summary>The ACL user name; the default user when null.</summary>
    public string? User { get; init; }

    /// <summary>The password (of <see cref="User"/>, or requirepass); no AUTH when null.</summary>
    public string? Password { get; init; }

    /// <summary>The database selected after connecting. Default 0.</summary>
    public int Database { get; init; }

    /// <summary>The name set with CLIENT SETNAME, shown by CLIENT LIST; none when null.</summary>
    public string? ClientName { get; init; }

    /// <summary>The protocol to ask for. RESP3 falls back to RESP2 when the server does not know HELLO 3.</summary>
    public RedisProtocolVersion Protocol { get; init; } = RedisProtocolVersion.Resp3;

    /// <summary>TLS settings; plain TCP when null.</summary>
    public RedisTlsOptions? Tls { get; init; }

    /// <summary>How long establishing a connection, including TLS and the handshake, may take. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a command waits for its reply (and for a reconnect) before it fails. Default 5 s.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Commands written but not yet answered on the shared connection. Further callers wait for a slot, which turns
    /// a slow server into backpressure instead of unbounded buffering. Default 65536.
    /// </summary>
    public int MaxPendingCommands { get; init; } = 65536;

    /// <summary>The first delay before reconnecting; doubled after each failed attempt. Default 50 ms.</summary>
    public TimeSpan ReconnectMinDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The longest delay between reconnect attempts. Default 5 s.</summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Idle dedicated connections kept for blocking commands (BLPOP, XREADGROUP BLOCK). Default 4.</summary>
    public int MaxIdleBlockingConnections { get; init; } = 4;

    /// <summary>
    /// How many unread messages each pub/sub subscription buffers. When full, the oldest message is dropped and
    /// counted in <see cref="PubSub.RedisSubscription.DroppedMessages"/>. Null (the default) buffers without bound,
    /// so a subscriber that stops reading grows memory instead of losing messages.
    /// </summary>
    public int? SubscriptionBufferCapacity { get; init; }

    /// <summary>Bounds on what the server may send.</summary>
    public RedisProtocolLimits Limits { get; init; } = RedisProtocolLimits.Default;

    internal string Endpoint => $"{Host}:{Port}";

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Host, nameof(Host));
        ArgumentOutOfRangeException.ThrowIfLessThan(Port, 1, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfNegative(Database, nameof(Database));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingCommands, 1, nameof(MaxPendingCommands));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CommandTimeout, TimeSpan.Zero, nameof(CommandTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
        ArgumentNullException.ThrowIfNull(Limits, nameof(Limits));
        if (SubscriptionBufferCapacity is { } capacity)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1, nameof(SubscriptionBufferCapacity));
        }
    }
}
