using System.Text.Json.Serialization;

namespace Catga.Nats.JetStream;

/// <summary>The body of $JS.API.CONSUMER.MSG.NEXT.</summary>
internal sealed class PullRequest
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public int Batch { get; init; }

    [JsonConverter(typeof(NanosecondsConverter))]
    public TimeSpan Expires { get; init; }

    public bool NoWait { get; init; }

    public long MaxBytes { get; init; }

    [JsonConverter(typeof(NanosecondsConverter))]
    public TimeSpan IdleHeartbeat { get; init; }
}
