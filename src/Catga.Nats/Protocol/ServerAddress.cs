namespace Catga.Nats.Protocol;

/// <summary>Turns the server strings users configure and servers announce into URIs with a scheme and port.</summary>
internal static class ServerAddress
{
    public const int DefaultPort = 4222;

    public static Uri Parse(string server)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(server);
        var text = server.Contains("://", StringComparison.Ordinal) ? server : "nats://" + server;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("nats" or "tls"))
        {
            throw new ArgumentException($"Server '{server}' is not a nats://host:port or tls://host:port address.", nameof(server));
        }

        return uri.Port > 0 ? uri : new UriBuilder(uri) { Port = DefaultPort }.Uri;
    }

    public static bool SameEndpoint(Uri a, Uri b) =>
        string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;
}
