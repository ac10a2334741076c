using System.Globalization;

namespace Catga.Persistence.Redis.Transport;

/// <summary>
/// Settings of <see cref="RedisStreamsTransport"/>. Key layout (see docs/transport-redis-streams.md): one stream per
/// destination, <c>{KeyPrefix}stream:{destination}</c> unless <see cref="StreamKeyMapper"/> says otherwise; per consumer
/// group a retry stream <c>{KeyPrefix}retry:{groupLength}:{group}:{destination}</c> and a sorted set of delayed retries
/// <c>{KeyPrefix}delayed:{groupLength}:{group}:{destination}</c>; per transport instance a reply list
/// <c>{KeyPrefix}reply:{InstanceId}</c>.
/// </summary>
public sealed class RedisStreamsTransportOptions
{
    /// <summary>The prefix of every key the transport uses. Default <c>catga:</c>.</summary>
    public string KeyPrefix { get; set; } = "catga:";

    /// <summary>Maps a destination to its stream key; <c>{KeyPrefix}stream:{destination}</c> when null (the default).
    /// The function must be deterministic and give different keys to different destinations.</summary>
    public Func<string, string>? StreamKeyMapper { get; set; }

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
    /// subscription's ack timeout, between 50 ms and 10 s. A consumer also looks once when it starts.</summary>
    public TimeSpan? ReclaimInterval { get; set; }

    /// <summary>Consumers of a group with nothing pending that have not read for this long (their process died without
    /// a graceful stop) are deleted from the group by the other consumers, checked once a minute (or at this interval
    /// when shorter). Default 1 hour; null keeps them.</summary>
    public TimeSpan? IdleConsumerTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often a consumer moves due delayed retries back into its group's retry stream. Default 100 ms; a
    /// retry is redelivered at most about this much (plus the subscription's batch wait) after it is due.</summary>
    public TimeSpan DelayedRetryPollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a reply list lives after the last reply pushed to it (PEXPIRE), so the list of a requester
    /// that went away disappears. Default 1 minute.</summary>
    public TimeSpan ReplyTimeToLive { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>This transport instance's id: it names the reply list and prefixes consumer names. A new random id
    /// when null (the default); set it only to something unique per running process.</summary>
    public string? InstanceId { get; set; }

    /// <summary>The longest pause between attempts after the server could not be reached. Default 2 s.</summary>
    public TimeSpan MaxErrorBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a health check waits for PONG. Default 2 s.</summary>
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(2);

    internal RedisStreamsTransportOptions Validated()
    {
        if (KeyPrefix is null)
        {
            throw new ArgumentException($"{nameof(RedisStreamsTransportOptions)}.{nameof(KeyPrefix)} must not be null (use \"\" for no prefix).", nameof(KeyPrefix));
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

        Positive(DelayedRetryPollInterval, nameof(DelayedRetryPollInterval));
        Positive(MaxErrorBackoff, nameof(MaxErrorBackoff));
        Positive(HealthCheckTimeout, nameof(HealthCheckTimeout));
        if (ReplyTimeToLive < TimeSpan.FromSeconds(1))
        {
            throw Invalid(nameof(ReplyTimeToLive), "must be at least 1 second", ReplyTimeToLive.ToString());
        }

        if (InstanceId is not null && (InstanceId.Length == 0 || InstanceId.Any(char.IsWhiteSpace)))
        {
            throw Invalid(nameof(InstanceId), "must be non-empty and without white space, or null for a random id", "'" + InstanceId + "'");
        }

        return new RedisStreamsTransportOptions
        {
            KeyPrefix = KeyPrefix,
            StreamKeyMapper = StreamKeyMapper,
            MaxLength = MaxLength,
            NewGroupsReadHistory = NewGroupsReadHistory,
            ReclaimInterval = ReclaimInterval,
            IdleConsumerTimeout = IdleConsumerTimeout,
            DelayedRetryPollInterval = DelayedRetryPollInterval,
            ReplyTimeToLive = ReplyTimeToLive,
            InstanceId = InstanceId ?? Guid.NewGuid().ToString("N"),
            MaxErrorBackoff = MaxErrorBackoff,
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
