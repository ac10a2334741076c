using System.Text.Json.Serialization;

namespace Catga.Nats.JetStream;

/// <summary>How a consumer expects messages to be acknowledged.</summary>
public enum AckPolicy
{
    /// <summary>Every message is acknowledged on its own.</summary>
    [JsonStringEnumMemberName("explicit")]
    Explicit,

    /// <summary>No acknowledgement; delivery is at most once.</summary>
    [JsonStringEnumMemberName("none")]
    None,

    /// <summary>Acknowledging a message acknowledges every earlier one.</summary>
    [JsonStringEnumMemberName("all")]
    All,
}
