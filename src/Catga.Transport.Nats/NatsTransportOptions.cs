using NATS.Client.JetStream.Models;

namespace Catga.Transport.Nats;

/// <summary>Configures <see cref="NatsTransport"/>. See <c>docs/transport-nats.md</c> for the subject scheme and the
/// guarantee of each <see cref="NatsDeliveryMode"/>.</summary>
public sealed class NatsTransportOptions
{
    /// <summary>Prepended to a destination to make its subject: <c>Shop.Orders.PlaceOrder</c> is published on
    /// <c>catga.Shop.Orders.PlaceOrder</c>. Must end with '.'. Default <c>catga.</c>.</summary>
    public string SubjectPrefix { get; set; } = "catga.";

    /// <summary>Replaces the default mapping (<see cref="SubjectPrefix"/> + destination) of a destination to the subject
    /// its messages are published on. The result must be a valid NATS subject without wildcards; for JetStream
    /// destinations it must lie inside <see cref="StreamSubjects"/>. Null for the default.</summary>
    public Func<string, string>? SubjectMapper { get; set; }

    /// <summary>Prepended to a destination to make the subject its requests (<see cref="IMessageTransport.RequestAsync"/>)
    /// travel on, over core NATS request/reply. It must not lie under <see cref="SubjectPrefix"/>, so that no stream
    /// ever stores a request. Must end with '.'. Default <c>catga-rpc.</c>.</summary>
    public string RequestSubjectPrefix { get; set; } = "catga-rpc.";

    /// <summary>Replaces the default mapping (<see cref="RequestSubjectPrefix"/> + destination) of a destination to its
    /// request subject. Null for the default.</summary>
    public Func<string, string>? RequestSubjectMapper { get; set; }

    /// <summary>The queue group every consumer of a destination joins on its request subject, whatever its consumer
    /// group, so that each request is handled by exactly one consumer. Default <c>catga-rpc</c>.</summary>
    public string RequestQueueGroup { get; set; } = "catga-rpc";

    /// <summary>The mode of destinations <see cref="DeliveryModeSelector"/> does not decide. Default
    /// <see cref="NatsDeliveryMode.JetStream"/>.</summary>
    public NatsDeliveryMode DefaultDeliveryMode { get; set; } = NatsDeliveryMode.JetStream;

    /// <summary>Chooses the mode per destination; returning null falls back to <see cref="DefaultDeliveryMode"/>.
    /// Senders and consumers of one destination must choose the same mode. Null (the default) uses
    /// <see cref="DefaultDeliveryMode"/> everywhere.</summary>
    public Func<string, NatsDeliveryMode?>? DeliveryModeSelector { get; set; }

    /// <summary>The JetStream stream the transport creates or updates before its first JetStream send or subscription.
    /// Default <c>CATGA</c>.</summary>
    public string StreamName { get; set; } = "CATGA";

    /// <summary>The subjects of the stream; null (the default) for <see cref="SubjectPrefix"/> followed by '&gt;'.</summary>
    public IReadOnlyList<string>? StreamSubjects { get; set; }

    /// <summary>Where the stream keeps messages. Default <see cref="StreamConfigStorage.File"/> (survives a server restart).</summary>
    public StreamConfigStorage StreamStorage { get; set; } = StreamConfigStorage.File;

    /// <summary>How long the stream remembers a message id to drop a second send of it. Default 2 minutes.</summary>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long the stream keeps a message, handled or not; <see cref="TimeSpan.Zero"/> keeps it until a
    /// limit is reached. Default 7 days.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The stream's largest size in bytes (oldest messages are discarded); 0 for no limit (the default).</summary>
    public long MaxBytes { get; set; }

    /// <summary>Stream replicas in a cluster (1 to 5; 3 on a 3-node cluster keeps every stored message through the loss of
    /// one node). Default 1.</summary>
    public int Replicas { get; set; } = 1;

    /// <summary>How long a JetStream send keeps retrying while the server is unreachable, restarting or not yet
    /// serving the stream, before it fails. Retries reuse the message id, so the stream stores the message once.
    /// Default 30 seconds.</summary>
    public TimeSpan PublishRetryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one JetStream publish waits for the server's ack, and JetStream API calls for their reply.
    /// Default 5 seconds.</summary>
    public TimeSpan JetStreamTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The deadline of every call that has no other: a core publish, a reply, an ack, NAK or in-progress ack, a
    /// health ping and connecting. While the client is disconnected it would wait for the reconnect forever; past this
    /// deadline the call fails with <see cref="TransportTimeoutException"/> instead. Default 5 seconds.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one JetStream pull request stays open on the server waiting for messages. A message stored
    /// while a pull waits is delivered at once; the length sets how often an idle consumer asks again, and how long a
    /// stopping consumer waits for its open pull to end (so nothing is delivered to a closed subscription). Default 1 second.</summary>
    public TimeSpan FetchExpires { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many core NATS messages and requests one subscription buffers for its handlers. When the buffer is
    /// full the client drops the newest (at-most-once allows it; a dropped request times out at its sender). Default 1024.</summary>
    public int CoreBufferCapacity { get; set; } = 1024;

    /// <summary>The largest message (body and headers) the transport sends, whatever the server announces: a server that
    /// claims an absurd <c>max_payload</c> is not trusted beyond this. The effective limit is the smaller of this and
    /// the server's announced value (<see cref="NatsTransport.MaxPayloadBytes"/>). Default 64 MiB, NATS's own hard limit.</summary>
    public int MaxPayloadLimit { get; set; } = 64 * 1024 * 1024;

    /// <summary>The JetStream API prefix; change it only for a JetStream domain. Default <c>$JS.API</c>.</summary>
    public string JetStreamApiPrefix { get; set; } = "$JS.API";

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message and <see cref="ArgumentException.ParamName"/> name it.</exception>
    public void Validate()
    {
        ValidatePrefix(SubjectPrefix, nameof(SubjectPrefix));
        ValidatePrefix(RequestSubjectPrefix, nameof(RequestSubjectPrefix));
        if (RequestSubjectPrefix.StartsWith(SubjectPrefix, StringComparison.Ordinal) || SubjectPrefix.StartsWith(RequestSubjectPrefix, StringComparison.Ordinal))
        {
            throw Bad(nameof(RequestSubjectPrefix), $"'{RequestSubjectPrefix}' overlaps SubjectPrefix '{SubjectPrefix}'; requests must travel outside the subjects the stream stores, so use a separate root such as 'catga-rpc.'");
        }

        if (!NatsNames.IsValidQueueGroup(RequestQueueGroup))
        {
            throw Bad(nameof(RequestQueueGroup), $"'{RequestQueueGroup}' is not a valid queue group (not empty, no whitespace)");
        }

        if (!Enum.IsDefined(DefaultDeliveryMode))
        {
            throw Bad(nameof(DefaultDeliveryMode), $"{(int)DefaultDeliveryMode} is not a NatsDeliveryMode");
        }

        if (!NatsNames.IsValidName(StreamName))
        {
            throw Bad(nameof(StreamName), $"'{StreamName}' is not a valid stream name (letters, digits, '-' and '_' only)");
        }

        if (StreamSubjects is not null)
        {
            if (StreamSubjects.Count == 0)
            {
                throw Bad(nameof(StreamSubjects), "it is empty; leave it null for the default");
            }

            foreach (var subject in StreamSubjects)
            {
                if (!NatsNames.IsValidSubject(subject, allowWildcards: true))
                {
                    throw Bad(nameof(StreamSubjects), $"'{subject}' is not a valid subject");
                }
            }
        }

        if (!Enum.IsDefined(StreamStorage))
        {
            throw Bad(nameof(StreamStorage), $"{(int)StreamStorage} is not a StreamStorage");
        }

        if (DuplicateWindow <= TimeSpan.Zero)
        {
            throw Bad(nameof(DuplicateWindow), $"{DuplicateWindow} must be positive");
        }

        if (MaxAge < TimeSpan.Zero)
        {
            throw Bad(nameof(MaxAge), $"{MaxAge} must not be negative");
        }

        if (MaxAge > TimeSpan.Zero && DuplicateWindow > MaxAge)
        {
            throw Bad(nameof(DuplicateWindow), $"{DuplicateWindow} is longer than MaxAge {MaxAge}");
        }

        if (MaxBytes < 0)
        {
            throw Bad(nameof(MaxBytes), $"{MaxBytes} must not be negative");
        }

        if (Replicas is < 1 or > 5)
        {
            throw Bad(nameof(Replicas), $"{Replicas} must be between 1 and 5");
        }

        if (PublishRetryTimeout < TimeSpan.Zero)
        {
            throw Bad(nameof(PublishRetryTimeout), $"{PublishRetryTimeout} must not be negative");
        }

        if (JetStreamTimeout <= TimeSpan.Zero)
        {
            throw Bad(nameof(JetStreamTimeout), $"{JetStreamTimeout} must be positive");
        }

        if (CommandTimeout <= TimeSpan.Zero || CommandTimeout > MaxTimeout)
        {
            throw Bad(nameof(CommandTimeout), $"{CommandTimeout} must be positive and at most {MaxTimeout}");
        }

        if (JetStreamTimeout > MaxTimeout)
        {
            throw Bad(nameof(JetStreamTimeout), $"{JetStreamTimeout} must be at most {MaxTimeout}");
        }

        if (PublishRetryTimeout > MaxTimeout)
        {
            throw Bad(nameof(PublishRetryTimeout), $"{PublishRetryTimeout} must be at most {MaxTimeout}");
        }

        if (FetchExpires < TimeSpan.FromMilliseconds(10) || FetchExpires > TimeSpan.FromMinutes(1))
        {
            throw Bad(nameof(FetchExpires), $"{FetchExpires} must be between 10 ms and 1 minute");
        }

        if (CoreBufferCapacity < 1)
        {
            throw Bad(nameof(CoreBufferCapacity), $"{CoreBufferCapacity} must be at least 1");
        }

        if (MaxPayloadLimit is < 1024 or > 64 * 1024 * 1024)
        {
            throw Bad(nameof(MaxPayloadLimit), $"{MaxPayloadLimit} must be between 1024 and 67108864 (64 MiB, the NATS server's hard limit)");
        }

        if (string.IsNullOrEmpty(JetStreamApiPrefix) || !NatsNames.IsValidSubject(JetStreamApiPrefix, allowWildcards: false))
        {
            throw Bad(nameof(JetStreamApiPrefix), $"'{JetStreamApiPrefix}' is not a valid subject");
        }
    }

    /// <summary>No deadline may be longer than this: past it, a call during an outage looks like a hang.</summary>
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(1);

    internal IReadOnlyList<string> EffectiveStreamSubjects => StreamSubjects ?? [SubjectPrefix + ">"];

    internal NatsTransportOptions Clone() => (NatsTransportOptions)MemberwiseClone();

    private static void ValidatePrefix(string? prefix, string name)
    {
        if (string.IsNullOrEmpty(prefix) || prefix[^1] != '.' || !NatsNames.IsValidSubject(prefix[..^1], allowWildcards: false))
        {
            throw Bad(name, $"'{prefix}' must be one or more subject tokens followed by '.', without whitespace, '*' or '>' (for example 'catga.')");
        }
    }

    private static ArgumentException Bad(string setting, string problem)
        => new($"NatsTransportOptions.{setting}: {problem}.", setting);
}
