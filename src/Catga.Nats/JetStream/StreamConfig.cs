using System.Text.Json.Serialization;

namespace Catga.Nats.JetStream;

/// <summary>The configuration of a stream (nats-server 2.9 fields). Zero values are omitted and take the server's default.</summary>
public sealed record StreamConfig
{
    /// <summary>The stream name: no whitespace, '.', '*' or '>'.</summary>
    public required string Name { get; init; }

    /// <summary>The subjects the stream stores; wildcards allowed.</summary>
    public IReadOnlyList<string>? Subjects { get; init; }

    /// <summary>When messages are removed.</summary>
    public StreamRetention Retention { get; init; }

    /// <summary>Where messages are kept.</summary>
    public StreamStorage Storage { get; init; }

    /// <summary>What a full stream does with a new message.</summary>
    public StreamDiscard Discard { get; init; }

    /// <summary>The most messages kept; 0 for no limit.</summary>
    public long MaxMsgs { get; init; }

    /// <summary>The most bytes kept; 0 for no limit.</summary>
    public long MaxBytes { get; init; }

    /// <summary>The oldest a message may get; zero for no limit.</summary>
    [JsonConverter(typeof(NanosecondsConverter))]
    public TimeSpan MaxAge { get; init; }

    /// <summary>The largest message accepted; 0 for the server's limit.</summary>
    public int MaxMsgSize { get; init; }

    /// <summary>The most messages kept per subject; 0 for no limit.</summary>
    public long MaxMsgsPerSubject { get; init; }

    /// <summary>How many replicas; 0 for the default of 1.</summary>
    public int NumReplicas { get; init; }

    /// <summary>How long a <c>Nats-Msg-Id</c> is remembered for de-duplication; zero for the server's 2 minutes.</summary>
    [JsonConverter(typeof(NanosecondsConverter))]
    public TimeSpan DuplicateWindow { get; init; }

    /// <summary>Whether publishes are not acknowledged.</summary>
    public bool NoAck { get; init; }

    /// <summary>Whether messages cannot be deleted.</summary>
    public bool DenyDelete { get; init; }

    /// <summary>Whether the stream cannot be purged.</summary>
    public bool DenyPurge { get; init; }
}
