using NATS.Client.Core;

namespace Catga.Transport.Nats;

/// <summary>Checks the client options Catga is handed before a connection is made from them, so a bad value fails at
/// start-up naming the option instead of surfacing later as a hang or an obscure client error.</summary>
internal static class NatsOptsValidator
{
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(1);

    public static void Validate(NatsOpts opts)
    {
        if (string.IsNullOrWhiteSpace(opts.Url))
        {
            throw Bad(nameof(NatsOpts.Url), "it is empty; give one or more server URLs separated by ',' (for example nats://127.0.0.1:4222)");
        }

        foreach (var part in opts.Url.Split(','))
        {
            var url = part.Trim();
            var withScheme = url.Contains("://", StringComparison.Ordinal) ? url : "nats://" + url;
            if (url.Length == 0 || !Uri.TryCreate(withScheme, UriKind.Absolute, out var uri) || uri.Host.Length == 0
                || uri.Scheme is not ("nats" or "tls" or "ws" or "wss"))
            {
                throw Bad(nameof(NatsOpts.Url), $"'{url}' is not a server URL (nats://host:port, tls://host:port, ws:// or wss://)");
            }
        }

        Positive(opts.ConnectTimeout, nameof(NatsOpts.ConnectTimeout));
        Positive(opts.RequestTimeout, nameof(NatsOpts.RequestTimeout));
        Positive(opts.CommandTimeout, nameof(NatsOpts.CommandTimeout));
        if (opts.ReconnectWaitMin < TimeSpan.Zero || opts.ReconnectWaitMin > MaxTimeout)
        {
            throw Bad(nameof(NatsOpts.ReconnectWaitMin), $"{opts.ReconnectWaitMin} must be between zero and {MaxTimeout}");
        }

        if (opts.ReconnectWaitMax < TimeSpan.Zero || opts.ReconnectWaitMax > MaxTimeout)
        {
            throw Bad(nameof(NatsOpts.ReconnectWaitMax), $"{opts.ReconnectWaitMax} must be between zero and {MaxTimeout}");
        }

        if (opts.ReconnectJitter < TimeSpan.Zero || opts.ReconnectJitter > MaxTimeout)
        {
            throw Bad(nameof(NatsOpts.ReconnectJitter), $"{opts.ReconnectJitter} must be between zero and {MaxTimeout}");
        }

        if (opts.MaxReconnectRetry < -1)
        {
            throw Bad(nameof(NatsOpts.MaxReconnectRetry), $"{opts.MaxReconnectRetry} must be -1 (no limit) or more");
        }

        Positive(opts.PingInterval, nameof(NatsOpts.PingInterval));
        if (opts.MaxPingOut < 1)
        {
            throw Bad(nameof(NatsOpts.MaxPingOut), $"{opts.MaxPingOut} must be at least 1");
        }

        if (opts.SubPendingChannelCapacity < 1)
        {
            throw Bad(nameof(NatsOpts.SubPendingChannelCapacity), $"{opts.SubPendingChannelCapacity} must be at least 1");
        }

        if (opts.WriterBufferSize < 1 || opts.ReaderBufferSize < 1)
        {
            throw Bad(opts.WriterBufferSize < 1 ? nameof(NatsOpts.WriterBufferSize) : nameof(NatsOpts.ReaderBufferSize), "must be at least 1");
        }

        if (opts.MaxPayloadHardCap is < 1024 or > 64 * 1024 * 1024)
        {
            throw Bad(nameof(NatsOpts.MaxPayloadHardCap), $"{opts.MaxPayloadHardCap} must be between 1024 and 67108864 (64 MiB, the server's hard limit)");
        }

        if (string.IsNullOrWhiteSpace(opts.InboxPrefix) || opts.InboxPrefix.AsSpan().IndexOfAny(" \t\r\n*>") >= 0)
        {
            throw Bad(nameof(NatsOpts.InboxPrefix), $"'{opts.InboxPrefix}' must be a subject without whitespace or wildcards");
        }
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero || value > MaxTimeout)
        {
            throw Bad(name, $"{value} must be positive and at most {MaxTimeout}");
        }
    }

    private static ArgumentException Bad(string option, string problem) => new($"NatsOpts.{option}: {problem}.", option);
}
