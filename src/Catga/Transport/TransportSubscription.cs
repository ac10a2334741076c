namespace Catga.Transport;

/// <summary>What to consume and how: the destination, the consumer group, concurrency and batching.</summary>
public sealed class TransportSubscription
{
    /// <summary>Creates a subscription.</summary>
    /// <param name="destination">The logical destination (for Catga, the message type's wire name).</param>
    /// <param name="group">The consumer group (the service name): consumers in one group compete for messages; each
    /// group gets its own copy of a broadcast message. Durable transports keep the group's position across restarts.</param>
    /// <param name="mode">Broadcast (events) or competing (commands).</param>
    public TransportSubscription(string destination, string group, SubscriptionMode mode)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentException.ThrowIfNullOrEmpty(group);
        Destination = destination;
        Group = group;
        Mode = mode;
    }

    /// <summary>The logical destination.</summary>
    public string Destination { get; }

    /// <summary>The consumer group.</summary>
    public string Group { get; }

    /// <summary>Broadcast or competing.</summary>
    public SubscriptionMode Mode { get; }

    /// <summary>At most this many messages are handled at once by this subscription (default 1: in order).</summary>
    public int MaxConcurrency { get; init; } = 1;

    /// <summary>At most this many messages are fetched from the server in one round trip (default 64).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>How long one fetch waits for a batch to fill (default 100 ms); a partial batch is delivered then.</summary>
    public TimeSpan BatchWait { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a delivered message may stay unsettled before a durable transport hands it to another
    /// consumer (JetStream ack wait; Redis pending-entry reclaim idle time). Default 30 s.</summary>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
