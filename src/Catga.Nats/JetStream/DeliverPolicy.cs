using System.Text.Json.Serialization;

namespace Catga.Nats.JetStream;

/// <summary>Where a new consumer starts in its stream.</summary>
public enum DeliverPolicy
{
    /// <summary>From the first message.</summary>
    [JsonStringEnumMemberName("all")]
    All,

    /// <summary>From the last message.</summary>
    [JsonStringEnumMemberName("last")]
    Last,

    /// <summary>Only messages published after the consumer was created.</summary>
    [JsonStringEnumMemberName("new")]
    New,

    /// <summary>From <see cref="ConsumerConfig.OptStartSeq"/>.</summary>
    [JsonStringEnumMemberName("by_start_sequence")]
    ByStartSequence,

    /// <summary>From a start time set by another client; read-only here.</summary>
    [JsonStringEnumMemberName("by_start_time")]
    ByStartTime,

    /// <summary>The last message of each subject.</summary>
    [JsonStringEnumMemberName("last_per_subject")]
    LastPerSubject,
}
