namespace Catga.Nats.JetStream;

/// <summary>The stream's acknowledgement of a publish: the message is stored.</summary>
public sealed record PubAck
{
    /// <summary>The stream that stored the message.</summary>
    public required string Stream { get; init; }

    /// <summary>The message's stream sequence.</summary>
    public long Seq { get; init; }

    /// <summary>Whether the <c>Nats-Msg-Id</c> was seen within the duplicate window, so the message was not stored again.</summary>
    public bool Duplicate { get; init; }

    /// <summary>The JetStream domain, if any.</summary>
    public string? Domain { get; init; }
}
