using System.Globalization;

namespace Catga.Persistence.Redis.Transport;

/// <summary>
/// Settings of <see cref="RedisStreamsTransport"/>. Key layout (see docs/transport-redis-streams.md): every key of one
/// destination carries the destination as its Redis Cluster hash tag, so the scripts that touch several of them run on
/// one slot: the stream <c>{KeyPrefix}:{destination}:stream</c>, per consumer group a retry stream
/// <c>{KeyPrefix}:{destination}:retry:{groupLength}:{group}</c> and a sorted set of delayed retries
/// <c>{KeyPrefix}:{destination}:delayed:{groupLength}:{group}</c>; the wake-up channel
/// <c>{KeyPrefix}:{destination}:notify</c> and per transport instance the reply channel
/// <c>{KeyPrefix}:reply:{InstanceId}</c>.
/// </summary>
public sealed class RedisStreamsTransportOptions
{
    /// <summary>The prefix of every key and channel the transport uses. Default <c>catga</c>. Printable, without
    /// braces (the destination is the hash tag).</summary>
    public string KeyPrefix { get; set; } = "catga";

    /// <summary>
    /// When set, every XADD trims the destination stream to about this many entries (<c>MAXLEN ~</c>). Off (null) by
    /// default. Trimming removes the oldest entries whether or not every group has read them: a group that lags
    /// more than this many entries behind loses messages, and a pending entry that was trimmed cannot be redelivered.
    /// </summary>
    public long? MaxLength { get; set; }

    /// <summary>Whether a consumer group created by the first subscription starts at the beginning of the stream
    /// (<c>0</c>: it also gets every entry still in the stream) instead of at its end (<c>$</c>, the default: it gets
    /// what is sent after the subscription started).</summary>
    public bool NewGroupsReadHistory { get; set; }

    /// <summary>How often a consumer looks for entries that other consumers left pending for longer than
    /// <see cref="Catga.Transport.TransportSubscription.AckTimeout"/> (XAUTOCLAIM). When null (the default): half the
    /// subscription's ack timeout, between 50 ms and 10 s. A consumer also looks when it starts and when another
    /// consumer of the destination returned entries on a graceful stop.</summary>
    public TimeSpan? ReclaimInterval { get; set; }

    /// <summary>Consumers of a group with nothing pending that have not read for this long (their process died without
    /// a graceful stop) are deleted from the group by the other consumers, checked once a minute (or at this interval
    /// when shorter). Default 1 hour; null keeps them.</summary>
    public TimeSpan? IdleConsumerTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>An idle consumer does not poll: senders publish a wake-up on the destination's channel and the
    /// consumer reads when it arrives. This is the longest it goes without reading anyway, in case a wake-up was lost
    /// (a reconnect of the subscription connection). Default 5 s.</summary>
    public TimeSpan IdlePollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>This transport instance's id: it names the reply channel and prefixes consumer names. A new random id
    /// when null (the default); set it only to something unique per running process.</summary>
    public string? InstanceId { get; set; }

    /// <summary>How long a health check waits for PONG. Default 2 s.</summary>
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(2);

    internal RedisStreamsTransportOptions Validated()
    {
        if (string.IsNullOrEmpty(KeyPrefix) || KeyPrefix.Any(c => c is '{' or '}' || char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw Invalid(nameof(KeyPrefix), "must be non-empty, printable and without braces or white space", KeyPrefix is null ? "null" : "'" + KeyPrefix + "'");
        }

        if (MaxLength is { } maxLength && maxLength < 1)
        {
            throw Invalid(nameof(MaxLength), "must be at least 1, or null for no trimming", maxLength.ToString(CultureInfo.InvariantCulture));
        }

        if (ReclaimInterval is { } reclaim && reclaim <= TimeSpan.Zero)
        {
            throw Invalid(nameof(ReclaimInterval), "must be positive, or null to derive it from the ack timeout", reclaim.ToString());
        }

        if (IdleConsumerTimeout is { } idle && idle <= TimeSpan.Zero)
        {
            throw Invalid(nameof(IdleConsumerTimeout), "must be positive, or null to keep idle consumers", idle.ToString());
        }

        Positive(IdlePollInterval, nameof(IdlePollInterval));
        Positive(HealthCheckTimeout, nameof(HealthCheckTimeout));
        if (InstanceId is not null && (InstanceId.Length == 0 || InstanceId.Any(c => char.IsWhiteSpace(c) || c is '{' or '}')))
        {
            throw Invalid(nameof(InstanceId), "must be non-empty and without white space or braces, or null for a random id", "'" + InstanceId + "'");
        }

        return new RedisStreamsTransportOptions
        {
            KeyPrefix = KeyPrefix,
            MaxLength = MaxLength,
            NewGroupsReadHistory = NewGroupsReadHistory,
            ReclaimInterval = ReclaimInterval,
            IdleConsumerTimeout = IdleConsumerTimeout,
            IdlePollInterval = IdlePollInterval,
            InstanceId = InstanceId ?? Guid.NewGuid().ToString("N"),
            HealthCheckTimeout = HealthCheckTimeout,
        };
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw Invalid(name, "must be positive", value.ToString());
        }
    }

    private static ArgumentException Invalid(string name, string rule, string actual) =>
        new($"{nameof(RedisStreamsTransportOptions)}.{name} {rule} (was {actual}).", name);
}
