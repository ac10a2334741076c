using System.Text.Json.Serialization;

namespace Catga.Nats.JetStream;

/// <summary>What a full stream does with a new message.</summary>
public enum StreamDiscard
{
    /// <summary>Remove the oldest messages to make room.</summary>
    [JsonStringEnumMemberName("old")]
    Old,

    /// <summary>Reject the new message.</summary>
    [JsonStringEnumMemberName("new")]
    New,
}
