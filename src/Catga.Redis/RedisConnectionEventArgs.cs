namespace Catga.Redis;

/// <summary>Describes a change of a connection's state.</summary>
public sealed class RedisConnectionEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="endpoint">The server, as host:port.</param>
    /// <param name="connectionName">Which of the client's connections changed: "shared" or "subscriber".</param>
    /// <param name="exception">Why the connection failed; null when it was restored.</param>
    public RedisConnectionEventArgs(string endpoint, string connectionName, Exception? exception)
    {
        Endpoint = endpoint;
        ConnectionName = connectionName;
        Exception = exception;
    }

    /// <summary>The server, as host:port.</summary>
    public string Endpoint { get; }

    /// <summary>Which of the client's connections changed: "shared" or "subscriber".</summary>
    public string ConnectionName { get; }

    /// <summary>Why the connection failed; null when it was restored.</summary>
    public Exception? Exception { get; }
}
