using System.Text.Json.Serialization;

namespace Catga.Nats.JetStream;

/// <summary>
/// Source-generated JSON for the JetStream API: no reflection, so the client stays trim- and AOT-safe.
/// Field names follow the server's snake_case; zero values are omitted so the server applies its defaults.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ApiResponse))]
[JsonSerializable(typeof(StreamConfig))]
[JsonSerializable(typeof(StreamInfo))]
[JsonSerializable(typeof(ConsumerCreateRequest))]
[JsonSerializable(typeof(ConsumerInfo))]
[JsonSerializable(typeof(PubAck))]
[JsonSerializable(typeof(AccountInfo))]
[JsonSerializable(typeof(PullRequest))]
internal sealed partial class JetStreamJsonContext : JsonSerializerContext
{
}
