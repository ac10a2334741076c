using Catga.Locking;
using Catga.Scheduling;
using StackExchange.Redis;

namespace Catga.Persistence.Redis.Scheduling;

/// <summary>
/// An <see cref="IScheduleStore"/> in Redis. Pending ids live in a sorted set scored by their due time (Unix ms) with
/// their encoded entries in a hash; claimed ids move to a second sorted set scored by the fencing token of the claim,
/// with their entries in a second hash, until completed. Claiming is ONE Lua script that checks the token against the
/// store's fence and moves the due entries (ZRANGEBYSCORE, ZREM, ZADD, HSET in one atomic step): there is no
/// read-then-delete, and a claim made under an older token is taken over by the next leader. Every key carries the
/// <c>{KeyPrefix}</c> hash tag, so the scripts run on Redis Cluster. Scripts run by EVALSHA and are reloaded on
/// NOSCRIPT (after a restart).
/// </summary>
public sealed class RedisScheduleStore : IScheduleStore
{
    /// <summary>Checks ARGV[1] against the fence in KEYS[1]: returns {0, fence} when lower, else raises the fence.</summary>
    private const string Fence = """
        local token = tonumber(ARGV[1])
        local fence = redis.call('get', KEYS[1])
        if fence and tonumber(fence) > token then return {0, fence} end
        if not fence or tonumber(fence) < token then redis.call('set', KEYS[1], ARGV[1]) end
        """;

    // KEYS: due, entries. ARGV: (id, dueMs, payload)*.
    private static readonly RedisScript s_schedule = new("""
        for i = 1, #ARGV, 3 do
          redis.call('hset', KEYS[2], ARGV[i], ARGV[i + 2])
          redis.call('zadd', KEYS[1], ARGV[i + 1], ARGV[i])
        end
        return 1
        """);

    // KEYS: due, entries. ARGV: id.
    private static readonly RedisScript s_cancel = new("""
        if redis.call('zrem', KEYS[1], ARGV[1]) == 1 then
          redis.call('hdel', KEYS[2], ARGV[1])
          return 1
        end
        return 0
        """);

    // KEYS: entries, claimed entries. ARGV: id.
    private static readonly RedisScript s_get = new("""
        local e = redis.call('hget', KEYS[1], ARGV[1])
        if e then return e end
        return redis.call('hget', KEYS[2], ARGV[1])
        """);

    // KEYS: due, entries. ARGV: skip, take. Returns id, payload pairs, soonest first.
    private static readonly RedisScript s_list = new("""
        local ids = redis.call('zrange', KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[1]) + tonumber(ARGV[2]) - 1)
        local out = {}
        for _, id in ipairs(ids) do
          local e = redis.call('hget', KEYS[2], id)
          if e then
            out[#out + 1] = id
            out[#out + 1] = e
          end
        end
        return out
        """);

    /// <summary>Lua helpers: commands over many ids in one call each (a call per id costs most of a script's time), in
    /// chunks of at most 1,000 arguments (Lua's unpack has a stack limit of about 8,000).</summary>
    private const string Bulk = """
        local function bulk(cmd, key, list)
          for i = 1, #list, 1000 do
            redis.call(cmd, key, unpack(list, i, math.min(i + 999, #list)))
          end
        end
        local function bulk_hmget(key, list)
          local values = {}
          for i = 1, #list, 1000 do
            local part = redis.call('hmget', key, unpack(list, i, math.min(i + 999, #list)))
            for j = 1, #part do values[#values + 1] = part[j] end
          end
          return values
        end
        """;

    // KEYS: fence, due, entries, claimed, claimed entries. ARGV: token, nowMs, max.
    // Claims of older tokens first (their scheduler died), then due entries soonest first; an id that is still
    // claimed (a replacement scheduled while its earlier version fires) waits until that firing completes. The due
    // entries move with one ZREM, HDEL, ZADD and HSET for the whole batch.
    private static readonly RedisScript s_claim = new(Fence + "\n" + Bulk + "\n" + """
        local max = tonumber(ARGV[3])
        local out = {1}
        local n = 0
        local stale = redis.call('zrangebyscore', KEYS[4], '-inf', '(' .. ARGV[1], 'LIMIT', 0, max)
        for _, id in ipairs(stale) do
          redis.call('zadd', KEYS[4], token, id)
          local e = redis.call('hget', KEYS[5], id)
          if e then
            out[#out + 1] = id
            out[#out + 1] = e
            n = n + 1
          end
        end
        if n < max then
          local due = redis.call('zrangebyscore', KEYS[2], '-inf', ARGV[2], 'LIMIT', 0, (max - n) * 2 + 16)
          local take = {}
          for _, id in ipairs(due) do
            if n + #take >= max then break end
            if not redis.call('zscore', KEYS[4], id) then take[#take + 1] = id end
          end
          if #take > 0 then
            local payloads = bulk_hmget(KEYS[3], take)
            bulk('zrem', KEYS[2], take)
            bulk('hdel', KEYS[3], take)
            local scored = {}
            local stored = {}
            for i, id in ipairs(take) do
              local e = payloads[i]
              if e then
                scored[#scored + 1] = token
                scored[#scored + 1] = id
                stored[#stored + 1] = id
                stored[#stored + 1] = e
                out[#out + 1] = id
                out[#out + 1] = e
                n = n + 1
              end
            end
            if #scored > 0 then
              bulk('zadd', KEYS[4], scored)
              bulk('hset', KEYS[5], stored)
            end
          end
        end
        return out
        """);

    // KEYS: fence, due, entries, claimed, claimed entries. ARGV: token, count, id*count, (id, dueMs, payload)*.
    private static readonly RedisScript s_complete = new(Fence + "\n" + Bulk + "\n" + """
        local count = tonumber(ARGV[2])
        if count > 0 then
          local fired = {}
          for i = 3, 2 + count do fired[#fired + 1] = ARGV[i] end
          bulk('zrem', KEYS[4], fired)
          bulk('hdel', KEYS[5], fired)
        end
        for i = 3 + count, #ARGV, 3 do
          if not redis.call('zscore', KEYS[2], ARGV[i]) then
            redis.call('hset', KEYS[3], ARGV[i], ARGV[i + 2])
            redis.call('zadd', KEYS[2], ARGV[i + 1], ARGV[i])
          end
        end
        return {1}
        """);

    private readonly IDatabase _database;
    private readonly RedisKey _fence;
    private readonly RedisKey _due;
    private readonly RedisKey _entries;
    private readonly RedisKey _claimed;
    private readonly RedisKey _claimedEntries;

    /// <summary>Creates the store.</summary>
    /// <param name="connection">The application's Redis connection (single server, Sentinel or Cluster); not disposed here.</param>
    /// <param name="options">The key prefix; defaults when null.</param>
    public RedisScheduleStore(IConnectionMultiplexer connection, RedisPersistenceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _database = connection.GetDatabase();
        string prefix = new RedisKeys(options ?? new RedisPersistenceOptions()).Prefix;
        _fence = prefix + "sched:fence";
        _due = prefix + "sched:due";
        _entries = prefix + "sched:entries";
        _claimed = prefix + "sched:claimed";
        _claimedEntries = prefix + "sched:claimed:entries";
    }

    /// <inheritdoc/>
    public async ValueTask ScheduleAsync(IReadOnlyList<ScheduledMessage> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        cancellationToken.ThrowIfCancellationRequested();
        if (entries.Count == 0)
        {
            return;
        }

        var arguments = new List<RedisValue>(entries.Count * 3);
        AddEntries(arguments, entries, nameof(entries));
        await s_schedule.EvaluateAsync(_database, [_due, _entries], [.. arguments]).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> CancelAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        RedisResult reply = await s_cancel.EvaluateAsync(_database, [_due, _entries], [id]).WaitAsync(cancellationToken).ConfigureAwait(false);
        return (long)reply == 1;
    }

    /// <inheritdoc/>
    public async ValueTask<ScheduledMessage?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        RedisResult reply = await s_get.EvaluateAsync(_database, [_entries, _claimedEntries], [id]).WaitAsync(cancellationToken).ConfigureAwait(false);
        return reply.IsNull ? null : ScheduleEntryCodec.Decode(id, (byte[])reply!);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<ScheduledMessage>> ListPendingAsync(int skip, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        if (take == 0)
        {
            return [];
        }

        RedisResult[] reply = (RedisResult[])(await s_list.EvaluateAsync(_database, [_due, _entries], [skip, take]).WaitAsync(cancellationToken).ConfigureAwait(false))!;
        return Decode(reply, 0);
    }

    /// <inheritdoc/>
    public async ValueTask<long> CountPendingAsync(CancellationToken cancellationToken)
        => await _database.SortedSetLengthAsync(_due).WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<ScheduledMessage>> ClaimDueAsync(DateTimeOffset now, int max, long fencingToken, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        RedisResult[] reply = (RedisResult[])(await s_claim.EvaluateAsync(
            _database,
            [_fence, _due, _entries, _claimed, _claimedEntries],
            [fencingToken, now.ToUnixTimeMilliseconds(), max]).WaitAsync(cancellationToken).ConfigureAwait(false))!;
        ThrowIfStale(reply, fencingToken);
        return Decode(reply, 1);
    }

    /// <inheritdoc/>
    public async ValueTask CompleteAsync(IReadOnlyList<string> firedIds, IReadOnlyList<ScheduledMessage> next, long fencingToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(firedIds);
        ArgumentNullException.ThrowIfNull(next);
        var arguments = new List<RedisValue>(2 + firedIds.Count + (next.Count * 3)) { fencingToken, firedIds.Count };
        foreach (string id in firedIds)
        {
            arguments.Add(id ?? throw new ArgumentException("A fired id is null.", nameof(firedIds)));
        }

        AddEntries(arguments, next, nameof(next));
        RedisResult[] reply = (RedisResult[])(await s_complete.EvaluateAsync(
            _database,
            [_fence, _due, _entries, _claimed, _claimedEntries],
            [.. arguments]).WaitAsync(cancellationToken).ConfigureAwait(false))!;
        ThrowIfStale(reply, fencingToken);
    }

    private static void AddEntries(List<RedisValue> arguments, IReadOnlyList<ScheduledMessage> entries, string parameter)
    {
        for (int i = 0; i < entries.Count; i++)
        {
            ScheduledMessage entry = entries[i] ?? throw new ArgumentException($"The scheduled message at index {i} is null.", parameter);
            arguments.Add(entry.Id);
            arguments.Add(entry.DueAt.ToUnixTimeMilliseconds());
            arguments.Add(ScheduleEntryCodec.Encode(entry));
        }
    }

    private static List<ScheduledMessage> Decode(RedisResult[] reply, int start)
    {
        var entries = new List<ScheduledMessage>((reply.Length - start) / 2);
        for (int i = start; i + 1 < reply.Length; i += 2)
        {
            entries.Add(ScheduleEntryCodec.Decode((string)reply[i]!, (byte[])reply[i + 1]!));
        }

        return entries;
    }

    private static void ThrowIfStale(RedisResult[] reply, long fencingToken)
    {
        if (reply.Length > 0 && (long)reply[0] == 0)
        {
            throw new StaleFencingTokenException(
                $"The schedule store refused fencing token {fencingToken}: a newer scheduler has used it with token {(long)reply[1]}.");
        }
    }
}
