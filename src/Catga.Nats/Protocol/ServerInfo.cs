using System.Text.Json.Serialization;

namespace Catga.Nats.Protocol;

/// <summary>The fields of the server's INFO that the client uses.</summary>
internal sealed class ServerInfo
{
    [JsonPropertyName("server_id")]
    public string? ServerId { get; set; }

    [JsonPropertyName("server_name")]
    public string? ServerName { get; set; }

    [JsonPropertyName("version")]
    public string? Version { get; set; }

    [JsonPropertyName("proto")]
    public int Proto { get; set; }

    [JsonPropertyName("headers")]
    public bool Headers { get; set; }

    [JsonPropertyName("max_payload")]
    public long MaxPayload { get; set; } = 1024 * 1024;

    [JsonPropertyName("auth_required")]
    public bool AuthRequired { get; set; }

    [JsonPropertyName("tls_required")]
    public bool TlsRequired { get; set; }

    [JsonPropertyName("connect_urls")]
    public string[]? ConnectUrls { get; set; }

    [JsonPropertyName("jetstream")]
    public bool JetStream { get; set; }

    [JsonPropertyName("client_id")]
    public ulong ClientId { get; set; }
}
