using System.Globalization;
using Catga.Sagas;
using StackExchange.Redis;

namespace Catga.Persistence.Redis.Sagas;

/// <summary>
/// Saga instances in Redis, over StackExchange.Redis. One hash per instance holds its revision and its record
/// (<see cref="SagaRecord.ToBytes"/>: state, handled message ids, pending effects, timeouts, compensation log,
/// history). A transition is one Lua script on that one key: compare the revision, write the record, and set or
/// clear its expiry, so the state, the inbox mark and the effects change together or not at all. Scripts run by
/// EVALSHA and are loaded again when the server answers NOSCRIPT (after a restart or failover).
/// </summary>
public sealed class RedisSagaStore : ISagaStore
{
    // KEYS[1] the instance hash. ARGV: expected revision, new revision, record bytes, expiry in ms (0 = none).
    // Returns 1 when written, 0 when the stored revision (0 if absent) is not the expected one.
    private const string CommitSource = """
        local current = redis.call('HGET', KEYS[1], 'rev')
        if not current then current = '0' end
        if current ~= ARGV[1] then return 0 end
        redis.call('HSET', KEYS[1], 'rev', ARGV[2], 'data', ARGV[3])
        if ARGV[4] ~= '0' then
          redis.call('PEXPIRE', KEYS[1], ARGV[4])
        else
          redis.call('PERSIST', KEYS[1])
        end
        return 1
        """;

    private static readonly RedisScript s_commit = new(CommitSource);
    private static readonly RedisValue[] s_fields = ["rev", "data"];

    private readonly IConnectionMultiplexer _connection;
    private readonly string _prefix;

    /// <summary>Creates the store.</summary>
    /// <param name="connection">The application's connection; the caller owns it.</param>
    /// <param name="options">The settings, or the defaults.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public RedisSagaStore(IConnectionMultiplexer connection, RedisSagaStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        options ??= new RedisSagaStoreOptions();
        options.Validate();
        _connection = connection;
        _prefix = options.KeyPrefix;
    }

    /// <summary>The key prefix in use (the configuration tests read it).</summary>
    internal string KeyPrefix => _prefix;

    /// <inheritdoc/>
    public async ValueTask<SagaRecord?> LoadAsync(string saga, string key, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(saga);
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        var values = await _connection.GetDatabase().HashGetAsync(Key(saga, key), s_fields).ConfigureAwait(false);
        if (values[1].IsNull)
        {
            return null;
        }

        return SagaRecord.FromBytes((byte[])values[1]!);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TryCommitAsync(SagaRecord record, long expectedRevision, TimeSpan retention, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        cancellationToken.ThrowIfCancellationRequested();
        if (record.Revision != expectedRevision + 1)
        {
            throw new ArgumentException($"The record's revision is {record.Revision}; a commit from revision {expectedRevision} must write revision {expectedRevision + 1}.", nameof(record));
        }

        long expiry = record.IsFinal ? Math.Max(1, (long)retention.TotalMilliseconds) : 0;
        RedisKey[] keys = [Key(record.Saga, record.Key)];
        RedisValue[] values =
        [
            expectedRevision.ToString(CultureInfo.InvariantCulture),
            record.Revision.ToString(CultureInfo.InvariantCulture),
            record.ToBytes(),
            expiry.ToString(CultureInfo.InvariantCulture),
        ];
        var result = await s_commit.EvaluateAsync(_connection.GetDatabase(), keys, values).ConfigureAwait(false);
        return (long)result == 1;
    }

    /// <summary>The instance's key: the prefix, then a hash tag around the saga name (length-prefixed, so no name and
    /// key pair can spell another) and the instance key.</summary>
    internal RedisKey Key(string saga, string key)
        => _prefix + "{" + saga.Length.ToString(CultureInfo.InvariantCulture) + ":" + saga + ":" + key + "}";
}
