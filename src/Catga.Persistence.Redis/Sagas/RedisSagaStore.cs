using System.Globalization;
using Catga.Sagas;
using StackExchange.Redis;

namespace Catga.Persistence.Redis.Sagas;

/// <summary>
/// Saga instances in Redis, over StackExchange.Redis. Each instance has three keys in one hash slot (one hash tag):
/// a hash with its revision and head (<see cref="SagaRecord.ToBytes"/>: state, pending effects, timeouts,
/// compensation log), a sorted set of the ids of the messages it handled (scored by the revision that handled them,
/// trimmed to the newest), and a list of history entries (appended, trimmed to the newest). A transition is one Lua
/// script over the three keys: compare the revision, write the head, add the message id, append the history entry,
/// and set or clear the expiry, so the state, the inbox mark and the effects change together or not at all, and a
/// transition sends only the head and two small items, not the instance's whole past. Scripts run by EVALSHA and are
/// loaded again when the server answers NOSCRIPT (after a restart or failover).
/// </summary>
public sealed class RedisSagaStore : ISagaStore
{
    // KEYS: head hash, handled-id set, history list. ARGV: expected revision, new revision, head bytes, expiry in ms
    // (0 = none), handled id ('' = none), id limit, history entry ('' = none), history limit.
    // Returns 1 when written, 0 when the stored revision (0 if absent) is not the expected one.
    private const string CommitSource = """
        local current = redis.call('HGET', KEYS[1], 'rev')
        if not current then current = '0' end
        if current ~= ARGV[1] then return 0 end
        redis.call('HSET', KEYS[1], 'rev', ARGV[2], 'data', ARGV[3])
        if ARGV[5] ~= '' then
          redis.call('ZADD', KEYS[2], ARGV[2], ARGV[5])
          local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[6])
          if over > 0 then redis.call('ZREMRANGEBYRANK', KEYS[2], 0, over - 1) end
        end
        if ARGV[7] ~= '' then
          redis.call('RPUSH', KEYS[3], ARGV[7])
          redis.call('LTRIM', KEYS[3], -tonumber(ARGV[8]), -1)
        end
        for i = 1, 3 do
          if ARGV[4] ~= '0' then
            redis.call('PEXPIRE', KEYS[i], ARGV[4])
          else
            redis.call('PERSIST', KEYS[i])
          end
        end
        return 1
        """;

    // KEYS: head hash, handled-id set. ARGV: message id. Returns nil, or { head bytes, 1 if the id was handled else 0 }:
    // one script, so the head and the answer about the id come from the same moment.
    private const string LoadSource = """
        local data = redis.call('HGET', KEYS[1], 'data')
        if not data then return nil end
        local handled = 0
        if redis.call('ZSCORE', KEYS[2], ARGV[1]) then handled = 1 end
        return { data, handled }
        """;

    private static readonly RedisScript s_commit = new(CommitSource);
    private static readonly RedisScript s_load = new(LoadSource);

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
    public async ValueTask<SagaLoadResult> LoadAsync(string saga, string key, MessageId messageId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(saga);
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        RedisKey head = Key(saga, key);
        if (messageId.IsEmpty)
        {
            var data = await _connection.GetDatabase().HashGetAsync(head, "data").ConfigureAwait(false);
            return new SagaLoadResult(data.IsNull ? null : SagaRecord.FromBytes((byte[])data!), false);
        }

        var result = await s_load.EvaluateAsync(_connection.GetDatabase(), [head, Handled(head)], [Id(messageId)]).ConfigureAwait(false);
        if (result.IsNull)
        {
            return default;
        }

        var parts = (RedisResult[])result!;
        return new SagaLoadResult(SagaRecord.FromBytes((byte[])parts[0]!), (long)parts[1] == 1);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TryCommitAsync(SagaCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        commit.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        var record = commit.Record;
        long expiry = record.IsFinal ? Math.Max(1, (long)commit.Retention.TotalMilliseconds) : 0;
        RedisKey head = Key(record.Saga, record.Key);
        RedisKey[] keys = [head, Handled(head), History(head)];
        RedisValue[] values =
        [
            commit.ExpectedRevision.ToString(CultureInfo.InvariantCulture),
            record.Revision.ToString(CultureInfo.InvariantCulture),
            record.ToBytes(),
            expiry.ToString(CultureInfo.InvariantCulture),
            commit.Handled.IsEmpty ? RedisValue.EmptyString : Id(commit.Handled),
            commit.ProcessedIdLimit.ToString(CultureInfo.InvariantCulture),
            commit.History is { } entry && commit.HistoryLimit > 0 ? entry.ToBytes() : RedisValue.EmptyString,
            commit.HistoryLimit.ToString(CultureInfo.InvariantCulture),
        ];
        var result = await s_commit.EvaluateAsync(_connection.GetDatabase(), keys, values).ConfigureAwait(false);
        return (long)result == 1;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<SagaHistoryEntry>> ReadHistoryAsync(string saga, string key, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(saga);
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        var entries = await _connection.GetDatabase().ListRangeAsync(History(Key(saga, key))).ConfigureAwait(false);
        var history = new SagaHistoryEntry[entries.Length];
        for (int i = 0; i < entries.Length; i++)
        {
            history[i] = SagaHistoryEntry.FromBytes((byte[])entries[i]!);
        }

        return history;
    }

    /// <summary>The instance's head key: the prefix, then a hash tag around the saga name (length-prefixed, so no name
    /// and key pair can spell another) and the instance key. Its other keys add a suffix after the tag.</summary>
    internal RedisKey Key(string saga, string key)
        => _prefix + "{" + saga.Length.ToString(CultureInfo.InvariantCulture) + ":" + saga + ":" + key + "}";

    private static RedisKey Handled(RedisKey head) => head.Append(":handled");

    private static RedisKey History(RedisKey head) => head.Append(":history");

    /// <summary>A message id as stored in the handled set: its 16 bytes.</summary>
    private static RedisValue Id(MessageId id)
    {
        var bytes = new byte[16];
        id.Value.TryWriteBytes(bytes);
        return bytes;
    }
}
