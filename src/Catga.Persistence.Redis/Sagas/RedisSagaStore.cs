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
/// <para>
/// Listing (<see cref="ListAsync"/>): each saga has an index of three sorted sets under one hash tag of their own
/// (<c>{len:saga}</c>, so each index command touches one slot of a Redis Cluster and no command crosses slots): the
/// instances newest first, by key, and the final ones with the time their retention ends. Members have score 0 and
/// are ordered by their bytes (ZRANGEBYLEX / ZREVRANGEBYLEX over <see cref="SagaListPosition"/>), so a cursor is a
/// member and paging is stable while instances come and go. The index is written beside the instance, not in its
/// script (that would cross slots): before the creating commit (so a crash cannot leave an instance unlisted) and
/// after a final one (when its retention ends); creating an instance also removes up to 32 index entries whose
/// retention ended. An entry can outlive its instance (a crash between the two writes, a creation that lost a race,
/// clock skew); a listing reads each entry's head anyway, skips such entries and removes them (an entry without a head
/// only once it is older than a minute, so a creation still under way is not mistaken for a gone instance). SCAN per
/// node was the alternative; it cannot order, so it would read every instance for each page.
/// </para>
/// </summary>
public sealed class RedisSagaStore : ISagaStore
{
    // KEYS: head hash, handled-id set, history list. ARGV: expected revision, new revision, head bytes, expiry in ms
    // (0 = none), handled id ('' = none), id limit, history entry ('' = none), history limit.
    // Returns 1 when written, 0 when the stored revision (0 if absent) is not the expected one.
    internal const string CommitSource = """
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

    // KEYS: the saga's index: newest-first set, by-key set, retention-ends set. ARGV: newest-first member, by-key
    // member, now in unix ms, how many ended entries to remove. Adds the instance and removes entries whose retention
    // ended (a by-key member is the key, NUL, the 16 tick digits that start the newest-first member).
    private const string IndexSource = """
        redis.call('ZADD', KEYS[1], 0, ARGV[1])
        redis.call('ZADD', KEYS[2], 0, ARGV[2])
        redis.call('ZREM', KEYS[3], ARGV[1])
        local ended = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[3], 'LIMIT', 0, tonumber(ARGV[4]))
        for _, m in ipairs(ended) do
          redis.call('ZREM', KEYS[1], m)
          redis.call('ZREM', KEYS[2], string.sub(m, 18) .. '\0' .. string.sub(m, 1, 16))
          redis.call('ZREM', KEYS[3], m)
        end
        return #ended
        """;

    /// <summary>How many index entries whose retention ended one creation removes.</summary>
    private const int SweepLimit = 32;

    /// <summary>How many index entries one listing call reads at most (a filter that matches few instances returns a
    /// short page with a cursor rather than reading the whole index).</summary>
    private const int MaxExamined = 2000;

    /// <summary>How old an index entry without an instance must be before a listing removes it.</summary>
    private static readonly TimeSpan s_creationGrace = TimeSpan.FromMinutes(1);

    private static readonly RedisScript s_commit = new(CommitSource);
    private static readonly RedisScript s_load = new(LoadSource);
    private static readonly RedisScript s_index = new(IndexSource);

    private readonly IConnectionMultiplexer _connection;
    private readonly string _prefix;
    private readonly TimeProvider _time;

    /// <summary>Creates the store.</summary>
    /// <param name="connection">The application's connection; the caller owns it.</param>
    /// <param name="options">The settings, or the defaults.</param>
    /// <param name="timeProvider">The clock for the listing index's retention marks; the system clock when null.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public RedisSagaStore(IConnectionMultiplexer connection, RedisSagaStoreOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        options ??= new RedisSagaStoreOptions();
        options.Validate();
        _connection = connection;
        _prefix = options.KeyPrefix;
        _time = timeProvider ?? TimeProvider.System;
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
        var database = _connection.GetDatabase();
        string newest = SagaListPosition.Of(SagaListOrder.NewestFirst, record.Key, record.CreatedAt);
        if (commit.ExpectedRevision == 0)
        {
            // Listed before it exists: a crash in between leaves an entry a listing removes, never an unlisted instance.
            RedisValue[] listed = [newest, SagaListPosition.Of(SagaListOrder.ByKey, record.Key, record.CreatedAt), _time.GetUtcNow().ToUnixTimeMilliseconds(), SweepLimit];
            await s_index.EvaluateAsync(database, Index(record.Saga), listed).ConfigureAwait(false);
        }

        var result = await s_commit.EvaluateAsync(database, keys, values).ConfigureAwait(false);
        if ((long)result != 1)
        {
            return false;
        }

        if (record.IsFinal)
        {
            await database.SortedSetAddAsync(Index(record.Saga)[2], newest, (_time.GetUtcNow() + commit.Retention).ToUnixTimeMilliseconds()).ConfigureAwait(false);
        }

        return true;
    }

    /// <inheritdoc/>
    public async ValueTask<SagaPage> ListAsync(SagaListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        var order = query.Order;
        string? after = SagaListPosition.FromCursor(query.Cursor, order);
        var database = _connection.GetDatabase();
        var index = Index(query.Saga);
        RedisKey set = order == SagaListOrder.NewestFirst ? index[0] : index[1];
        bool filtered = query.Status is not null || query.StateName is not null;
        int batch = filtered ? Math.Max(query.Limit + 1, 100) : query.Limit + 1;
        var page = new List<SagaRecord>(query.Limit);
        long graceTicks = (_time.GetUtcNow() - s_creationGrace).UtcTicks;
        int examined = 0;
        while (true)
        {
            RedisValue from = after is null ? default : after;
            var members = order == SagaListOrder.NewestFirst
                ? await database.SortedSetRangeByValueAsync(set, default, from, Exclude.Stop, Order.Descending, 0, batch).ConfigureAwait(false)
                : await database.SortedSetRangeByValueAsync(set, from, default, Exclude.Start, Order.Ascending, 0, batch).ConfigureAwait(false);
            var heads = new Task<RedisValue>[members.Length];
            var entries = new (string Position, string Key, long Ticks)[members.Length];
            for (int i = 0; i < members.Length; i++)
            {
                string position = (string)members[i]!;
                if (!SagaListPosition.TryParse(order, position, out string key, out long ticks))
                {
                    throw new InvalidOperationException($"The saga index {set} holds '{position}', which is not an index entry of this store; is another application writing under the prefix '{_prefix}'?");
                }

                entries[i] = (position, key, ticks);
                heads[i] = database.HashGetAsync(Key(query.Saga, key), "data");
            }

            await Task.WhenAll(heads).ConfigureAwait(false);
            for (int i = 0; i < members.Length; i++)
            {
                var (position, key, ticks) = entries[i];
                after = position;
                examined++;
                var data = await heads[i].ConfigureAwait(false);
                var record = data.IsNull ? null : SagaRecord.FromBytes((byte[])data!);
                if (record is null || record.CreatedAt.UtcTicks != ticks)
                {
                    if (record is not null || ticks < graceTicks)
                    {
                        await RemoveEntryAsync(database, index, key, ticks).ConfigureAwait(false);
                    }

                    continue;
                }

                if (query.Matches(record))
                {
                    page.Add(record);
                    if (page.Count == query.Limit)
                    {
                        // More may follow when this batch has unread entries or was full.
                        bool more = i < members.Length - 1 || members.Length == batch;
                        return new SagaPage(page, more ? SagaListPosition.ToCursor(order, position) : null);
                    }
                }
            }

            if (members.Length < batch)
            {
                return new SagaPage(page, null);
            }

            if (examined >= MaxExamined)
            {
                return new SagaPage(page, SagaListPosition.ToCursor(order, after!));
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Removes an instance's entries from its saga's index (each command is idempotent).</summary>
    private static Task RemoveEntryAsync(IDatabaseAsync database, RedisKey[] index, string key, long ticks)
    {
        var created = new DateTimeOffset(ticks, TimeSpan.Zero);
        string newest = SagaListPosition.Of(SagaListOrder.NewestFirst, key, created);
        return Task.WhenAll(
            database.SortedSetRemoveAsync(index[0], newest),
            database.SortedSetRemoveAsync(index[1], SagaListPosition.Of(SagaListOrder.ByKey, key, created)),
            database.SortedSetRemoveAsync(index[2], newest));
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

    /// <summary>A saga's index keys (newest first, by key, retention ends), under one hash tag of their own: the saga
    /// name alone, which no instance tag (name and key) can equal.</summary>
    internal RedisKey[] Index(string saga)
    {
        string tag = _prefix + "{" + saga.Length.ToString(CultureInfo.InvariantCulture) + ":" + saga + "}:index:";
        return [tag + "newest", tag + "keys", tag + "ends"];
    }

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
