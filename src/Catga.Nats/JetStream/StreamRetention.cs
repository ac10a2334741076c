using System.Text.Json.Serialization;

namespace Catga.Nats.JetStream;

/// <summary>When a stream removes messages.</summary>
public enum StreamRetention
{
    /// <summary>Keep messages until a limit (count, bytes, age) is reached.</summary>
    [JsonStringEnumMemberName("limits")]
    Limits,

    /// <summary>Keep messages while a consumer is interested in them.</summary>
    [JsonStringEnumMemberName("interest")]
    Interest,

    /// <summary>Remove each message once it is acknowledged.</summary>
    [JsonStringEnumMemberName("workqueue")]
    WorkQueue,
}
