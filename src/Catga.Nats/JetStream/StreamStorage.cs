using System.Text.Json.Serialization;

namespace Catga.Nats.JetStream;

/// <summary>Where a stream keeps its messages.</summary>
public enum StreamStorage
{
    /// <summary>On disk; survives a server restart.</summary>
    [JsonStringEnumMemberName("file")]
    File,

    /// <summary>In memory.</summary>
    [JsonStringEnumMemberName("memory")]
    Memory,
}
