using System.Text.Json.Serialization;

namespace Catga.Nats.JetStream;

/// <summary>The configuration of a durable pull consumer (nats-server 2.9 fields). Zero values take the server's default.</summary>
public sealed record ConsumerConfig
{
    /// <summary>The durable name; the consumer survives restarts and disconnects.</summary>
    public required string DurableName { get; init; }

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>Where the consumer starts.</summary>
    public DeliverPolicy DeliverPolicy { get; init; }

    /// <summary>The first stream sequence for <see cref="DeliverPolicy.ByStartSequence"/>.</summary>
    public long OptStartSeq { get; init; }

    /// <summary>How messages are acknowledged.</summary>
    /// <remarks>Always sent: the server's default when the field is missing is "none", not "explicit".</remarks>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public AckPolicy AckPolicy { get; init; }

    /// <summary>How long the server waits for an ack before redelivering; zero for the server's 30 s.</summary>
    [JsonConverter(typeof(NanosecondsConverter))]
    public TimeSpan AckWait { get; init; }

    /// <summary>How often a message is delivered at most; 0 for no limit.</summary>
    public int MaxDeliver { get; init; }

    /// <summary>Redelivery delays by attempt, replacing <see cref="AckWait"/>; needs <see cref="MaxDeliver"/> above its length.</summary>
    [JsonConverter(typeof(NanosecondsArrayConverter))]
    public TimeSpan[]? Backoff { get; init; }

    /// <summary>Only messages on this subject are delivered.</summary>
    public string? FilterSubject { get; init; }

    /// <summary>The most pull requests waiting at once; 0 for the server's 512.</summary>
    public int MaxWaiting { get; init; }

    /// <summary>The most unacknowledged messages; 0 for the server's 1000.</summary>
    public int MaxAckPending { get; init; }
}
