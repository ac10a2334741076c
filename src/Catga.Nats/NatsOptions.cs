using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Catga.Nats;

/// <summary>How a <see cref="NatsConnection"/> connects, authenticates, keeps the link alive and reconnects.</summary>
public sealed record NatsOptions
{
    /// <summary>The servers to try, as <c>nats://host:port</c> or <c>tls://host:port</c>; user info in a URL is used for auth.</summary>
    public IReadOnlyList<string> Servers { get; init; } = ["nats://127.0.0.1:4222"];

    /// <summary>The client name the server shows in monitoring.</summary>
    public string? Name { get; init; }

    /// <summary>Whether the server sends this connection the messages it publishes itself.</summary>
    public bool Echo { get; init; } = true;

    /// <summary>Token for token authentication.</summary>
    public string? Token { get; init; }

    /// <summary>User for user/password authentication.</summary>
    public string? User { get; init; }

    /// <summary>Password for user/password authentication.</summary>
    public string? Password { get; init; }

    /// <summary>Require TLS even when the server does not ask for it.</summary>
    public bool TlsRequired { get; init; }

    /// <summary>A certificate authority to trust for the server's certificate instead of the system store.</summary>
    public X509Certificate2? TlsCaCertificate { get; init; }

    /// <summary>A callback that decides whether the server's certificate is trusted; it overrides <see cref="TlsCaCertificate"/>.</summary>
    public RemoteCertificateValidationCallback? TlsCertificateValidation { get; init; }

    /// <summary>A client certificate with its private key, for servers that verify clients (mutual TLS).</summary>
    public X509Certificate2? TlsClientCertificate { get; init; }

    /// <summary>How long one attempt to connect, including the TLS and CONNECT handshake, may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the client pings the server to detect a dead link.</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How many pings may stay unanswered before the link is declared dead.</summary>
    public int MaxPingsOut { get; init; } = 2;

    /// <summary>The default timeout of <see cref="NatsConnection.RequestAsync"/>.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether the client reconnects after losing the link.</summary>
    public bool AllowReconnect { get; init; } = true;

    /// <summary>How many reconnect attempts in a row are made before the connection closes; negative means no limit.</summary>
    public int MaxReconnectAttempts { get; init; } = -1;

    /// <summary>The first wait between reconnect rounds; it doubles each round up to <see cref="ReconnectWaitMax"/>.</summary>
    public TimeSpan ReconnectWait { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between reconnect rounds.</summary>
    public TimeSpan ReconnectWaitMax { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The largest random time added to every reconnect wait so that clients do not return in lockstep.</summary>
    public TimeSpan ReconnectJitter { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How many bytes of commands may be buffered while reconnecting before publishing fails.</summary>
    public int ReconnectBufferSize { get; init; } = 8 * 1024 * 1024;

    /// <summary>How many messages each subscription queues before it drops new ones as a slow consumer.</summary>
    public int SubscriptionCapacity { get; init; } = 65_536;

    /// <summary>The prefix of reply subjects for requests.</summary>
    public string InboxPrefix { get; init; } = "_INBOX";
}
