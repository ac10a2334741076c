namespace Catga.Nats.JetStream;

/// <summary>Headers JetStream understands on a publish: de-duplication and optimistic concurrency.</summary>
public sealed record JetStreamPublishOptions
{
    /// <summary>A unique id; a second publish with it within the duplicate window is acknowledged but not stored.</summary>
    public string? MsgId { get; init; }

    /// <summary>The stream that must store the message.</summary>
    public string? ExpectedStream { get; init; }

    /// <summary>The stream's last sequence must be this, or the publish is rejected.</summary>
    public long? ExpectedLastSequence { get; init; }

    /// <summary>The last sequence on this subject must be this, or the publish is rejected.</summary>
    public long? ExpectedLastSubjectSequence { get; init; }

    /// <summary>The stream's last message id must be this, or the publish is rejected.</summary>
    public string? ExpectedLastMsgId { get; init; }
}
