using System.Text.Json.Serialization;

namespace Catga.Nats.Protocol;

/// <summary>Source-generated JSON for the core protocol, so parsing INFO needs no reflection and stays trim-safe.</summary>
[JsonSerializable(typeof(ServerInfo))]
internal sealed partial class ProtocolJsonContext : JsonSerializerContext
{
}
