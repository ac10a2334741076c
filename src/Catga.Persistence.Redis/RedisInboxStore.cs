using Catga.Inbox;
using Catga.Outbox;
using StackExchange.Redis;

namespace Catga.Persistence.Redis;

/// <summary>
/// An <see cref="IInboxStore"/> in Redis. Each message has a hash (state <c>c</c>laimed or <c>d</c>one, claim token,
/// result) whose TTL is the lease while claimed and the retention once done. Claiming, completing and releasing are
/// each one Lua script, so there is no check-then-act race. Claim tokens come from one INCR counter and only grow, so
/// a claim taken again after its lease expired has a larger token than the one it replaced. Completing checks the
/// token, stores the result and appends the outbox entries to the <see cref="RedisOutboxStore"/> keys with the same
/// prefix, in the same script.
/// </summary>
public sealed class RedisInboxStore : IInboxStore
{
    private static readonly RedisScript s_claim = new("""
        local state = redis.call('hget', KEYS[1], 's')
        if state == 'd' then return {2, redis.call('hget', KEYS[1], 'r') or ''} end
        if state == 'c' then return {1} end
        local token = redis.call('incr', KEYS[2])
        redis.call('del', KEYS[1])
        redis.call('hset', KEYS[1], 's', 'c', 't', string.format('%d', token))
        redis.call('pexpire', KEYS[1], ARGV[1])
        return {0, token}
        """);

    private static readonly RedisScript s_complete = new("""
        if redis.call('hget', KEYS[1], 's') ~= 'c' or redis.call('hget', KEYS[1], 't') ~= ARGV[1] then return 0 end
        redis.call('hset', KEYS[1], 's', 'd', 'r', ARGV[2])
        redis.call('pexpire', KEYS[1], ARGV[3])
        """ + "\n" + OutboxScripts.Append(firstArgument: 4, firstKey: 2) + "\nreturn 1");

    private static readonly RedisScript s_claimBatch = new("""
        local out = {}
        for i = 2, #KEYS do
          local state = redis.call('hget', KEYS[i], 's')
          if state == 'd' then
            out[#out + 1] = 2
            out[#out + 1] = redis.call('hget', KEYS[i], 'r') or ''
          elseif state == 'c' then
            out[#out + 1] = 1
            out[#out + 1] = 0
          else
            local token = redis.call('incr', KEYS[1])
            redis.call('del', KEYS[i])
            redis.call('hset', KEYS[i], 's', 'c', 't', string.format('%d', token))
            redis.call('pexpire', KEYS[i], ARGV[1])
            out[#out + 1] = 0
            out[#out + 1] = token
          end
        end
        return out
        """);

    private static readonly RedisScript s_completeBatch = new("""
        local out = {}
        local a = 2
        for k = 4, #KEYS do
          local token, result, count = ARGV[a], ARGV[a + 1], tonumber(ARGV[a + 2])
          local first = a + 3
          a = first + 2 * count
          local held = redis.call('hmget', KEYS[k], 's', 't')
          if held[1] == 'c' and held[2] == token then
            redis.call('hset', KEYS[k], 's', 'd', 'r', result)
            redis.call('pexpire', KEYS[k], ARGV[1])
            for i = first, a - 1, 2 do
              if redis.call('hsetnx', KEYS[2], ARGV[i], ARGV[i + 1]) == 1 then
                redis.call('zadd', KEYS[1], redis.call('incr', KEYS[3]), ARGV[i])
              end
            end
            out[#out + 1] = 1
          else
            out[#out + 1] = 0
          end
        end
        return out
        """);

    private static readonly RedisScript s_extend = new("""
        if redis.call('hget', KEYS[1], 's') == 'c' and redis.call('hget', KEYS[1], 't') == ARGV[1] then
          return redis.call('pexpire', KEYS[1], ARGV[2])
        end
        return 0
        """);

    private static readonly RedisScript s_release = new("""
        if redis.call('hget', KEYS[1], 's') == 'c' and redis.call('hget', KEYS[1], 't') == ARGV[1] then
          return redis.call('del', KEYS[1])
        end
        return 0
        """);

    private readonly IDatabase _database;
    private readonly RedisKeys _keys;

    /// <summary>Creates the store.</summary>
    /// <param name="connection">The application's Redis connection (single server, Sentinel or Cluster); not disposed here.</param>
    /// <param name="options">The key prefix, shared with the <see cref="RedisOutboxStore"/> completions append to;
    /// defaults when null.</param>
    public RedisInboxStore(IConnectionMultiplexer connection, RedisPersistenceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _database = connection.GetDatabase();
        _keys = new RedisKeys(options ?? new RedisPersistenceOptions());
    }

    private async Task<RedisResult> RunAsync(RedisScript script, RedisKey[] keys, RedisValue[] values, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await script.EvaluateAsync(_database, keys, values).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<InboxClaim> TryClaimAsync(string messageId, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        RedisResult[] reply = (RedisResult[])(await RunAsync(
            s_claim, [_keys.InboxRecord(messageId), _keys.InboxTokenCounter], [Milliseconds(lease)], cancellationToken).ConfigureAwait(false))!;
        return ToClaim(reply, 0);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> CompleteAsync(
        string messageId, long claimToken, ReadOnlyMemory<byte> result, IReadOnlyList<OutboxMessage> outbox, TimeSpan retention, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retention, TimeSpan.Zero);
        var arguments = new List<RedisValue>(3 + (outbox.Count * 2)) { claimToken, result, Milliseconds(retention) };
        OutboxScripts.AddEntries(arguments, outbox);
        RedisResult reply = await RunAsync(
            s_complete,
            [_keys.InboxRecord(messageId), _keys.OutboxPending, _keys.OutboxEntries, _keys.OutboxSequence],
            [.. arguments],
            cancellationToken).ConfigureAwait(false);
        return (long)reply == 1;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> ExtendClaimAsync(string messageId, long claimToken, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        RedisResult reply = await RunAsync(
            s_extend, [_keys.InboxRecord(messageId)], [claimToken, Milliseconds(lease)], cancellationToken).ConfigureAwait(false);
        return (long)reply == 1;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<InboxClaim>> TryClaimBatchAsync(IReadOnlyList<string> messageIds, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        if (messageIds.Count == 0)
        {
            return [];
        }

        var keys = new RedisKey[messageIds.Count + 1];
        keys[0] = _keys.InboxTokenCounter;
        for (int i = 0; i < messageIds.Count; i++)
        {
            keys[i + 1] = string.IsNullOrEmpty(messageIds[i])
                ? throw new ArgumentException($"The message id at index {i} is null or empty.", nameof(messageIds))
                : _keys.InboxRecord(messageIds[i]);
        }

        RedisResult[] reply = (RedisResult[])(await RunAsync(s_claimBatch, keys, [Milliseconds(lease)], cancellationToken).ConfigureAwait(false))!;
        var claims = new InboxClaim[messageIds.Count];
        for (int i = 0; i < claims.Length; i++)
        {
            claims[i] = ToClaim(reply, 2 * i);
        }

        return claims;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<bool>> CompleteBatchAsync(IReadOnlyList<InboxCompletion> completions, TimeSpan retention, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completions);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retention, TimeSpan.Zero);
        if (completions.Count == 0)
        {
            return [];
        }

        var keys = new List<RedisKey>(completions.Count + 3) { _keys.OutboxPending, _keys.OutboxEntries, _keys.OutboxSequence };
        var arguments = new List<RedisValue>(1 + (completions.Count * 5)) { Milliseconds(retention) };
        for (int i = 0; i < completions.Count; i++)
        {
            InboxCompletion completion = completions[i] ?? throw new ArgumentException($"The completion at index {i} is null.", nameof(completions));
            keys.Add(_keys.InboxRecord(completion.MessageId));
            arguments.Add(completion.ClaimToken);
            arguments.Add(completion.Result);
            arguments.Add(completion.Outbox.Count);
            OutboxScripts.AddEntries(arguments, completion.Outbox);
        }

        RedisResult[] reply = (RedisResult[])(await RunAsync(s_completeBatch, [.. keys], [.. arguments], cancellationToken).ConfigureAwait(false))!;
        var stored = new bool[completions.Count];
        for (int i = 0; i < stored.Length; i++)
        {
            stored[i] = (long)reply[i] == 1;
        }

        return stored;
    }

    /// <inheritdoc/>
    public async ValueTask ReleaseAsync(string messageId, long claimToken, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        await RunAsync(s_release, [_keys.InboxRecord(messageId)], [claimToken], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Does nothing: Redis expires records itself when their retention passes.</summary>
    /// <param name="cancellationToken">Unused.</param>
    /// <returns>Zero.</returns>
    public ValueTask<long> CleanupAsync(CancellationToken cancellationToken) => new(0L);

    private static InboxClaim ToClaim(RedisResult[] reply, int at) => (long)reply[at] switch
    {
        0 => InboxClaim.Claimed((long)reply[at + 1]),
        1 => InboxClaim.Busy,
        _ => InboxClaim.Completed((byte[]?)reply[at + 1] ?? []),
    };

    internal static long Milliseconds(TimeSpan duration) => Math.Max(1, (long)Math.Ceiling(duration.TotalMilliseconds));
}
