namespace Catga.Nats.JetStream;

/// <summary>How much a fetch asks for and how long it waits.</summary>
public sealed record FetchOptions
{
    /// <summary>The most messages to return.</summary>
    public int MaxMessages { get; init; } = 10;

    /// <summary>How long the server holds the request open waiting for messages.</summary>
    public TimeSpan Expires { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Return at once with what is available instead of waiting.</summary>
    public bool NoWait { get; init; }

    /// <summary>The most bytes to return; 0 for no limit.</summary>
    public long MaxBytes { get; init; }

    /// <summary>
    /// Ask the server for an idle heartbeat (status 100) at this interval while the request waits; zero for none.
    /// Heartbeats are skipped by the fetch; they keep a long-waiting request distinguishable from a dead link.
    /// </summary>
    public TimeSpan IdleHeartbeat { get; init; }
}
