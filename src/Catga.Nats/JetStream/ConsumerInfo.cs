namespace Catga.Nats.JetStream;

/// <summary>A consumer's configuration and progress, as the server reports them.</summary>
public sealed record ConsumerInfo
{
    /// <summary>The stream the consumer reads.</summary>
    public required string StreamName { get; init; }

    /// <summary>The consumer name.</summary>
    public required string Name { get; init; }

    /// <summary>The configuration, with the server's defaults filled in.</summary>
    public required ConsumerConfig Config { get; init; }

    /// <summary>The last delivered position.</summary>
    public SequenceInfo? Delivered { get; init; }

    /// <summary>The position up to which everything is acknowledged.</summary>
    public SequenceInfo? AckFloor { get; init; }

    /// <summary>Messages delivered and not acknowledged yet.</summary>
    public long NumAckPending { get; init; }

    /// <summary>Messages delivered more than once.</summary>
    public long NumRedelivered { get; init; }

    /// <summary>Pull requests waiting.</summary>
    public long NumWaiting { get; init; }

    /// <summary>Messages not delivered yet.</summary>
    public long NumPending { get; init; }
}
